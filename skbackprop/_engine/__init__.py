"""The backpropagation engine, numpy and scipy only: what the estimators and
``skbackprop.inspection`` use of it is named here."""

from .activations import ACTIVATIONS
from .initializers import DEFAULT_INITIALIZER, INITIALIZERS
from .losses import LOSSES
from .network import Network, predict
from .optimizers import OPTIMIZERS
from .paths import integrated_gradients
from .schedules import SCHEDULES, make_schedule
from .state import from_state, to_state
from .trainer import (
    DIVERGENCE,
    Monitor,
    Stop,
    Trainer,
    TrainingResult,
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
    "Stop",
    "Trainer",
    "TrainingResult",
    "TrainingState",
    "blas_threads",
    "fit_lbfgs",
    "from_state",
    "integrated_gradients",
    "make_schedule",
    "predict",
    "to_state",
]
