"""The backpropagation engine: numpy and scipy only, never scikit-learn.

What the estimators and ``skbackprop.inspection`` use of it is named here;
the modules behind it are its implementation.
"""

from .activations import ACTIVATIONS
from .initializers import DEFAULT_INITIALIZER, INITIALIZERS
from .losses import LOSSES
from .network import Network, predict
from .optimizers import OPTIMIZERS, optimizer_from_state, optimizer_state
from .paths import integrated_gradients
from .schedules import SCHEDULES, make_schedule, schedule_from_state, schedule_state
from .trainer import (
    DIVERGENCE,
    Monitor,
    Trainer,
    TrainingState,
    blas_threads,
    fit_lbfgs,
)

__all__ = [
    "ACTIVATIONS",
    "DEFAULT_INITIALIZER",
    "DIVERGENCE",
    "INITIALIZERS",
    "LOSSES",
    "Monitor",
    "Network",
    "OPTIMIZERS",
    "SCHEDULES",
    "Trainer",
    "TrainingState",
    "blas_threads",
    "fit_lbfgs",
    "integrated_gradients",
    "make_schedule",
    "optimizer_from_state",
    "optimizer_state",
    "predict",
    "schedule_from_state",
    "schedule_state",
]
