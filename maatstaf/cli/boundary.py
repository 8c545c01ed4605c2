"""The Typer application and the one place where errors become messages and exit codes.

The boundary knows the errors it turns into exit codes by module and name, and looks them
up only among the modules already imported: a module that was never imported cannot have
raised its error, so ``--help`` and ``check`` never import DuckDB, Ibis or pandas for it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import typer

from maatstaf.cli import INTERRUPTED, send_again  # defined before any other import

app = typer.Typer(
    name="maatstaf",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Explicit, versioned definitions of social-domain figures (Wmo, Jeugd, Participatie).",
)


# The errors of each exit code, as (module, class name).
DEFINITION_ERRORS = (("maatstaf.dsl.errors", "DefinitionError"),)
DATA_ERRORS = (  # exit 1
    ("maatstaf.adapters.base", "LoadError"),
    ("maatstaf.engine.reconcile", "ExpectedError"),
    ("maatstaf.engine.diff", "DiffError"),
    ("maatstaf.engine.published", "PublishedError"),
    ("maatstaf.adapters.pseudonym", "PseudonymError"),
)
USAGE_ERRORS = (  # exit 2, with UsageError
    ("maatstaf.engine.periods", "PeriodError"),
    ("maatstaf.renderers.base", "RendererError"),
    ("maatstaf.engine.run", "RunError"),
)


def imported(errors: tuple[tuple[str, str], ...]) -> tuple[type[BaseException], ...]:
    """The classes of those errors whose module is imported (an empty tuple catches none)."""
    found = (getattr(sys.modules.get(module), name, None) for module, name in errors)
    return tuple(c for c in found if isinstance(c, type) and issubclass(c, BaseException))


class UsageError(Exception):
    """Wrong arguments: exit code 2."""


def err(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """A stop (SIGTERM, or Ctrl-C during a command) as a KeyboardInterrupt, but never where
    it would be lost or do harm: inside an import, where it can leave the module's import
    lock held for good (a thread importing the same module then waits forever) or abort a
    C extension being set up (DuckDB's: 'Critical nanobind error', SIGABRT); inside a
    callback DuckDB makes to read Arrow data, where DuckDB drops it and the run went on to
    exit 0. Seen under load, when runs were stopped 0.5-3 s after they started. The signal
    is sent again a moment later, until it lands elsewhere (in a query, DuckDB stops it
    with its InterruptException)."""
    if _unsafe(frame):
        send_again(signum)
        return
    raise KeyboardInterrupt


# where a KeyboardInterrupt is not raised: importlib's frames, DuckDB's Python data sources
_IMPORTLIB = "<frozen importlib"
_DUCKDB_SOURCES = f"{os.sep}duckdb{os.sep}_sources{os.sep}"


def _unsafe(frame: FrameType | None) -> bool:
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(_IMPORTLIB) or _DUCKDB_SOURCES in name:
            return True
        frame = frame.f_back
    return False


def is_interrupt(exc: BaseException) -> bool:
    """A stop (Ctrl-C, SIGTERM) that reached the code as an error: DuckDB turns one during
    a query into its own InterruptException."""
    return "interrupt" in f"{type(exc).__name__} {exc}".lower()


def _stop_at_once() -> None:
    """Once a command is done, a stop ends the process at once with exit 130 (freeing a
    large DuckDB database can take a while; a KeyboardInterrupt then would have no one
    left to catch it)."""
    from maatstaf import cli

    if not cli.CONSOLE:  # called in a process of its own, not embedded (tests, a notebook)
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError):  # not the main thread (an embedding caller)
            signal.signal(sig, cli._interrupted_while_starting)


@app.callback()
def _main(ctx: typer.Context) -> None:
    """Explicit, versioned definitions of social-domain figures (Wmo, Jeugd, Participatie)."""
    for sig in (signal.SIGINT, signal.SIGTERM):  # a stop: no half-written file
        signal.signal(sig, _interrupt)
    from maatstaf.cli.init import read_project  # maatstaf.yaml: the defaults of the options

    read_project(ctx)


@contextmanager
def boundary() -> Iterator[None]:
    """The one place where errors become messages and exit codes."""
    try:
        yield
    except imported(DEFINITION_ERRORS) as exc:
        for diagnostic in exc.diagnostics:  # type: ignore[attr-defined]
            err(diagnostic.render())
        err(f"{len(exc.diagnostics)} error(s) in the definitions.")
        raise typer.Exit(1) from None
    except imported(DATA_ERRORS) as exc:
        err(f"error: {exc}")
        raise typer.Exit(1) from None
    except (UsageError, *imported(USAGE_ERRORS)) as exc:
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
        if is_interrupt(exc):
            err(INTERRUPTED)
            raise typer.Exit(130) from None
        raise
    finally:
        _stop_at_once()
