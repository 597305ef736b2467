"""Where the bundled rules and schemas live.

They sit at the top of the repository (``rules/``, ``schemas/``), beside the package,
so that counsel can read them without digging into site-packages. The project is
installed in editable mode (see README); an installed copy can point elsewhere
with OFFERCHECK_HOME.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def project_home() -> Path:
    override = os.environ.get("OFFERCHECK_HOME")
    return Path(override) if override else _PACKAGE_DIR.parent


def bundled_rules_dir() -> Path:
    return project_home() / "rules"


def schema_path(name: str) -> Path:
    return project_home() / "schemas" / name
