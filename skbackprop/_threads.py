"""How many BLAS threads a fit uses, applied with threadpoolctl.

The engine decides from the product sizes alone
(:func:`skbackprop._engine.blas_threads`); this module applies the decision
around a fit, so the engine itself stays numpy and scipy only. The limit only
ever goes down: the limit in force (the environment's, or the user's own
``threadpoolctl.threadpool_limits``) is the ceiling, so on a shared machine a
user sets their own.
"""

import contextlib

from ._engine import blas_threads
from ._sklearn_compat import _get_threadpool_controller


def _blas():
    return _get_threadpool_controller().select(user_api="blas")


def blas_threads_in_force(blas=None):
    """The largest number of threads any loaded BLAS library may use now."""
    libraries = (blas or _blas()).lib_controllers
    return max((lib.num_threads for lib in libraries), default=1)


@contextlib.contextmanager
def limit_blas_threads(layer_units, rows):
    """Within this context BLAS uses the threads products of this size use well.

    Small networks run on one thread, where waking a second one costs more
    than it brings.
    """
    blas = _blas()
    in_force = blas_threads_in_force(blas)
    wanted = blas_threads(layer_units, rows, in_force)
    with blas.limit(limits=wanted) if wanted < in_force else contextlib.nullcontext():
        yield
