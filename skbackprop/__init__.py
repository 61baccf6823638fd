"""scikit-learn neural-network estimators on a small numpy backpropagation engine."""

from ._classifier import BackpropClassifier
from ._regressor import BackpropRegressor

__version__ = "0.1.0.dev0"

__all__ = ["BackpropClassifier", "BackpropRegressor", "__version__"]
