"""The pieces of the speech benchmarks that decide what they measure: the folds
hold out whole speakers, the synthetic recordings are what they claim to be, and
the hand-made baseline trims as documented. (The benchmarks themselves take
minutes and are run by hand; their outputs are committed next to them.)"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from skbackprop.datasets import load_spoken_digits

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load(name):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def unseen_voices():
    return load("speech_unseen_voices")


@pytest.fixture(scope="module")
def synthetic():
    return load("speech_synthetic_voices")


def test_every_fold_tests_speakers_it_never_trained_on(unseen_voices):
    digits = load_spoken_digits()
    folds = unseen_voices.splits(digits, quick=False)
    assert [kind for kind, _, _ in folds] == ["loso"] * 6 + ["pair"]
    for _, train, test in folds:
        assert not set(digits.speaker[train]) & set(digits.speaker[test])
    _, train, test = folds[-1]
    assert set(digits.speaker[test]) == set(unseen_voices.UNSEEN)
    assert (digits.split[train] == "train").all()


def test_synthetic_recording_is_padded_and_noisy(synthetic):
    rng = np.random.default_rng(0)
    word = np.sin(2 * np.pi * 200 * np.arange(4000) / synthetic.RATE)
    x = synthetic.as_recorded(word, rng)
    assert x.dtype == np.float32 and np.abs(x).max() <= 1
    padding = len(x) - len(word)
    assert 0.2 * synthetic.RATE <= padding <= 1.6 * synthetic.RATE
    assert np.abs(x[:100]).max() > 0  # noise in the silence


def test_hand_made_trim_keeps_the_loud_part(synthetic):
    x = np.r_[np.zeros(2000), np.ones(1600), np.zeros(2000)]
    trimmed = synthetic.fixed_trim(x, top_db=20, frame=200, hop=80)
    # frames overlapping the loud part, from 1840 to 3600 + 120
    assert len(trimmed) <= 1600 + 2 * 200
    assert trimmed.sum() == 1600
