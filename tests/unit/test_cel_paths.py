from __future__ import annotations

import pytest

from checker.cel_paths import CelSyntaxError, references, tokenize
from checker.expr import FUNCTION_NAMESPACES


def dotted(source, bound=None):
    return [r.dotted() for r in references(source, bound, FUNCTION_NAMESPACES)]


def test_plain_chain_and_index():
    assert dotted("classes[0].sought > 1") == ["classes[].sought"]


def test_comprehension_binds_item_path():
    assert dotted("classes.all(c, c.outstanding > 0)") == ["classes", "classes[].outstanding"]


def test_filter_then_map_keeps_element_type():
    got = dotted("consideration.options.filter(o, o.kind == 'notes').map(o, o.cap_amount)")
    assert "consideration.options[].kind" in got
    assert "consideration.options[].cap_amount" in got


def test_function_namespaces_are_not_facts():
    assert dotted("money.le(a.b, '1')") == ["a.b"]


def test_for_each_bindings_substitute():
    assert dotted("c.sought", {"c": ("classes", ("[]",))}) == ["classes[].sought"]


def test_a_chain_says_which_for_each_variable_it_reads_through():
    """Two loops over one list read one pattern; only `via` tells their items apart, and
    a comprehension over a loop item's list keeps the loop's variable."""
    bound = {"p": ("classes", ("[]",)), "q": ("classes", ("[]",))}
    source = "p.sought < q.sought && q.changes.all(ch, ch.kind == 'x') && classes.all(k, k.id != '')"
    assert [(r.dotted(), r.via) for r in references(source, bound, FUNCTION_NAMESPACES)] == [
        ("classes[].sought", "p"), ("classes[].sought", "q"), ("classes[].changes", "q"),
        ("classes[].changes[].kind", "q"), ("classes", None), ("classes[].id", None)]


def test_unknown_binding_is_not_reported():
    assert dotted("x.y", {"x": None}) == []


def test_strings_are_not_paths():
    assert dotted("'classes.foo' == \"offer.bar\"") == []


def test_macro_over_literal_binds_its_variable():
    assert dotted("[1, 2].all(q, q > 0)") == []


def test_methods_end_the_chain():
    assert dotted("offer.title.startsWith('D')") == ["offer.title"]


def test_bad_character_raises():
    with pytest.raises(CelSyntaxError):
        tokenize("a # b")
