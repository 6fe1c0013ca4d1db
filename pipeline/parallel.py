"""Where ingest's extraction runs: in this process, in local worker processes, or on a Dask cluster.

`pipeline.ingest` cuts its input into tasks (a small source, or a batch of
documents of a large JSON Lines source) and hands each to an engine; the
engine runs the task function somewhere and returns a future. The dataset is
always written by the calling process, in input order, so the result does not
depend on the engine or the number of workers.

- `InlineEngine`: runs each task when it is submitted (`--workers 1`).
- `ProcessEngine`: a pool of worker processes on this machine. Each loads the
  rules and the gazetteer once (`warm_up`). With the `fork` start method (Linux)
  the extractor is loaded in the parent first and the workers inherit it:
  they start at once and share its ~550 MB of pages instead of each holding a
  copy (`gc.freeze()` keeps the garbage collector from writing to, and so copying,
  them; the gazetteer's village rows are packed arrays, so reading them writes no
  reference counts into shared pages either). A worker dies with its parent
  (PR_SET_PDEATHSIG), so a killed ingest leaves no orphan holding memory or the
  dataset's lock. A pool broken by a dead worker is replaced and its tasks rerun once.
- `DaskEngine`: a `dask.distributed` cluster, given by its scheduler address or
  started on this machine (`LocalCluster`). A worker plugin warms every worker,
  including ones that join or restart later. Dask retries a task whose worker
  died; a task that still fails is reported by ingest as its source's error.

Each engine bounds the tasks in flight (`slots`), so memory does not grow with
the size of the input.
"""

from __future__ import annotations

import concurrent.futures as cf
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import Any

# Text that exercises every extractor, so their rules are compiled before the first real task.
WARM_UP_TEXT = "2022年以来，江西省赣州市章贡区实施“党建+政务服务”改革，累计投入资金12.57亿元，新增就业岗位1200个。"


def warm_up() -> str:
    """Load the rules and the gazetteer into this process and run one extraction; returns the rules version."""
    from .extraction import default_extractor

    extractor = default_extractor()
    extractor.extract(WARM_UP_TEXT, date(2022, 7, 1))
    try:  # the gazetteer reads its village rows on first need: read them now, so forked workers share them too
        len(extractor.places.gaz.units)
    except AttributeError:
        pass
    _warm_arrow()
    return extractor.rules.version


def _warm_arrow() -> None:
    """Import what pyarrow loads on its first conversion of rows (pandas, 0.6 s), once, before workers fork."""
    import pyarrow as pa

    pa.Table.from_pylist([{"d": date(2022, 7, 1), "s": "x"}])


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _close_inherited(path: str | None) -> None:
    """Close a forked worker's copy of the dataset's lock file: only the parent holds the lock."""
    if not path or not os.path.isdir("/proc/self/fd"):
        return
    target = os.path.realpath(path)
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == target:
                os.close(int(fd))
        except OSError:
            continue


def _worker_init(parent: int, lock_path: str | None) -> None:
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _close_inherited(lock_path)
    warm_up()


def _ping() -> int:
    return os.getpid()


def default_workers() -> int:
    """All the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class InlineEngine:
    """Run tasks in this process, one at a time, as they are submitted."""

    slots = 1
    retryable: tuple[type[BaseException], ...] = ()
    retry_alone: tuple[type[BaseException], ...] = ()

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        fut: cf.Future = cf.Future()
        try:
            fut.set_result(fn(*args))
        except Exception as err:  # noqa: BLE001 - reported by the caller as the task's error
            fut.set_exception(err)
        return fut

    def reset(self) -> None:
        pass

    def close(self) -> None:
        pass


class ProcessEngine:
    """A pool of `workers` processes on this machine, started on the first task."""

    retryable: tuple[type[BaseException], ...] = (BrokenProcessPool,)
    retry_alone: tuple[type[BaseException], ...] = ()

    def __init__(self, workers: int, lock_path: str | None = None, in_flight: int = 2) -> None:
        self.workers = max(1, workers)
        self.slots = self.workers * in_flight
        self.lock_path = lock_path
        self.pool: cf.ProcessPoolExecutor | None = None
        self.frozen = False

    def _start(self) -> cf.ProcessPoolExecutor:
        methods = multiprocessing.get_all_start_methods()
        if "fork" in methods:
            # Load once here; the forked workers inherit the loaded extractor and share its pages.
            warm_up()
            gc.freeze()
            self.frozen = True
            ctx = multiprocessing.get_context("fork")
        else:
            ctx = multiprocessing.get_context("spawn")
        pool = cf.ProcessPoolExecutor(
            self.workers, mp_context=ctx, initializer=_worker_init, initargs=(os.getpid(), self.lock_path)
        )
        pool.submit(_ping).result()  # start (and warm) the workers now, so a failure to start shows here
        return pool

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future:
        if self.pool is None:
            self.pool = self._start()
        return self.pool.submit(fn, *args)

    def reset(self) -> None:
        """Replace a pool broken by a worker that died (killed, out of memory)."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        if self.frozen:  # the workers are gone: this process's objects are its own again
            gc.unfreeze()
            self.frozen = False


def _warm_up_plugin() -> Any:
    """A Dask worker plugin that loads the extractor when a worker starts (and when it restarts)."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class WarmUp(WorkerPlugin):
        name = "zhnews-warm-up"

        def setup(self, worker: Any) -> None:  # noqa: ARG002 - the plugin API
            warm_up()

    return WarmUp()


class DaskEngine:
    """Run tasks on a `dask.distributed` cluster: at `scheduler` (tcp://HOST:PORT), or a LocalCluster of `workers`."""

    retryable: tuple[type[BaseException], ...] = ()  # Dask retries tasks of dead workers itself
    # …but gives up on every task that was on a worker when it died often enough, the innocent
    # ones beside the task that kills it too: such a task is tried once more, on its own.
    retry_alone: tuple[type[BaseException], ...] = ()

    def __init__(self, scheduler: str | None = None, workers: int | None = None, client: Any = None, in_flight: int = 2) -> None:
        try:
            from distributed import Client, KilledWorker, LocalCluster
        except ImportError as err:
            raise RuntimeError("the Dask engine needs dask.distributed: pip install 'zhnews[dask]'") from err
        self.retry_alone = (KilledWorker,)
        self.cluster = None
        if client is not None:
            self.client = client
        elif scheduler:
            try:
                self.client = Client(scheduler)
            except (OSError, TimeoutError, ValueError) as err:
                raise RuntimeError(f"cannot reach the Dask scheduler at {scheduler} ({err})") from err
        else:
            self.cluster = LocalCluster(
                n_workers=workers or default_workers(),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            self.client = Client(self.cluster)
        self.owns_client = client is None
        self.client.register_plugin(_warm_up_plugin())
        versions = set(self.client.run(warm_up).values())
        self.rules_versions = versions
        nthreads = sum(self.client.nthreads().values()) or 1
        self.slots = nthreads * in_flight

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def reset(self) -> None:
        pass

    def close(self) -> None:
        if self.owns_client:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()
