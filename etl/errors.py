"""Errors a user can act on: each names the file and what is wrong with it."""


class LoadError(Exception):
    """A file refused whole: nothing of it is loaded."""

    def __init__(self, file_name: str, message: str, column: str | None = None):
        self.file_name = file_name
        self.column = column
        super().__init__(f"{file_name}: {message}")


class UnreadableFile(LoadError):
    pass


class MissingColumn(LoadError):
    pass


class AmbiguousHeader(LoadError):
    pass


class UnknownFileKind(LoadError):
    pass


class SnapshotShrinks(LoadError):
    """A loans file for a snapshot date already loaded would drop too many of its loans."""


class SchemaMismatch(Exception):
    """The database file was made by another version of the schema: nothing is loaded."""
