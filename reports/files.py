"""Writing a report file so that no reader sees half of it and no two writers meet.

A writer holds an exclusive lock on the file's folder while it renders into a temporary
file beside the target, then renames the temporary file over the target in one step. The
lock is the folder's own (flock on the folder), so no lock file is left beside a report."""

import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive(target: Path) -> Iterator[None]:
    """Waits until no other writer, thread or process, holds the lock of `target`'s folder
    (writers of one folder take turns)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(folder, fcntl.LOCK_UN)
    finally:
        os.close(folder)


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
