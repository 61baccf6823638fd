"""Datasets shipped with skbackprop."""

from ._japanese_vowels import load_japanese_vowels
from ._spoken_digits import load_spoken_digits

__all__ = ["load_japanese_vowels", "load_spoken_digits"]
