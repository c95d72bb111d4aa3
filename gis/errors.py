"""Typed errors whose messages say what went wrong and what to do next.

``LiftGuardError`` and its subclasses are *user* errors: the command line prints the message and
exits with code 2, the app shows it in a plain dialog. Anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class LiftGuardError(Exception):
    """A problem the user can fix (bad input, bad argument, missing file)."""


class ConfigError(LiftGuardError):
    """A setting or argument is out of range or unknown."""


class StoreError(LiftGuardError):
    """The database cannot be opened, is empty, or has the wrong schema."""


class Cancelled(LiftGuardError):
    """The user cancelled a long operation; nothing it would have written was kept."""


class BoundaryError(LiftGuardError):
    """Administrative boundaries cannot be found or read."""


class CrsError(LiftGuardError):
    """A coordinate reference system is unknown or cannot be applied."""


class ExportError(LiftGuardError):
    """An export cannot be written (folder missing, not writable, no font for Chinese)."""


@dataclass(frozen=True)
class RowProblem:
    """One bad value in an input file: where it is and why it is rejected.

    ``row`` is the 1-based line number a user sees in a spreadsheet or text editor (for CSV and
    XLSX the header is row 1, so the first record is row 2); for GeoJSON/GeoPackage it is the
    1-based feature number.
    """

    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: row {self.row}, field '{self.field}': {self.reason}"


class ValidationError(LiftGuardError):
    """An input file has bad rows; nothing from it was imported."""

    def __init__(self, problems: list[RowProblem], *, max_listed: int = 50) -> None:
        self.problems = list(problems)
        listed = "\n".join(f"  {p}" for p in self.problems[:max_listed])
        more = len(self.problems) - max_listed
        tail = f"\n  ... and {more} more" if more > 0 else ""
        files = sorted({p.file for p in self.problems})
        super().__init__(
            f"{len(self.problems)} problem(s) in {', '.join(files)}; nothing was imported. "
            f"Fix the rows below and import again:\n{listed}{tail}"
        )


class RoadsError(LiftGuardError):
    """A road file cannot be read, holds no drivable roads, or a road graph cache is unusable."""


class RoutingError(LiftGuardError):
    """A route cannot be computed: an elevator or station is off the road network or unreachable."""
