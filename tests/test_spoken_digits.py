from importlib import resources

import numpy as np
import pandas as pd
import pytest
from sklearn.utils import Bunch

from skbackprop.datasets import load_spoken_digits
from skbackprop.datasets._spoken_digits import DATA_FILE, _data_path

N_RECORDINGS, N_TRAIN, N_TEST = 3000, 2700, 300
SPEAKERS = ["george", "jackson", "lucas", "nicolas", "theo", "yweweler"]
# Everything under skbackprop/datasets/data/ is installed with the package.
SHIPPED_DATA_LIMIT = 8_000_000


@pytest.fixture(scope="module")
def digits():
    return load_spoken_digits()


@pytest.fixture(scope="module")
def digits_frame():
    return load_spoken_digits(as_frame=True)


def test_data_is_a_sequence_of_waveforms(digits):
    assert isinstance(digits, Bunch)
    assert digits.data.shape == (N_RECORDINGS,)
    assert digits.data.dtype == object
    lengths = np.array([len(x) for x in digits.data])
    for x in digits.data:
        assert x.dtype == np.float32 and x.ndim == 1
    samples = np.concatenate(list(digits.data))
    assert np.isfinite(samples).all()
    assert np.abs(samples).max() <= 1.0
    assert lengths.sum() == 10_498_424
    assert lengths.min() == 1148 and lengths.max() == 18262
    assert digits.sample_rate == 8000


@pytest.mark.parametrize(
    "speaker, digit, take, length, first, middle",
    [
        # from the source files recordings/{digit}_{speaker}_{take}.wav (int16)
        ("george", 0, 0, 2384, [-1489, -962, -606], 1568),
        ("jackson", 7, 32, 4301, [307, -238, 265], 370),
        ("yweweler", 9, 49, 3050, [-2, -6, 0], -529),
    ],
)
def test_samples_match_the_source_files(digits, speaker, digit, take, length, first,
                                        middle):  # fmt: skip
    (index,) = np.flatnonzero(
        (digits.speaker == speaker) & (digits.target == digit) & (digits.take == take)
    )
    x = digits.data[index] * 32768.0
    assert len(x) == length
    expected = np.array([*first, middle], dtype=np.float64)
    got = np.r_[x[:3], x[length // 2]]
    # 8-bit mu-law: the error is at most half a step, under 3% of the value or
    # 3 int16 units near zero
    assert np.all(np.abs(got - expected) <= 0.03 * np.abs(expected) + 3), got


def test_labels_cover_every_speaker_digit_and_take(digits):
    assert digits.speaker_names == SPEAKERS
    assert set(digits.speaker) == set(SPEAKERS)
    np.testing.assert_array_equal(digits.target_names, np.arange(10))
    assert digits.target.dtype.kind == "i"
    combos = pd.crosstab(digits.speaker, digits.target)
    assert (combos.to_numpy() == 50).all() and combos.shape == (6, 10)
    for speaker in SPEAKERS:
        for digit in range(10):
            rows = (digits.speaker == speaker) & (digits.target == digit)
            np.testing.assert_array_equal(np.sort(digits.take[rows]), np.arange(50))


def test_official_split(digits):
    assert (digits.split[digits.take < 5] == "test").all()
    assert (digits.split[digits.take >= 5] == "train").all()
    assert len(digits.train_indices) == N_TRAIN
    assert len(digits.test_indices) == N_TEST
    np.testing.assert_array_equal(
        digits.test_indices, np.flatnonzero(digits.split == "test")
    )
    test_speakers = digits.speaker[digits.test_indices]
    assert (pd.Series(test_speakers).value_counts() == 50).all()


def test_as_frame(digits, digits_frame):
    target = digits_frame.target
    assert isinstance(target, pd.Series) and target.name == "digit"
    assert isinstance(target.dtype, pd.CategoricalDtype)
    assert list(target.cat.categories) == list(range(10))
    frame = digits_frame.frame
    assert list(frame.columns) == [
        "waveform",
        "n_samples",
        "digit",
        "speaker",
        "take",
        "split",
    ]
    assert frame.shape == (N_RECORDINGS, 6)
    np.testing.assert_array_equal(frame["digit"].to_numpy().astype(int), digits.target)
    np.testing.assert_array_equal(
        frame["speaker"].to_numpy().astype(str), digits.speaker
    )
    np.testing.assert_array_equal(frame["take"], digits.take)
    np.testing.assert_array_equal(frame["split"].to_numpy().astype(str), digits.split)
    np.testing.assert_array_equal(frame["n_samples"], [len(x) for x in digits.data])
    np.testing.assert_array_equal(frame["waveform"].iloc[7], digits.data[7])
    assert digits_frame.data.dtype == object
    assert digits.frame is None


def test_all_shipped_data_fits_the_budget():
    path = _data_path(DATA_FILE)
    assert path.is_file() and "skbackprop" in str(path)
    folder = resources.files("skbackprop.datasets").joinpath("data")
    sizes = {item.name: len(item.read_bytes()) for item in folder.iterdir()}
    assert DATA_FILE in sizes and "spoken_digits.rst" in sizes
    assert sum(sizes.values()) <= SHIPPED_DATA_LIMIT, sizes
