import functools

import numpy as np
import pandas as pd
import pytest
from sklearn.utils import Bunch
from sklearn.utils._param_validation import InvalidParameterError

from skbackprop.datasets import load_japanese_vowels, load_spoken_digits
from skbackprop.datasets._japanese_vowels import DATA_FILE, _data_path

N_UTTERANCES, N_TRAIN, N_TEST, N_FRAMES_TOTAL = 640, 270, 370, 9961
LPC_COLUMNS = [f"lpc_{j}" for j in range(1, 13)]


@pytest.fixture(scope="module")
def vowels():
    return load_japanese_vowels()


@pytest.fixture(scope="module")
def vowels_frame():
    return load_japanese_vowels(as_frame=True)


def test_data_is_a_sequence_of_utterances(vowels):
    assert isinstance(vowels, Bunch)
    assert vowels.data.shape == (N_UTTERANCES,)
    assert vowels.data.dtype == object
    for U in vowels.data:
        assert isinstance(U, np.ndarray)
        assert U.dtype == np.float64
        assert U.ndim == 2 and U.shape[1] == 12
        assert np.isfinite(U).all()
    lengths = np.array([len(U) for U in vowels.data])
    assert lengths.min() == 7
    assert lengths.max() == 29
    assert lengths.sum() == N_FRAMES_TOTAL


def test_values_match_the_source_file(vowels):
    # The first and last values of the first line of JapaneseVowels_TRAIN.ts.
    first = vowels.data[0]
    assert first.shape == (20, 12)
    assert first[0, 0] == 1.860936
    assert first[-1, 0] == 1.261441
    assert first[0, 1] == -0.207383


def test_official_split(vowels):
    assert vowels.split.shape == (N_UTTERANCES,)
    assert set(vowels.split) == {"train", "test"}
    assert (vowels.split[:N_TRAIN] == "train").all()
    assert (vowels.split[N_TRAIN:] == "test").all()
    np.testing.assert_array_equal(vowels.train_indices, np.arange(N_TRAIN))
    np.testing.assert_array_equal(vowels.test_indices, np.arange(N_TRAIN, N_UTTERANCES))
    assert len(vowels.test_indices) == N_TEST


def test_target(vowels):
    assert vowels.target.shape == (N_UTTERANCES,)
    assert vowels.target.dtype.kind == "i"
    np.testing.assert_array_equal(np.unique(vowels.target), np.arange(1, 10))
    np.testing.assert_array_equal(vowels.target_names, np.arange(1, 10))
    train_counts = np.bincount(vowels.target[vowels.train_indices])[1:]
    np.testing.assert_array_equal(train_counts, np.full(9, 30))
    test_counts = np.bincount(vowels.target[vowels.test_indices])[1:]
    assert test_counts.sum() == N_TEST
    assert test_counts.min() == 24
    assert test_counts.max() == 88


def test_feature_names(vowels):
    assert vowels.feature_names == LPC_COLUMNS
    assert vowels.frame is None


def test_as_frame_types(vowels_frame):
    target = vowels_frame.target
    assert isinstance(target, pd.Series)
    assert target.name == "speaker"
    assert isinstance(target.dtype, pd.CategoricalDtype)
    assert list(target.cat.categories) == list(range(1, 10))
    assert len(target) == N_UTTERANCES
    # data stays the sequence of utterances, so pipelines accept it unchanged.
    assert vowels_frame.data.shape == (N_UTTERANCES,)
    assert vowels_frame.data.dtype == object


def test_as_frame_long_frame(vowels, vowels_frame):
    frame = vowels_frame.frame
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == [
        "utterance",
        "frame",
        *LPC_COLUMNS,
        "speaker",
        "split",
    ]
    assert frame.shape == (N_FRAMES_TOTAL, 16)
    assert frame["utterance"].dtype.kind == "i"
    assert frame["frame"].dtype.kind == "i"
    assert all(frame[c].dtype == np.float64 for c in LPC_COLUMNS)

    np.testing.assert_array_equal(
        frame[LPC_COLUMNS].to_numpy(), np.concatenate(list(vowels.data))
    )
    lengths = frame.groupby("utterance").size().to_numpy()
    np.testing.assert_array_equal(lengths, [len(U) for U in vowels.data])
    np.testing.assert_array_equal(
        frame["frame"].to_numpy(), np.concatenate([np.arange(n) for n in lengths])
    )
    per_utterance = frame.groupby("utterance")[["speaker", "split"]].first()
    np.testing.assert_array_equal(
        per_utterance["speaker"].to_numpy(dtype=int), vowels.target
    )
    np.testing.assert_array_equal(
        per_utterance["split"].astype(str).to_numpy(), vowels.split
    )


# The loader contract that every dataset shipped with skbackprop keeps.
LOADERS = [load_japanese_vowels, load_spoken_digits]
# What each description must say: the source, its authors and licence, and
# for the recordings how they were encoded.
DESCR_TEXTS = {
    load_japanese_vowels: [
        "UCI Machine Learning Repository",
        "Japanese Vowels",
        "Kudo",
        "Toyama",
        "Shimbo",
        "1999",
        "Multidimensional curve classification using passing-through regions",
        "Pattern Recognition Letters",
        "20(11-13), 1103-1111",
        "CC BY 4.0",
        "270",
        "370",
    ],
    load_spoken_digits: [
        "Free Spoken Digit Dataset (FSDD), Zohar Jackson and contributors",
        "CC BY-SA 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "26eb9aaf76e81b692f806f9140c2d2777410d7a1",
        "shared under the same licence",
        "mu-law",
        "All 3000 recordings",
        "34.8",
        "tools/convert_spoken_digits.py",
    ],
}


@pytest.fixture(scope="module")
def loaded():
    """``loaded(loader)``: the Bunch of ``loader()``, loaded once per module."""
    return functools.cache(lambda loader: loader())


@pytest.mark.parametrize(
    "loader, text",
    [(loader, text) for loader, texts in DESCR_TEXTS.items() for text in texts],
)
def test_descr_has_attribution_and_licence(loaded, loader, text):
    assert text in " ".join(loaded(loader).DESCR.split())


@pytest.mark.parametrize("as_frame", [False, True])
@pytest.mark.parametrize("loader", LOADERS)
def test_return_X_y(loaded, loader, as_frame):
    bunch = loaded(loader)
    X, y = loader(return_X_y=True, as_frame=as_frame)
    assert X.shape == bunch.data.shape
    assert X.dtype == object
    np.testing.assert_array_equal(X[5], bunch.data[5])
    assert isinstance(y, pd.Series) == as_frame
    np.testing.assert_array_equal(np.asarray(y, dtype=int), bunch.target)


@pytest.mark.parametrize("param, value", [("return_X_y", 1.5), ("as_frame", "yes")])
@pytest.mark.parametrize("loader", LOADERS)
def test_invalid_parameters(loader, param, value):
    with pytest.raises(InvalidParameterError, match=param):
        loader(**{param: value})


@pytest.mark.parametrize("loader", LOADERS)
def test_parameters_are_keyword_only(loader):
    with pytest.raises(TypeError, match="positional argument"):
        loader(True)


def test_data_ships_inside_the_package():
    path = _data_path(DATA_FILE)
    assert path.is_file()
    assert "skbackprop" in str(path)
    assert len(path.read_bytes()) < 1_000_000
