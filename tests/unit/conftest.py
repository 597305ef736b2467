"""Fixtures shared by the unit tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    """The result caches in a folder of the test's own, switched on."""
    monkeypatch.setenv("OFFERCHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("OFFERCHECK_NO_CACHE", raising=False)
    return tmp_path / "cache"
