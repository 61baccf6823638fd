"""Datasets shipped with skbackprop."""

from ._japanese_vowels import load_japanese_vowels

__all__ = ["load_japanese_vowels"]
