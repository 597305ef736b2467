"""Errors that carry a source location and map to the CLI's exit codes.

Every error the user can cause is one of these: the CLI prints ``str(error)`` on
one line and exits with ``error.exit_code``; no traceback ever reaches the user.
"""

from __future__ import annotations

from typing import NamedTuple


# Value objects here and in findings/engine are NamedTuples, not dataclasses: a dataclass
# costs ~0.5 ms to create at import (generated methods are compiled), paid by every run.
class SourceSpan(NamedTuple):
    """Where a value came from: file, 1-based line and column."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class OfferCheckError(Exception):
    """Base class: a one-line, user-facing error with an exit code."""

    exit_code = 3

    def __init__(self, message: str, span: SourceSpan | None = None, path: str | None = None):
        super().__init__(message)
        self.message = message
        self.span = span
        self.path = path

    def __str__(self) -> str:
        where = f"{self.span}: " if self.span else ""
        what = f"{self.path}: " if self.path else ""
        # One line, always: collapse any newline a library put in its message.
        return " ".join(f"{where}{what}{self.message}".split())


class DocumentError(OfferCheckError):
    """The offer-state document (or another user input) is invalid: exit 2."""

    exit_code = 2


class UsageError(OfferCheckError):
    """The command line is invalid: exit 2."""

    exit_code = 2


class RulePackError(OfferCheckError):
    """A rule pack is invalid (schema, CEL, unknown fact path): exit 3."""

    exit_code = 3
