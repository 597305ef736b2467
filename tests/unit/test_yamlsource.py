from __future__ import annotations

import pytest

from checker.errors import DocumentError
from checker.yamlsource import load_text


def test_spans_for_values_and_keys():
    src = load_text("a: 1\nb:\n  - x\n  - {c: 2003-01-08}\n", "f.yaml", DocumentError)
    assert src.data == {"a": 1, "b": ["x", {"c": "2003-01-08"}]}  # timestamps stay text
    assert (src.source_map.values[("b", 1, "c")].line, src.source_map.keys[("a",)].line) == (4, 1)


def test_duplicate_keys_rejected():
    with pytest.raises(DocumentError, match=r"duplicate key 'a' \(first defined at line 1\)") as e:
        load_text("a: 1\na: 2\n", "d.yaml", DocumentError)
    assert str(e.value).startswith("d.yaml:2:1:")


def test_alias_bomb_rejected_quickly():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(8):
        prev, cur = chr(97 + i), chr(98 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(DocumentError, match="expands to more than"):
        load_text("\n".join(lines), "bomb.yaml", DocumentError)


def test_size_limit():
    with pytest.raises(DocumentError, match="limit is"):
        load_text("a: 1\n" * 10, "big.yaml", DocumentError, max_bytes=20)


def test_malformed_yaml_names_line():
    with pytest.raises(DocumentError, match=r"m.yaml:2:1: malformed YAML"):
        load_text("a: [1\n", "m.yaml", DocumentError)


def test_custom_tags_and_merge_keys_rejected():
    with pytest.raises(DocumentError, match="tag"):
        load_text("a: !!python/object:os.system x\n", "t.yaml", DocumentError)
    with pytest.raises(DocumentError, match="merge keys"):
        load_text("b: &b {x: 1}\nc:\n  <<: *b\n", "m.yaml", DocumentError)


def test_deep_nesting_rejected():
    with pytest.raises(DocumentError, match="nesting"):
        load_text("[" * 150 + "]" * 150, "deep.yaml", DocumentError)


def test_non_utf8_rejected():
    with pytest.raises(DocumentError, match="UTF-8"):
        load_text(b"a: \xff\n", "bin.yaml", DocumentError)
