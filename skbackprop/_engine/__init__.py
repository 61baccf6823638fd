"""The backpropagation engine, numpy and scipy only: what the estimators and
``skbackprop.inspection`` use of it is named here."""

from .activations import ACTIVATIONS, SELU_ALPHA, SELU_SCALE
from .datainit import scale_to_unit_variance
from .embeddings import (
    CategoricalSpec,
    ColumnsSpec,
    OneHotSpec,
    PeriodicSpec,
    PiecewiseLinearSpec,
    ScaleSpec,
    category_codes,
    init_front,
    quantile_bin_edges,
)
from .front import NUMERIC_EMBEDDINGS, tabular_front
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
    "CategoricalSpec",
    "ColumnsSpec",
    "DEFAULT_INITIALIZER",
    "DIVERGENCE",
    "INITIALIZERS",
    "LOSSES",
    "Monitor",
    "NUMERIC_EMBEDDINGS",
    "Network",
    "OPTIMIZERS",
    "OneHotSpec",
    "PeriodicSpec",
    "PiecewiseLinearSpec",
    "SCHEDULES",
    "SELU_ALPHA",
    "SELU_SCALE",
    "ScaleSpec",
    "Stop",
    "Trainer",
    "TrainingResult",
    "TrainingState",
    "blas_threads",
    "category_codes",
    "fit_lbfgs",
    "from_state",
    "init_front",
    "integrated_gradients",
    "make_schedule",
    "predict",
    "quantile_bin_edges",
    "scale_to_unit_variance",
    "tabular_front",
    "to_state",
]
