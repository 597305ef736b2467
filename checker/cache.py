"""Remembers work already done on unchanged inputs: schema passes and parsed rule packs.

Importing jsonschema and validating costs ~90 ms of a ~240 ms run; a pre-commit
hook or CI loop checks the same packs (and often the same documents) again and
again. A marker file named after sha256(tool version, schema, content) records a
pass; only passes are recorded, so a cache can never hide an error, and any change
to the input, the schema or the tool misses it. Writes are atomic and failures to
write are ignored (a read-only home directory simply means no cache).

Parsed rule packs (plain data and source spans, as JSON: never pickle, since a cache
folder must not be able to run code) are kept the same way, keyed by content.

OFFERCHECK_CACHE_DIR chooses the folder; OFFERCHECK_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from checker import __version__


def _directory() -> Path | None:
    if os.environ.get("OFFERCHECK_NO_CACHE"):
        return None
    chosen = os.environ.get("OFFERCHECK_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "offercheck"


def _key(kind: str, schema_sha: str, content_sha: str) -> str:
    return hashlib.sha256(f"{__version__}\0{kind}\0{schema_sha}\0{content_sha}".encode()).hexdigest()


def known_valid(kind: str, schema_sha: str, content_sha: str) -> bool:
    folder = _directory()
    return folder is not None and (folder / "valid" / _key(kind, schema_sha, content_sha)).exists()


def remember_valid(kind: str, schema_sha: str, content_sha: str) -> None:
    folder = _directory()
    if folder is None:
        return
    target = folder / "valid" / _key(kind, schema_sha, content_sha)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        os.close(fd)
        os.replace(tmp, target)
    except OSError:
        pass  # no cache is never an error


def load_json(kind: str, content_sha: str) -> object | None:
    """A value stored by store_json for this content, or None."""
    folder = _directory()
    if folder is None:
        return None
    try:
        import json

        return json.loads((folder / "json" / _key(kind, "", content_sha)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store_json(kind: str, content_sha: str, value: object) -> None:
    folder = _directory()
    if folder is None:
        return
    target = folder / "json" / _key(kind, "", content_sha)
    try:
        import json

        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(value, handle, separators=(",", ":"))
        os.replace(tmp, target)
    except (OSError, TypeError, ValueError):
        pass
