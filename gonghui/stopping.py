"""Stopping a run on SIGINT (Ctrl-C) and SIGTERM (a scheduler's timeout, `kill`): the work in hand is
abandoned at once and the caller cleans up (the batch in flight rolls back, the run is recorded as
`interrupted`, every process gonghui started is stopped), then exits 128 + the signal number.

Prefect installs its own SIGTERM handler while a flow runs (it raises TerminationSignal, logs three
"Crash detected!" ERROR lines and leaves the flow's cleanup to chance); the pipeline flow installs
this one inside its body instead, and `gonghui run` installs it around everything else.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)
# Exit codes of a stopped command: the shell's convention 128 + signal number (130 Ctrl-C, 143 SIGTERM).
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


class RunStopped(BaseException):  # noqa: N818 - a BaseException, like KeyboardInterrupt: no `except Exception` keeps it
    """A run stopped by a signal; `signum` is the signal."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(signal.Signals(self.signum), 128 + self.signum)


# Set once a stop signal has arrived in this process: a second Ctrl-C while cleaning up is ignored
# (the cleanup takes well under a second), so the cleanup is not itself interrupted half-way.
_stopping: list[int] = []
_quiet = [True]


def silence_libraries() -> None:
    """From now on nothing from Prefect's or Dask's loggers reaches the terminal: a stopping run's
    tasks are abandoned on purpose, and each would otherwise log a crash (unless -v)."""
    roots = ("prefect", "distributed", "prefect_dask", "great_expectations")
    # their children too: Dask's logging config gives some a level of their own ("distributed.client"
    # printed "Couldn't gather 1 keys, rescheduling" for the batch its killed worker held)
    names = [n for n in list(logging.root.manager.loggerDict) if n.split(".", 1)[0] in roots]
    for name in (*roots, *names):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    # Objects of the abandoned batches are collected after their Dask client has closed, and a
    # collected Future tries to tell the closed client (distributed's Future.__del__ -> release): Python
    # printed that as a 13-line "Exception ignored in" traceback before the run's one line (once in
    # CI, 2026-12-05). Such exceptions go to the debug log instead (shown with -v).
    sys.unraisablehook = _unraisable_to_debug_log


def _unraisable_to_debug_log(unraisable: sys.UnraisableHookArgs) -> None:
    logging.getLogger("gonghui.stopping").debug(
        "ignored while stopping: %s in %r", unraisable.exc_type.__name__, unraisable.object,
        exc_info=unraisable.exc_value)


def stopping() -> int | None:
    """The signal that is stopping this process, if any."""
    return _stopping[0] if _stopping else None


def check_stop() -> None:
    """Raise RunStopped here if a stop signal has arrived. The handler raises it where the main thread
    happens to be, and a library can swallow it there (a callback run under `except BaseException`: once
    in 8 stops under load a run then carried on to the end and exited 0); the run's loops call this at
    every stage, so a stop is never lost."""
    if _stopping:
        raise RunStopped(_stopping[0])


def _handler(signum: int, _frame: object) -> None:
    if _stopping:
        return
    _stopping.append(signum)
    if _quiet[0]:
        silence_libraries()
    raise RunStopped(signum)


@contextlib.contextmanager
def stop_on_signals(quiet: bool = True) -> Iterator[None]:
    """SIGINT and SIGTERM raise RunStopped (once) inside this block; the handlers before it come back
    afterwards. Outside the main thread (signals go only there) it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _quiet[0] = quiet
    previous = {s: signal.signal(s, _handler) for s in SIGNALS}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def ignore_signals() -> None:
    """For the rest of this process's life (its cleanup), SIGINT and SIGTERM do nothing."""
    if threading.current_thread() is threading.main_thread():
        for s in SIGNALS:
            signal.signal(s, signal.SIG_IGN)
