"""Transformers that prepare data for the skbackprop estimators."""

from ._mfcc import MFCC
from ._utterance import UtteranceFeatures

__all__ = ["MFCC", "UtteranceFeatures"]
