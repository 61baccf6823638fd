"""How many BLAS threads a fit uses, applied with threadpoolctl.

The engine decides from the product sizes alone
(:func:`skbackprop._engine.trainer.blas_threads`); this module applies the
decision around a fit, so the engine itself stays numpy and scipy only.
"""

import contextlib

from threadpoolctl import ThreadpoolController

from ._engine.trainer import blas_threads

_CONTROLLER = None


def limit_blas_threads(layer_units, rows):
    """Cap the BLAS threads at what products of this size use well.

    Returns a context manager. It never raises the limit in force (the
    environment's or the user's own ``threadpool_limits``): small networks
    run on one thread, where waking a second one costs more than it brings.
    """
    global _CONTROLLER
    if _CONTROLLER is None:  # finding the loaded BLAS libraries takes a while
        _CONTROLLER = ThreadpoolController()
    blas = _CONTROLLER.select(user_api="blas")
    current = max((lib.num_threads for lib in blas.lib_controllers), default=1)
    wanted = blas_threads(layer_units, rows, current)
    if wanted >= current:
        return contextlib.nullcontext()
    return blas.limit(limits=wanted)
