"""Finding, Status and Severity: plain data, no behaviour beyond ordering."""

from __future__ import annotations

import enum
from typing import Any, NamedTuple


class Status(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    NOT_EVALUABLE = "not_evaluable"
    ERROR = "error"


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe; used by --fail-on."""
        return {"info": 1, "warning": 2, "error": 3}[self.value]


# Statuses that mean "the rule did not pass": they count against --fail-on.
# not_evaluable counts too, because a missing fact is never a pass.
BLOCKING_STATUSES = (Status.FAIL, Status.NOT_EVALUABLE, Status.ERROR)


# Value objects are NamedTuples (immutable, cheap to create and to define: a dataclass costs
# ~0.5 ms per class at every start); Finding, which fills in its explanation lazily, is a
# plain class.
class Citation(NamedTuple):
    authority: str
    document: str | None = None
    lines: str | None = None
    page: str | None = None
    quote: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in zip(self._fields, self) if v is not None}

    def short(self) -> str:
        parts = [self.authority]
        if self.document:
            parts.append(self.document)
        if self.lines:
            parts.append(f"L{self.lines}")
        if self.page:
            parts.append(f"p.{self.page}")
        return " ".join(parts)


class Fact(NamedTuple):
    path: str
    value: Any
    source: str | None  # "file:line:col", or None for derived values

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "value": self.value, "source": self.source}


class PackRef(NamedTuple):
    id: str
    version: str
    sha256: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version, "sha256": self.sha256}


class Finding:
    """One rule's verdict on one instance, with its explanation.

    The verdict (status) is computed eagerly; the message and facts, which cost more
    than the verdict, may be left as None and are then computed once, on first access,
    by _explain_message / _explain_facts, which the engine's findings provide (a run
    that only needs exit codes never pays for them; a report reads them all).
    """

    __slots__ = ("rule_id", "title", "status", "severity", "pack", "instance", "citations",
                 "missing", "remedy", "tags", "details", "explain_message", "explain_facts")

    def __init__(self, rule_id: str, title: str, status: Status, severity: Severity, pack: PackRef,
                 instance: str | None = None,  # which class/indenture/... a template rule ran for
                 citations: tuple[Citation, ...] = (),
                 missing: tuple[str, ...] = (),  # fact paths, for not_evaluable
                 remedy: str | None = None, tags: tuple[str, ...] = (),
                 details: dict[str, Any] | None = None,
                 explain_message: str | None = "", explain_facts: tuple[Fact, ...] | None = ()):
        self.rule_id = rule_id
        self.title = title
        self.status = status
        self.severity = severity
        self.pack = pack
        self.instance = instance
        self.citations = citations
        self.missing = missing
        self.remedy = remedy
        self.tags = tags
        self.details = details  # optional extra data for the JSON report
        self.explain_message = explain_message  # None: computed on first access
        self.explain_facts = explain_facts  # None: computed on first access

    def __repr__(self) -> str:
        return f"Finding({self.key!r}, {self.status.value}, {self.severity.value})"

    @property
    def message(self) -> str:
        if self.explain_message is None:
            self.explain_message = self._explain_message()
        return self.explain_message

    @property
    def facts(self) -> tuple[Fact, ...]:
        if self.explain_facts is None:
            self.explain_facts = tuple(self._explain_facts())
        return self.explain_facts

    def _explain_message(self) -> str:
        raise NotImplementedError("a finding made without a message must say how to explain it")

    def _explain_facts(self) -> tuple[Fact, ...]:
        raise NotImplementedError("a finding made without facts must say how to explain them")

    @property
    def key(self) -> str:
        return f"{self.rule_id}[{self.instance}]" if self.instance else self.rule_id

    def sort_key(self) -> tuple[str, str, str]:
        # Deterministic order: by rule id, then instance, then pack.
        return (self.rule_id, self.instance or "", self.pack.id)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule_id": self.rule_id,
            "instance": self.instance,
            "title": self.title,
            "status": self.status.value,
            "severity": self.severity.value,
            "message": self.message,
            "citations": [c.to_dict() for c in self.citations],
            "facts": [f.to_dict() for f in self.facts],
            "missing": list(self.missing),
            "remedy": self.remedy,
            "tags": list(self.tags),
            "pack": self.pack.to_dict(),
        }
        if self.details:
            out["details"] = self.details
        return out


def summarize(findings: list[Finding]) -> dict[str, int]:
    counts = {s.value: 0 for s in Status}
    for f in findings:
        counts[f.status.value] += 1
    return counts
