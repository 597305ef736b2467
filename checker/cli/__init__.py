"""The `offercheck` command line: click options only; the work is in build/execute.

Exit codes (DESIGN §5): 0 nothing at or above --fail-on; 1 findings at or above it;
2 invalid input or usage; 3 rule-pack or internal error. Errors are one line on
stderr, never a traceback (set OFFERCHECK_DEBUG=1 to see one).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, Callable

import click

from checker import __version__
from checker.errors import OfferCheckError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_RULES = 0, 1, 2, 3


# Each command's module, imported only when that command is run (or listed in --help):
# `check` need not compile the code of `rules`, `timeline` and `validate` on every run.
_COMMAND_MODULES = {
    "check": "checker.cli.check",
    "rules": "checker.cli.rules",
    "timeline": "checker.cli.timeline",
    "validate": "checker.cli.validate",
}


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(_COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            # Importing a module registers its command (@cli.command). An unknown name
            # loads them all, so that click's "Did you mean ...?" sees every command.
            for module in ([_COMMAND_MODULES[cmd_name]] if cmd_name in _COMMAND_MODULES
                           else _COMMAND_MODULES.values()):
                importlib.import_module(module)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OfferCheckError as exc:
            lines = exc.lines() if hasattr(exc, "lines") else [str(exc)]
            for line in lines:
                click.echo(f"offercheck: error: {line}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("offercheck: interrupted", err=True)
            ctx.exit(EXIT_RULES)
        except Exception as exc:  # fail closed: a crash never exits 0
            if os.environ.get("OFFERCHECK_DEBUG"):
                raise
            first = (str(exc).splitlines() or [""])[0]
            click.echo(f"offercheck: internal error: {type(exc).__name__}: {first} "
                       "(set OFFERCHECK_DEBUG=1 for a traceback)", err=True)
            ctx.exit(EXIT_RULES)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="offercheck")
def cli() -> None:
    """Check US issuer tender and exchange offers against the law, their own terms
    and bond-indenture covenants."""


# Allocations between two passes of the cyclic garbage collector (Python's default: 700).
# A run builds a few tens of thousands of objects (modules, packs, the document, findings)
# that nearly all live until it ends, and makes next to no cyclic garbage; every pass walks
# the young objects and finds nothing to free: ~10 ms of a cached `check`, ~30 ms of an
# uncached one. Cyclic garbage, if any, is still collected every this many allocations.
GC_THRESHOLD = 200_000


def main(argv: list[str] | None = None) -> None:
    """The `offercheck` process: runs one command, then exits. The garbage collector's
    settings below are the process's; a caller that must go on should use `cli` instead."""
    import gc

    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    try:
        cli.main(args=argv, prog_name="offercheck", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_INPUT)
        # At exit the interpreter collects once more over every object left (~20 ms for a
        # `check`), though ending the process frees them all; frozen objects are not examined.
        # Nothing else changes: files are closed, streams flushed and atexit handlers run.
        gc.freeze()
        sys.exit(code)


def command(name: str, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Command]:
    return cli.command(name, **kwargs)
