"""The offer timeline as derived facts: rules read it as ``derived.timeline.*``.

The numbers come from :func:`checker.timeline.compute_timeline`, the same
computation ``offercheck timeline`` prints, so a finding and the timeline never
disagree. Shape: the ``timeline`` property of ``schemas/derived.schema.json``.
What cannot be computed is absent, so rules reading it go not_evaluable.
"""

from __future__ import annotations

from typing import Any

from checker.derived import calculator
from checker.document import OfferDocument


@calculator("timeline")
def timeline_facts(document: OfferDocument) -> dict[str, Any]:
    from checker.timeline import compute_timeline

    return compute_timeline(document).facts
