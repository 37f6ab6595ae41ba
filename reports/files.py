"""Writing a report file so that no reader sees half of it and no two writers meet.

A writer holds an exclusive lock on the file's own lock file while it renders into a
temporary file beside it, then renames the temporary file over the target in one step."""

import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


@contextmanager
def exclusive(target: Path) -> Iterator[None]:
    """Waits until no other writer, thread or process, holds `target`'s lock."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with lock_path(target).open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def write_atomically(target: Path, write: Callable[[Path], object]) -> Path:
    """Calls `write(temporary_path)` under `target`'s lock, then renames the result onto
    `target`. On failure the old file, if any, stays as it was."""
    with exclusive(target):
        descriptor, name = tempfile.mkstemp(
            prefix=f".{target.stem}.", suffix=f"{target.suffix}.part", dir=target.parent
        )
        os.close(descriptor)
        temporary = Path(name)
        try:
            write(temporary)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    return target
