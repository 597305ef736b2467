"""The code fingerprint remembered under stat data, and the document parse cache:
both only save time, and neither can change a result."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checker import cache, yamlsource
from checker.document import load_document
from checker.errors import DocumentError
from checker.resources import project_home

DOC = "schema_version: 1\noffer: {id: x}\nclasses: [{id: A, sought: 5}]\n"


# Every test here runs with a cache folder of its own (conftest.isolated_cache).
pytestmark = pytest.mark.usefixtures("isolated_cache")


def _content_only(package: Path) -> str:
    """The fingerprint computed from the files alone, with no cache to consult."""
    os.environ["OFFERCHECK_NO_CACHE"] = "1"
    try:
        return cache.source_fingerprint(package)
    finally:
        del os.environ["OFFERCHECK_NO_CACHE"]


@pytest.fixture
def package(tmp_path):
    copy = tmp_path / "pkg"
    (copy / "sub").mkdir(parents=True)
    (copy / "a.py").write_text("A = 1\n")
    (copy / "sub" / "b.py").write_text("B = 2\n")
    (copy / "notes.txt").write_text("not code\n")
    return copy


def test_the_listing_is_sorted_rglob():
    package = Path(cache.__file__).parent
    assert cache.source_files(package) == sorted(package.rglob("*.py"))


def test_a_remembered_fingerprint_equals_the_content_fingerprint(package, monkeypatch, isolated_cache):
    monkeypatch.setattr(cache, "SETTLED_NS", 0)  # the files just written count as settled
    first = cache.source_fingerprint(package)
    assert first == _content_only(package)
    assert list((isolated_cache / "json").iterdir())  # remembered
    monkeypatch.setattr(cache, "open", lambda *a: pytest.fail("read again"), raising=False)
    assert cache.source_fingerprint(package) == first


def test_a_same_size_edit_with_the_old_mtime_changes_the_fingerprint(package, monkeypatch):
    monkeypatch.setattr(cache, "SETTLED_NS", 0)
    target = package / "sub" / "b.py"
    before = cache.source_fingerprint(package)
    stat = target.stat()
    time.sleep(0.05)  # past the file system clock's tick, as SETTLED_NS ensures normally
    target.write_text("B = 3\n")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # mtime and size as before
    assert target.stat().st_mtime_ns == stat.st_mtime_ns
    after = cache.source_fingerprint(package)
    assert after != before
    assert after == _content_only(package)


def test_added_and_removed_files_change_the_fingerprint(package, monkeypatch):
    monkeypatch.setattr(cache, "SETTLED_NS", 0)
    before = cache.source_fingerprint(package)
    (package / "c.py").write_text("")
    added = cache.source_fingerprint(package)
    (package / "c.py").unlink()
    (package / "sub" / "b.py").unlink()
    removed = cache.source_fingerprint(package)
    assert len({before, added, removed}) == 3


def test_recently_written_files_are_not_remembered(package, isolated_cache):
    cache.source_fingerprint(package)  # files a moment old: within SETTLED_NS
    assert not (isolated_cache / "json").exists()


def test_a_copy_has_the_same_fingerprint(package, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(package, copy)
    assert cache.source_fingerprint(copy) == cache.source_fingerprint(package)


# ---------------------------------------------------------------- document parses

def test_a_document_parse_comes_back_from_the_cache_unchanged(tmp_path, isolated_cache):
    path = tmp_path / "offer.yaml"
    path.write_text(DOC)
    first = load_document(str(path))
    records = list((isolated_cache / "json").iterdir())
    assert records
    second = load_document(str(path))
    assert second.values == first.values
    assert second.source_map == first.source_map
    assert second.sha256 == first.sha256


def test_the_dynex_document_from_the_cache_equals_a_fresh_parse(monkeypatch):
    path = str(project_home() / "examples" / "dynex-2003" / "offer.yaml")
    load_document(path)  # records the parse
    cached = load_document(path)
    monkeypatch.setenv("OFFERCHECK_NO_CACHE", "1")
    fresh = load_document(path)
    assert cached.values == fresh.values
    assert cached.source_map == fresh.source_map


def test_a_cached_check_does_not_import_pyyaml(tmp_path):
    example = project_home() / "examples" / "dynex-2003" / "offer.yaml"
    env = dict(os.environ, OFFERCHECK_CACHE_DIR=str(tmp_path / "c"), PYTHONPATH=str(project_home()))
    probe = ("import sys, runpy\n"
             "sys.argv = ['offercheck', 'check', sys.argv[1], '--format', 'json']\n"
             "try:\n    runpy.run_module('checker', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "print('yaml' in sys.modules, file=sys.stderr)\n")
    runs = [subprocess.run([sys.executable, "-c", probe, str(example)], check=False, capture_output=True,
                           text=True, env=env, cwd=project_home()) for _ in range(2)]
    assert runs[0].stderr.strip().endswith("True")  # parsed, and recorded
    assert runs[1].stderr.strip().endswith("False"), runs[1].stderr
    assert runs[0].stdout == runs[1].stdout


def test_a_parse_json_cannot_hold_exactly_is_not_recorded(tmp_path, isolated_cache):
    path = tmp_path / "bin.yaml"
    path.write_text("a: !!binary aGVsbG8=\n")
    loaded = yamlsource.load_file(path, DocumentError, cache_kind="offer-state-parse")
    assert loaded.data == {"a": b"hello"}
    key = loaded.sha256 + ":" + yamlsource._parser_fingerprint()
    assert cache.load_json("offer-state-parse", key) is None
    again = yamlsource.load_file(path, DocumentError, cache_kind="offer-state-parse")
    assert again.data == {"a": b"hello"}
    assert not list(tmp_path.glob("cache/json/.tmp-*"))


def test_errors_are_never_recorded_and_a_damaged_record_is_ignored(tmp_path, isolated_cache):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: 1\na: 2\n")
    for _ in range(2):
        with pytest.raises(DocumentError, match="duplicate key"):
            yamlsource.load_file(bad, DocumentError, cache_kind="offer-state-parse")
    good = tmp_path / "good.yaml"
    good.write_text("a: [1, 2]\n")
    first = yamlsource.load_file(good, DocumentError, cache_kind="offer-state-parse")
    for record in (isolated_cache / "json").iterdir():
        record.write_text('{"data": 1, "values": [[1]]}')
    again = yamlsource.load_file(good, DocumentError, cache_kind="offer-state-parse")
    assert again.data == first.data and again.source_map == first.source_map


@pytest.mark.parametrize("text", [
    "",
    "5\n",
    "a: &x {b: [1, 2, {c: null}], d: 2003-01-08}\ne: *x\n1: one\ntrue: yes\nf: []\ng: {}\n",
    "- [a, [b, [c]]]\n- {k: v}\n- 'q'\n",
    '{"json": [1.5, -0.0, 1e300, "x"], "nested": {"deep": {"deeper": [true, false]}}}\n',
])
def test_a_parse_record_gives_back_the_same_values_and_spans_in_the_same_order(tmp_path, monkeypatch,
                                                                              text):
    path = tmp_path / "doc.yaml"
    path.write_text(text)
    fresh = yamlsource.load_text(text, str(path), DocumentError)
    for attempt in range(2):  # the first records the parse, the second reads it back
        if attempt and text:  # (an empty document has no values to record)
            monkeypatch.setattr(yamlsource, "load_text", lambda *a: pytest.fail("parsed again"))
        loaded = yamlsource.load_file(path, DocumentError, cache_kind="offer-state-parse")
        assert loaded.data == fresh.data and repr(loaded.data) == repr(fresh.data)
        assert list(loaded.source_map.values.items()) == list(fresh.source_map.values.items())
        assert list(loaded.source_map.keys.items()) == list(fresh.source_map.keys.items())
        assert loaded.sha256 == fresh.sha256


def test_a_file_hash_is_its_content_hash_and_follows_same_size_edits(tmp_path, monkeypatch, isolated_cache):
    import hashlib

    monkeypatch.setattr(cache, "SETTLED_NS", 0)
    path = tmp_path / "schema.json"
    path.write_bytes(b'{"a": 1}\r\n')
    first = cache.file_sha256(path)
    assert first == hashlib.sha256(b'{"a": 1}\r\n').hexdigest()
    with monkeypatch.context() as patched:
        patched.setattr(cache, "open", lambda *a: pytest.fail("read again"), raising=False)
        assert cache.file_sha256(path) == first  # from the record
    stat = path.stat()
    time.sleep(0.05)
    path.write_bytes(b'{"a": 2}\r\n')
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert cache.file_sha256(path) == hashlib.sha256(b'{"a": 2}\r\n').hexdigest()
