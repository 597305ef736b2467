"""Reporters turn a Report into text; one module per format, registered by name."""

from __future__ import annotations

import abc
from typing import Callable

from checker.report import Report

_REGISTRY: dict[str, Callable[[], "Reporter"]] = {}


class Reporter(abc.ABC):
    name: str

    @abc.abstractmethod
    def render(self, report: Report, *, color: bool = False, width: int = 120) -> str:
        """The whole output, as text. Deterministic when color is False."""


def register(name: str) -> Callable[[type[Reporter]], type[Reporter]]:
    def deco(cls: type[Reporter]) -> type[Reporter]:
        cls.name = name
        _REGISTRY[name] = cls
        return cls
    return deco


def formats() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def get(name: str) -> Reporter:
    _load_builtin()
    return _REGISTRY[name]()


def _load_builtin() -> None:
    # Imported lazily: the text reporter pulls in rich, which JSON runs don't need.
    from checker.reporters import json_reporter, text  # noqa: F401
