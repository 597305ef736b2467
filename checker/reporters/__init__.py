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


# The built-in formats and their modules, imported only when asked for: a JSON run
# need not compile the text reporter (nor import rich).
_BUILTIN = {"json": "checker.reporters.json_reporter", "text": "checker.reporters.text"}


def formats() -> list[str]:
    for name in _BUILTIN:
        _load_builtin(name)
    return sorted(_REGISTRY)


def get(name: str) -> Reporter:
    _load_builtin(name)
    return _REGISTRY[name]()


def _load_builtin(name: str) -> None:
    if name not in _REGISTRY and name in _BUILTIN:
        import importlib

        importlib.import_module(_BUILTIN[name])
