"""Transformers that prepare data for the skbackprop estimators."""

from ._mfcc import MFCC
from ._tabular import SmoothClipScaler
from ._utterance import UtteranceFeatures

__all__ = ["MFCC", "SmoothClipScaler", "UtteranceFeatures"]
