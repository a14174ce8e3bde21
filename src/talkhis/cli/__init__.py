"""The ``talkhis`` command line: ``talkhis summarize``, ``talkhis stories``, ``talkhis evaluate``,
``talkhis models``, ``talkhis translations`` and ``talkhis cache``.

Every error a user can cause (a :class:`~talkhis.errors.TalkhisError`) is printed as one line
on standard error with a non-zero exit status; no traceback. A cache that cannot be used
(:class:`~talkhis.paths.CacheWarning`) is one ``talkhis: warning:`` line. SIGTERM and SIGHUP
stop a run as Ctrl-C (SIGINT) does: the staged output is removed on the way out.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import warnings
from collections.abc import Sequence

from ..errors import TalkhisError
from .commands import COMMANDS
from .parser import build_parser

__all__ = ["main", "build_parser", "EXIT_ERROR"]

EXIT_ERROR = 2


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so that every ``finally`` runs on the way out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame) -> None:
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)  # a second signal must not cut the clean-up short
    raise Stopped(signum)


def _stop_behind(exc: BaseException) -> KeyboardInterrupt | None:
    """The stop behind an error that Python raised in its place (a stop that lands in
    ``__set_name__``, for one, comes out as a RuntimeError caused by it)."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, KeyboardInterrupt):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _stopped(exc: KeyboardInterrupt) -> int:
    signum = getattr(exc, "signum", signal.SIGINT)
    print(f"talkhis: {'interrupted' if signum == signal.SIGINT else 'stopped by ' + signal.Signals(signum).name}; "
          "no half-written output is left", file=sys.stderr)
    return 128 + signum


def _swallowed(info, _default=sys.unraisablehook) -> None:
    """A stop (Ctrl-C, SIGTERM, SIGHUP) that landed in a finaliser, which Python swallows and
    prints: deliver the same signal again a moment later, outside it."""
    if not isinstance(info.exc_value, KeyboardInterrupt):
        _default(info)
        return
    signum = getattr(info.exc_value, "signum", signal.SIGINT)
    if signum != signal.SIGINT:
        signal.signal(signum, _stop)
    threading.Timer(0.01, os.kill, (os.getpid(), signum)).start()


def _show_warning(message, category, filename, lineno, file=None, line=None, _default=warnings.showwarning) -> None:
    from ..paths import CacheWarning

    if issubclass(category, CacheWarning):
        print(f"talkhis: warning: {message}", file=sys.stderr)
    else:
        _default(message, category, filename, lineno, file, line)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Models are read from the Hugging Face cache; a named model missing from it is downloaded
    (``talkhis models fetch``, or the first use of ``--translator opus-mt``) unless
    ``HF_HUB_OFFLINE`` is set. The default path (``reference``, ``use``) never needs a network.
    """
    args = build_parser().parse_args(argv)
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP)}
    shown = warnings.showwarning
    warnings.showwarning = _show_warning
    main_thread = threading.current_thread() is threading.main_thread()
    unraisable = sys.unraisablehook
    try:
        if main_thread:
            sys.unraisablehook = _swallowed
        for sig in previous if main_thread else ():
            signal.signal(sig, _stop)
        return COMMANDS[args.command](args)
    except TalkhisError as exc:
        print(f"talkhis: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # the reader went away (`talkhis cache | head`): stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as exc:
        stop = _stop_behind(exc)
        if stop is None:
            raise
        return _stopped(stop)
    except KeyboardInterrupt as exc:
        return _stopped(exc)
    finally:
        warnings.showwarning = shown
        sys.unraisablehook = unraisable
        for sig, handler in previous.items() if main_thread else ():
            signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main())
