"""Where the per-story work runs: in this process, on a Dask ``LocalCluster`` started for the
run, or on an existing Dask cluster.

``dask.distributed`` is optional (the ``dask`` extra) and imported only when a cluster is
asked for. Tasks are submitted a window at a time and their results taken as they complete,
so memory holds a few stories, not the archive's; results are always put back in submission
order by the caller, so the outputs do not depend on which worker finished first.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ..errors import MissingDependency, TalkhisError

__all__ = ["Runner", "WINDOW", "CONNECT_TIMEOUT"]

#: Tasks kept in flight per worker.
WINDOW = 4
#: How long to try reaching an existing scheduler.
CONNECT_TIMEOUT = "10s"


def _distributed():
    try:
        import dask.distributed as distributed
    except ImportError:
        raise MissingDependency("--workers and --scheduler need dask.distributed: pip install 'talkhis[dask]'") from None
    return distributed


class Runner:
    """Runs functions over items in-process (``workers`` and ``scheduler`` unset), on a
    ``LocalCluster`` of ``workers`` processes, or on the cluster at ``scheduler``. Use it as a
    context manager: the cluster it started is closed on exit."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None, *, quiet: bool = False) -> None:
        if workers is not None and scheduler is not None:
            raise TalkhisError("choose --workers or --scheduler, not both")
        self.workers, self.scheduler, self.quiet = workers, scheduler, quiet
        self.client = None
        self._cluster = None

    def __enter__(self) -> Runner:
        if self.workers is None and self.scheduler is None:
            return self
        distributed = _distributed()
        if self.scheduler is not None:
            try:
                self.client = distributed.Client(self.scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise TalkhisError(f"cannot reach the Dask scheduler at {self.scheduler} ({exc})") from None
        else:
            self._cluster = distributed.LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                                     dashboard_address=":0", silence_logs=40)
            self.client = distributed.Client(self._cluster)
            if not self.quiet:
                print(f"talkhis: Dask dashboard at {self.client.dashboard_link}", file=sys.stderr)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    @property
    def slots(self) -> int:
        """How many tasks run at once."""
        if self.client is None:
            return 1
        return max(1, sum(self.client.nthreads().values()))

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        """``[fn(x) for x in items]``, in order."""
        out: list[Any] = [None] * len(items)
        for k, result in self.completed(fn, items):
            out[k] = result
        return out

    def completed(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        """``(position, fn(item))`` as each task finishes (in order when in-process)."""
        if self.client is None:
            for k, item in enumerate(items):
                yield k, fn(item)
            return
        distributed = _distributed()
        window = WINDOW * self.slots
        pending = iter(enumerate(items))
        position = {}
        queue = distributed.as_completed()
        for k, item in pending:
            future = self.client.submit(fn, item, pure=False)
            position[future.key] = k
            queue.add(future)
            if len(position) >= window:
                break
        for future in queue:
            k = position.pop(future.key)
            result = future.result()
            future.release()
            nxt = next(pending, None)
            if nxt is not None:
                fut = self.client.submit(fn, nxt[1], pure=False)
                position[fut.key] = nxt[0]
                queue.add(fut)
            yield k, result
