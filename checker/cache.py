"""Remembers work already done on unchanged inputs: schema passes and parsed rule packs.

Importing jsonschema and validating costs ~90 ms of a ~240 ms run; a pre-commit
hook or CI loop checks the same packs (and often the same documents) again and
again. A marker file named after sha256(tool version, schema, content) records a
pass; only passes are recorded, so a cache can never hide an error, and any change
to the input, the schema or the tool misses it. Writes are atomic and failures to
write are ignored (a read-only home directory simply means no cache).

Parsed rule packs and documents (plain data and source spans, as JSON: never pickle,
since a cache folder must not be able to run code) are kept the same way, keyed by
content and by the code that produced them.

OFFERCHECK_CACHE_DIR chooses the folder; OFFERCHECK_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from checker import __version__

try:
    # hashlib loads OpenSSL (~2.5 ms, a cost paid by every run); CPython's own SHA-256
    # module gives the same digests and our inputs are small (random.py does the same).
    from _sha2 import sha256  # type: ignore[import-not-found]  # CPython >= 3.12
except ImportError:
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,no-redef]  # CPython 3.11
    except ImportError:  # pragma: no cover - other Pythons
        from hashlib import sha256

# A file changed this recently may change again without its stat data changing (the
# file system's clock ticks coarsely), so its stat data does not vouch for its content.
SETTLED_NS = 2_000_000_000


def enabled() -> bool:
    return _directory() is not None


def _directory() -> Path | None:
    if os.environ.get("OFFERCHECK_NO_CACHE"):
        return None
    chosen = os.environ.get("OFFERCHECK_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "offercheck"


def _key(kind: str, schema_sha: str, content_sha: str) -> str:
    return sha256(f"{__version__}\0{kind}\0{schema_sha}\0{content_sha}".encode()).hexdigest()


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
    except (OSError, ValueError, RecursionError):  # unreadable, damaged, or absurdly nested
        return None


def store_json(kind: str, content_sha: str, value: object) -> None:
    folder = _directory()
    if folder is None:
        return
    target = folder / "json" / _key(kind, "", content_sha)
    try:
        import json

        # Encoded before the temporary file exists: a value JSON cannot hold leaves nothing.
        text = json.dumps(value, separators=(",", ":"))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except (OSError, TypeError, ValueError):
        pass


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, remembered under its stat data as in source_fingerprint.

    For the schemas, whose hashes only key this cache, as the code's does. The inputs
    whose hashes a report shows (documents, packs) are always hashed from their bytes."""
    st = os.stat(path)
    settled = max(st.st_mtime_ns, st.st_ctime_ns) < time.time_ns() - SETTLED_NS
    stat_key = sha256(f"{os.path.abspath(path)}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0"
                      f"{st.st_ctime_ns}".encode()).hexdigest()
    if settled:
        known = load_json("file-sha256", stat_key)
        if isinstance(known, str):
            return known
    with open(path, "rb") as handle:
        value = sha256(handle.read()).hexdigest()
    if settled:
        store_json("file-sha256", stat_key, value)
    return value


def source_files(package: Path) -> list[Path]:
    """Every *.py file under package, sorted as sorted(package.rglob("*.py")) sorts them."""
    return [Path(path) for _, path in _source_entries(package)]


def _source_entries(package: Path) -> list[tuple[str, str]]:
    """(name relative to package, path) of every *.py file under package, sorted."""
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(folder: str, parts: tuple[str, ...]) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".py") and entry.is_file():
                    found.append((parts + (entry.name,), entry.path))
                elif entry.is_dir(follow_symlinks=False):
                    walk(entry.path, parts + (entry.name,))

    walk(str(package), ())
    found.sort()
    return [("/".join(parts), path) for parts, path in found]


def source_fingerprint(package: Path) -> str:
    """sha256 over the relative name and content of every *.py file under package.

    The value depends on the files' content only (an identical copy elsewhere has the
    same fingerprint). Reading and hashing ~60 files on every run costs more than the
    rest of a cache lookup, so the value is remembered under the files' stat data (inode,
    size, mtime, ctime: an edit, a rename over the file or a checkout changes ctime and
    nothing can set it back) and recomputed whenever any of it differs. While a file is
    younger than SETTLED_NS the value is not remembered, since a second write within the
    same clock tick would leave the stat data unchanged.
    """
    files = _source_entries(package)
    now = time.time_ns()
    settled = True
    stat_lines = [str(package)]
    for name, path in files:
        st = os.stat(path)
        settled = settled and max(st.st_mtime_ns, st.st_ctime_ns) < now - SETTLED_NS
        stat_lines.append(f"{name}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}")
    stat_key = sha256("\n".join(stat_lines).encode()).hexdigest()
    known = load_json("source-fingerprint", stat_key)
    if isinstance(known, str):
        return known
    digest = sha256()
    for name, path in files:
        with open(path, "rb") as handle:
            digest.update(name.encode() + b"\0" + sha256(handle.read()).digest())
    value = digest.hexdigest()
    if settled:
        store_json("source-fingerprint", stat_key, value)
    return value
