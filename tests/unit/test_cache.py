"""The validation cache records passes only, and never changes a result."""

from __future__ import annotations

import pytest

from checker import cache
from checker.document import load_document_text
from checker.errors import DocumentError

GOOD = "schema_version: 1\noffer: {id: x}\nclasses: [{id: A, sought: 5}]\n"
BAD = "schema_version: 1\noffer: {id: x}\nclasses: [{id: A, sought: -5}]\n"


# Every test here runs with a cache folder of its own (conftest.isolated_cache).
pytestmark = pytest.mark.usefixtures("isolated_cache")


def test_pass_is_remembered_and_result_unchanged(isolated_cache):
    first = load_document_text(GOOD, "a.yaml")
    assert len(list((isolated_cache / "valid").iterdir())) == 1
    second = load_document_text(GOOD, "a.yaml")
    assert first.values == second.values


def test_failures_are_never_cached(isolated_cache):
    for _ in range(2):
        with pytest.raises(DocumentError, match="sought"):
            load_document_text(BAD, "b.yaml")
    assert not (isolated_cache / "valid").exists()


def test_key_covers_tool_schema_and_content():
    keys = {cache._key("k", "s1", "c1"), cache._key("k", "s2", "c1"), cache._key("k", "s1", "c2"),
            cache._key("other", "s1", "c1")}
    assert len(keys) == 4


def test_unwritable_cache_is_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("OFFERCHECK_CACHE_DIR", str(blocker))
    assert load_document_text(GOOD, "c.yaml").values["classes"][0]["sought"] == 5


def test_cache_can_be_turned_off(isolated_cache, monkeypatch):
    monkeypatch.setenv("OFFERCHECK_NO_CACHE", "1")
    load_document_text(GOOD, "d.yaml")
    assert not isolated_cache.exists()
