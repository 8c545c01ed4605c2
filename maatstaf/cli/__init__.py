"""The command line: a thin layer over the pipeline stages, with one error boundary.

Exit codes: 0 ok, 1 data or definition errors, 2 usage errors, 130 interrupted.

Ctrl-C is caught from the first line on: an interrupt during the imports must end like any
other interrupt, with exit code 130 and one line, never a traceback.

Start-up: the command modules import only typer and the standard library at the top; a
command imports what it uses (the engine, the adapters, DuckDB, Ibis, pandas, PyArrow, the
renderers) when it runs, so ``--help`` and ``check`` never pay for them. A new command
keeps to that (tests/test_startup.py checks which modules ``--help`` and ``check`` import).
"""

from __future__ import annotations

import _thread
import gc
import os
import signal
import sys
import threading

INTERRUPTED = "interrupted: nothing more was written; every file written so far is complete"
CONSOLE = False  # running as the console command (``main``), in a process of its own


def _interrupted_while_starting(signum: int, frame: object) -> None:
    sys.stderr.write(INTERRUPTED + "\n")
    sys.stderr.flush()
    os._exit(130)  # nothing has been written yet; SystemExit could be swallowed by an import


def _deliver_again(unraisable: sys.UnraisableHookArgs) -> None:
    """A stop whose KeyboardInterrupt was raised inside a finalizer or a weakref callback
    (an import's module-lock callback, a connection's finalizer), where Python prints it
    and drops it: the run went on and ended with exit 0, as if never stopped. It is
    delivered to the main thread again (as a SIGINT), so the run stops after all: a moment
    later, since one raised now would land in this hook and be dropped again (a stop that
    lands in a finalizer once more is delivered once more)."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        send_again(signal.SIGINT)
        return
    sys.__unraisablehook__(unraisable)


def send_again(signum: int, after: float = 0.02) -> None:
    """Send the signal to the main thread again, from another thread, a moment later: a
    real signal, which also ends a sleep or a wait there (``interrupt_main`` only marks
    it, to be seen once the wait is over)."""

    def send() -> None:
        if hasattr(signal, "pthread_kill"):
            signal.pthread_kill(threading.main_thread().ident or 0, signum)
        else:
            _thread.interrupt_main(signum)

    again = threading.Timer(after, send)
    again.daemon = True
    again.start()


def _install(handler: object) -> object:
    """Set the SIGINT handler; outside the main thread (an import from a worker) a handler
    cannot be set and the caller's own handling stays."""
    try:
        return signal.signal(signal.SIGINT, handler)  # type: ignore[arg-type]
    except ValueError:
        return None


_previous = _install(_interrupted_while_starting)
try:
    from maatstaf.cli import (  # noqa: F401 (each registers its commands)
        compare,
        definitions,
        demo,
        figures,
        init,
        lsp,
        publish,
        reconcile,
        report,
        tables,
    )
    from maatstaf.cli.boundary import app
finally:
    if _previous is not None:
        _install(_previous)

__all__ = ["app", "main"]


def main() -> None:
    """The console command. A stop (Ctrl-C, SIGTERM) that lands outside a command's own
    handling (while the arguments are read, or while Python shuts down after the command)
    ends the process with exit 130 and the same message, never with a traceback or a death
    by SIGINT; every file is whole either way (outputs are written atomically)."""
    global CONSOLE
    CONSOLE = True
    # one command per process: the imports and a run make many objects that live to the
    # end, and collecting the young ones every 700 allocations cost a fifth of a run
    # (0.5 s of 2.5 s at 10^5 indications); every 50,000 leaves the memory peak as it was
    gc.set_threshold(50_000, 10, 10)
    # no command multiplies matrices: without this numpy's OpenBLAS starts a thread per
    # further core that spins for about 0.1 s waiting for work, on a core the load needs
    # (10^6 indications on 2 cores: 0.16 s of CPU, 0.04 s of the run); a value the user
    # set stands. Set before anything imports numpy, here and not on import: a program
    # importing maatstaf keeps its own BLAS threads
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sys.unraisablehook = _deliver_again
    try:
        app()
    except KeyboardInterrupt:
        _interrupted_while_starting(signal.SIGINT, None)
    finally:
        _done()


def _done() -> None:
    """The command is done (typer ends it with SystemExit), its outputs written and closed:
    what lives now lives to the end of the process. Python's last collections at shutdown
    went through all of it (the imports, a run's tables): 0.13-0.15 s of a 1.9 s run at
    10^6 indications. Frozen, it is never collected, only freed by reference counting; the
    atexit handlers still run. The one thing a collection did that matters, closing a
    DuckDB connection caught in a reference cycle (its database then removes the files
    it spilled to disk), is done here first, for every connection."""
    duck = sys.modules.get("maatstaf.adapters.duck")  # none imported it: no database
    if duck is not None:
        duck.close_database()
    gc.freeze()
