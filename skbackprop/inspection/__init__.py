"""Inspect a fitted network: its training curves and its feature attributions."""

from ._attributions import feature_attributions
from ._training_curve import TrainingCurveDisplay

__all__ = ["TrainingCurveDisplay", "feature_attributions"]
