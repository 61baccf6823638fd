"""How many BLAS threads a fit uses, applied with threadpoolctl.

The engine decides from the product sizes alone
(:func:`skbackprop._engine.trainer.blas_threads`); this module applies the
decision around a fit, so the engine itself stays numpy and scipy only.
"""

import contextlib
import os
import time

from threadpoolctl import ThreadpoolController

from ._engine.kernels import blas_kernels
from ._engine.trainer import blas_threads

_CONTROLLER = None


@contextlib.contextmanager
def limit_blas_threads(layer_units, rows):
    """Cap the BLAS threads at what products of this size use well.

    A context manager. It never raises the limit in force (the environment's
    or the user's own ``threadpool_limits``): small networks run on one
    thread, where waking a second one costs more than it brings. Within it
    the engine uses scipy's BLAS kernels when that is safe: on one thread, or
    when numpy and scipy share one BLAS library (see
    ``skbackprop._engine.kernels``).
    """
    blas = _blas_controller()
    current = _threads_in_force(blas)
    wanted = blas_threads(layer_units, rows, current)
    if wanted > 1:
        wanted = min(wanted, idle_cpus())
    limit = blas.limit(limits=wanted) if wanted < current else contextlib.nullcontext()
    with limit, blas_kernels(_kernels_safe(blas, min(wanted, current))):
        yield


def scipy_kernels_if_safe(n_rows):
    """The engine's scipy BLAS kernels under the thread limit in force (for
    predict, which sets no limit of its own). Below a few thousand rows the
    kernels gain less than asking the BLAS libraries for their threads costs
    (about 8 us)."""
    if n_rows < 2048:
        return contextlib.nullcontext()
    blas = _blas_controller()
    return blas_kernels(_kernels_safe(blas, _threads_in_force(blas)))


def _kernels_safe(blas, n_threads):
    # one thread has no pool to spin; one library has no other pool to fight
    return n_threads == 1 or len(blas.lib_controllers) <= 1


def _threads_in_force(blas):
    return max((lib.num_threads for lib in blas.lib_controllers), default=1)


def _blas_controller():
    global _CONTROLLER
    if _CONTROLLER is None:  # finding the loaded BLAS libraries takes a while
        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.select(user_api="blas")


_LAST_SAMPLE = None  # (monotonic time, busy seconds, own CPU seconds, idle CPUs)


def idle_cpus(window=0.05, max_age=2.0):
    """CPUs that other processes leave idle, measured over ``window`` seconds.

    A parallel BLAS call waits for its slowest thread: on a machine whose
    cores are busy with other work, a descheduled thread stalls the product.
    Measured on a 2-core machine running two other busy processes, allowing 2
    threads made an epoch of workload M 6.6x and of W 3.3x slower than one
    thread. Reads /proc/stat (Linux); elsewhere assumes every CPU is idle.

    The first call sleeps ``window`` to measure. Later calls measure since the
    previous one when that lies ``window`` to ``max_age`` seconds back, and
    reuse its answer when it is more recent still, so that a stream of
    ``partial_fit`` calls does not sleep each time (it cost 50 ms a call).
    """
    global _LAST_SAMPLE
    n_cpus = (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else (os.cpu_count() or 1)
    )
    now, busy, own = time.monotonic(), _busy_seconds(), time.process_time()
    if busy is None:
        return n_cpus
    last = _LAST_SAMPLE
    if last is not None and now - last[0] < window:
        return last[3]
    if last is None or now - last[0] > max_age:
        time.sleep(window)
        last = (now, busy, own)
        now, busy, own = time.monotonic(), _busy_seconds(), time.process_time()
    others = busy - last[1] - (own - last[2])
    idle = max(1, min(n_cpus, int(n_cpus - others / (now - last[0]) + 0.5)))
    _LAST_SAMPLE = (now, busy, own, idle)
    return idle


def _busy_seconds():
    """Busy CPU seconds of the whole machine since boot, or None."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(v) for v in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")
