"""The one run-time signal of a translated program (cel_python) that the engine acts on.

Its own module: the engine catches it on every run, and cel_python itself is imported
only once a run switches to translated programs.
"""

from __future__ import annotations


class Missing(Exception):
    """At run time: a map lacks the key a program reads, where CEL raises KeyError(key).

    The fast translation stops at the first one, as Python's `or` and `and` do; CEL's
    `||` and `&&` go on to the other side (see cel_python._logical). So the engine takes
    the key as the outcome only from the program's strict translation
    (translate(strict=True)), which reproduces that; from the fast one, Missing only
    says the strict one is worth a run.
    """

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key
