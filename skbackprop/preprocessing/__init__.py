"""Transformers that prepare data for the skbackprop estimators."""

from ._utterance import UtteranceFeatures

__all__ = ["UtteranceFeatures"]
