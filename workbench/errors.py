"""Errors the workbench raises on purpose, each with a message a user can act on."""

from __future__ import annotations


class WorkbenchError(Exception):
    """Base class: anything the CLI reports as a one-line error instead of a traceback."""


class InputError(WorkbenchError):
    """An input file, record or field could not be used; names what and why."""

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason


class MissingDependency(WorkbenchError):
    """An optional package is not installed; says which one to install."""

    def __init__(self, what: str, package: str) -> None:
        super().__init__(f"{what} needs the package {package!r}: pip install {package}")
        self.package = package


class InvalidOption(WorkbenchError, ValueError):
    """An option or setting value the workbench does not know (e.g. a search mode)."""


class NotFound(WorkbenchError):
    """A claim, article or note id that the store does not hold."""


class ConflictError(WorkbenchError):
    """An optimistic-concurrency conflict: someone else saved first."""

    def __init__(self, message: str, current: object | None = None) -> None:
        super().__init__(message)
        self.current = current


def require(module: str, package: str, what: str):
    """Import ``module`` or raise :class:`MissingDependency` naming ``package``."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependency(what, package) from exc


class StorageFull(WorkbenchError):
    """The disk (or quota) filled up while writing; what was committed before stays intact."""


class ReadOnlyData(WorkbenchError):
    """A writing command on a data directory this process cannot write."""

    def __init__(self, data_dir: object) -> None:
        super().__init__(
            f"data directory is read-only: {data_dir}; reading commands (stats, search, articles,"
            " export) work, writing ones need a writable directory"
        )


class NotSignedIn(WorkbenchError):
    """Team mode: the action needs a signed-in user (a session or token), and there is none."""


class PermissionDenied(WorkbenchError):
    """Team mode: the signed-in user's role does not allow the action."""


class TooManyAttempts(WorkbenchError):
    """Sign-in refused without checking the password: too many recent failures."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after
