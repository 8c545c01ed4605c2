"""The Typer application and the one place where errors become messages and exit codes."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from maatstaf.adapters.base import LoadError
from maatstaf.adapters.pseudonym import PseudonymError
from maatstaf.cli import INTERRUPTED  # defined before the heavy imports
from maatstaf.dsl.errors import DefinitionError
from maatstaf.engine.diff import DiffError
from maatstaf.engine.periods import PeriodError
from maatstaf.engine.published import PublishedError
from maatstaf.engine.reconcile import ExpectedError
from maatstaf.engine.run import RunError
from maatstaf.renderers.base import RendererError

app = typer.Typer(
    name="maatstaf",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Explicit, versioned definitions of social-domain figures (Wmo, Jeugd, Participatie).",
)


class UsageError(Exception):
    """Wrong arguments: exit code 2."""


def err(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@app.callback()
def _main() -> None:
    """Explicit, versioned definitions of social-domain figures (Wmo, Jeugd, Participatie)."""
    signal.signal(signal.SIGTERM, _interrupt)  # stop like Ctrl-C: no half-written file


@contextmanager
def boundary() -> Iterator[None]:
    """The one place where errors become messages and exit codes."""
    try:
        yield
    except DefinitionError as exc:
        for diagnostic in exc.diagnostics:
            err(diagnostic.render())
        err(f"{len(exc.diagnostics)} error(s) in the definitions.")
        raise typer.Exit(1) from None
    except (LoadError, ExpectedError, DiffError, PublishedError, PseudonymError) as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    except (UsageError, PeriodError, RendererError, RunError) as exc:
        err(f"usage error: {exc}")
        raise typer.Exit(2) from None
    except OSError as exc:  # a file that went away, a full disk: said, never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        err(f"error: {where}{exc.strerror or exc}")
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        err(INTERRUPTED)
        raise typer.Exit(130) from None
    except Exception as exc:
        # DuckDB turns a Ctrl-C or SIGTERM during a query into its own InterruptException
        if "interrupt" in f"{type(exc).__name__} {exc}".lower():
            err(INTERRUPTED)
            raise typer.Exit(130) from None
        raise
