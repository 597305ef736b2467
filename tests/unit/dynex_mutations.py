"""The Dynex expiration document, and single-fact changes to it, for the fuzz tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DYNEX_TEXT = (ROOT / "examples" / "dynex-2003" / "expiration.yaml").read_text(encoding="utf-8")
DYNEX = yaml.safe_load(DYNEX_TEXT)


def fact_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into node (keys and list indexes), parents before children."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += fact_paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += fact_paths(value, prefix + (i,))
    return out


PATHS = fact_paths(DYNEX)


def replaced(data: Any, path: tuple, value: Any) -> Any:
    """A copy of data with the fact at path set to value."""
    data = copy.deepcopy(data)
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


def deleted(data: Any, path: tuple) -> Any:
    """A copy of data without the fact at path."""
    data = copy.deepcopy(data)
    node = data
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return data
