"""One publishing call run in a forked process while this process writes something else.

Publishing a big model's workbook and handbook one after the other leaves a CPU idle for
the workbook's whole time (xlsxwriter writes in one thread). :func:`in_background` starts
the workbook in a forked child process, the caller writes the handbook meanwhile, and
:meth:`Pending.result` waits for the child and hands back its summary, or raises its error
in this process (the same exception, as if the call had run here).

The same safety rules as the handbook's worker processes
(:func:`competency_core.publish.handbook.handbook_workers`): a process is forked only where
``fork`` exists and while this process runs no other thread (a child forked from a
threaded process can deadlock on a lock another thread held); otherwise the call runs here,
at once, exactly as before. The child writes its files as the call always does (each to a
temporary file beside its place, moved in when complete), so a reader never sees a
half-written file, whichever process writes it.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import pickle
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from competency_core.errors import CompetencyError

T = TypeVar("T")


def can_fork() -> bool:
    """Whether a child process may be forked now: POSIX ``fork`` and no other thread running."""
    return "fork" in mp.get_all_start_methods() and threading.active_count() == 1


class Pending(Generic[T]):
    """A call's outcome, computed already (here) or still running in a forked child process."""

    def __init__(
        self,
        *,
        value: T | None = None,
        process: Any = None,
        answer: Connection | None = None,
        name: str = "",
    ) -> None:
        self._value = value
        self._error: BaseException | None = None
        self._process = process
        self._answer = answer
        self._name = name

    @property
    def forked(self) -> bool:
        """Whether the call runs (or ran) in a forked child process."""
        return self._process is not None

    def result(self) -> T:
        """The call's return value (waiting for the child), or its exception raised here."""
        if self._answer is not None:
            try:
                kind, payload = self._answer.recv()
            except EOFError:
                kind, payload = "lost", None
            except Exception as exc:  # an answer that cannot be unpickled here
                kind = "error"
                payload = CompetencyError(f"{self._name}: cannot read the answer: {exc!r}")
            finally:
                self._answer.close()
                self._answer = None
                self._process.join()
            if kind == "value":
                self._value = payload
            elif kind == "error":
                self._error = payload
            else:
                self._error = CompetencyError(
                    f"{self._name}: the process writing it ended without an answer "
                    f"(exit code {self._process.exitcode})"
                )
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def _child(
    send: Connection, collect: bool, func: Callable[..., Any], args: Any, kwargs: Any
) -> None:
    """In the forked child: run the call and send back ``("value", x)`` or ``("error", e)``."""
    if not collect:
        gc.disable()
    try:
        answer: tuple[str, Any] = ("value", func(*args, **kwargs))
    except BaseException as exc:  # every error goes back to the caller
        answer = ("error", exc)
    try:
        send.send(answer)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        # an answer that cannot cross processes: say so in a plain error
        kind, payload = answer
        detail = f"{type(payload).__name__}: {payload}" if kind == "error" else repr(exc)
        send.send(("error", CompetencyError(f"in the background process: {detail}")))
    finally:
        send.close()


def in_background(
    func: Callable[..., T],
    *args: Any,
    name: str = "",
    fork: bool | None = None,
    collect: bool = True,
    **kwargs: Any,
) -> Pending[T]:
    """Start ``func(*args, **kwargs)`` in a forked child process; its :class:`Pending` outcome.

    ``fork`` None forks where :func:`can_fork` allows; False (or where forking is not safe)
    runs the call here at once, as a plain call (its error raised at once). ``name``
    (e.g. the file written) names the call in the error raised when the child dies without
    an answer (killed, out of memory). ``collect=False`` turns Python's cyclic garbage
    collector off in the child, for a call that leaves little cyclic garbage (the child
    exits after it): its collections would walk every object it inherited, again and
    again (the workbook: about a third of its CPU time at 2,000 x 500, the same peak
    memory without them).
    """
    if fork is None:
        fork = can_fork()
    if not fork or not can_fork():
        return Pending(value=func(*args, **kwargs), name=name)
    receive, send = mp.get_context("fork").Pipe(duplex=False)
    process = mp.get_context("fork").Process(
        target=_child, args=(send, collect, func, args, kwargs), daemon=True
    )
    process.start()
    send.close()  # only the child writes: its end closing is the parent's EOF
    return Pending(process=process, answer=receive, name=name or repr(func))


__all__ = ["Pending", "can_fork", "in_background"]
