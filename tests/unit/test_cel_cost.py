"""The load-time bound on nested comprehensions (checker/cel_cost.py)."""

from __future__ import annotations

import pytest

from checker.cel_cost import estimate, list_size_estimate

HUNDRED = "[" + ",".join(str(i) for i in range(100)) + "]"
SIZES = {("params", "table"): 5, ("variables", "big"): 200}


def size_of(root: str, name: str) -> int:
    return SIZES.get((root, name), 1)


@pytest.mark.parametrize("source,iterations", [
    ("classes.all(c, c.sought > 0)", 1),                                      # document lists: bounded elsewhere
    ("classes.all(c, consideration.options.exists(o, o.class == c.id))", 1),
    ("classes.all(c, c.stated_figures.all(f, f.amount != ''))", 1),           # through a document item
    ("params.table.filter(d, d < 3).map(d, d)", 5 * 2 * 2),                   # chained; d mentioned twice
    (f"{HUNDRED}.all(a, {HUNDRED}.all(b, true))", 200 * 200),                 # T = every literal item
    (f"{HUNDRED}.map(a, {HUNDRED}).all(b, b.all(c, true))", 400 * 400),       # items of a built list
    ("variables.big.all(a, true)", 200),
    ("size(x) > 0", 1),
])
def test_estimates_bound_the_steps(source, iterations):
    assert estimate(source, size_of).iterations == iterations


def test_the_estimate_is_never_below_the_real_count():
    # [0..9] nested three deep really takes 1,000 steps; T = 30 items, so 27,000 bounds it
    ten = "[" + ",".join(str(i) for i in range(10)) + "]"
    source = f"{ten}.all(a, {ten}.all(b, {ten}.all(c, true)))"
    assert estimate(source, size_of).iterations >= 10 ** 3


def test_repeating_an_item_cannot_outrun_the_bound():
    # each b is a 100-item list made 10 times longer; x then iterates 1,000 items per item:
    # 100 x 1,000 = 100,000 real steps, which the estimate must not undercount
    repeated = " + ".join(["b"] * 10)
    source = f"{HUNDRED}.map(a, {HUNDRED}).map(b, {repeated}).all(x, x.all(y, true))"
    assert estimate(source, size_of).iterations >= 100 * 1_000


def test_variables_lists_add_up():
    assert list_size_estimate(f"{HUNDRED} + {HUNDRED}", size_of) == 200
    assert list_size_estimate("variables.big + variables.big", size_of) == 400
    assert list_size_estimate("money.sum([])", size_of) == 1
