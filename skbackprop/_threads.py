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
    global _CONTROLLER
    if _CONTROLLER is None:  # finding the loaded BLAS libraries takes a while
        _CONTROLLER = ThreadpoolController()
    blas = _CONTROLLER.select(user_api="blas")
    current = max((lib.num_threads for lib in blas.lib_controllers), default=1)
    wanted = blas_threads(layer_units, rows, current)
    if wanted > 1:
        wanted = min(wanted, idle_cpus())
    limit = blas.limit(limits=wanted) if wanted < current else contextlib.nullcontext()
    one_library = len(blas.lib_controllers) <= 1
    with limit, blas_kernels(min(wanted, current) == 1 or one_library):
        yield


def idle_cpus(window=0.05):
    """CPUs that other processes leave idle, sampled over ``window`` seconds.

    A parallel BLAS call waits for its slowest thread: on a machine whose
    cores are busy with other work, a descheduled thread stalls the product.
    Measured on a 2-core machine running two other busy processes, allowing 2
    threads made an epoch of workload M 6.6x and of W 3.3x slower than one
    thread. Reads /proc/stat (Linux); elsewhere assumes every CPU is idle.
    """
    n_cpus = (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else (os.cpu_count() or 1)
    )
    busy0, own0 = _busy_seconds(), time.process_time()
    if busy0 is None:
        return n_cpus
    time.sleep(window)
    others = _busy_seconds() - busy0 - (time.process_time() - own0)
    return max(1, int(n_cpus - others / window + 0.5))


def _busy_seconds():
    """Busy CPU seconds of the whole machine since boot, or None."""
    try:
        with open("/proc/stat") as f:
            ticks = [int(v) for v in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")
