"""offercheck: a rules-driven compliance checker for US issuer tender and exchange offers."""

from __future__ import annotations

__version__ = "0.1.0"
TOOL_NAME = "offercheck"
