import numpy as np
import pandas as pd
import pytest
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.fixes import parse_version

from skbackprop.datasets import load_japanese_vowels
from skbackprop.preprocessing import UtteranceFeatures
from skbackprop.preprocessing._utterance import STATISTICS

# Two tiny utterances with 2 coefficients: 2 frames and 3 frames.
U0 = np.array([[0.0, 10.0], [2.0, 30.0]])
U1 = np.array([[1.0, 5.0], [1.0, 5.0], [4.0, 8.0]])
TINY = [U0, U1]


@pytest.fixture(scope="module")
def vowels():
    return load_japanese_vowels()


def _ragged(n_utterances=6, n_coef=3, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(rng.integers(1, 9), n_coef)) for _ in range(n_utterances)]


@pytest.mark.parametrize(
    "params, n_features_out",
    [
        ({}, (4 + 5) * 3),
        ({"stats": ("mean",), "n_resample": 0}, 3),
        ({"stats": (), "n_resample": 4}, 12),
        ({"stats": "median", "n_resample": 1, "include_length": True}, 3 + 3 + 1),
        ({"stats": tuple(STATISTICS), "n_resample": 10}, (8 + 10) * 3),
        ({"stats": (), "n_resample": 0, "include_length": True}, 1),
    ],
)
def test_output_shape_and_feature_names(params, n_features_out):
    X = _ragged()
    features = UtteranceFeatures(**params).fit(X)
    Xt = features.transform(X)
    assert Xt.shape == (len(X), n_features_out)
    assert np.isfinite(Xt).all()
    names = features.get_feature_names_out()
    assert len(names) == n_features_out
    assert len(set(names)) == n_features_out
    assert features.n_features_in_ == 3


def test_feature_names_follow_column_order():
    features = UtteranceFeatures(
        stats=("mean", "std"), n_resample=2, include_length=True
    ).fit(TINY)
    expected = [
        "coef0_mean",
        "coef1_mean",
        "coef0_std",
        "coef1_std",
        "coef0_t0",
        "coef0_t1",
        "coef1_t0",
        "coef1_t1",
        "n_frames",
    ]
    assert list(features.get_feature_names_out()) == expected
    named = features.get_feature_names_out(["lpc_1", "lpc_2"])
    assert list(named[:2]) == ["lpc_1_mean", "lpc_2_mean"]
    assert named[4] == "lpc_1_t0"
    with pytest.raises(ValueError, match="input_features should have length 2"):
        features.get_feature_names_out(["a", "b", "c"])


@pytest.mark.parametrize(
    "stat, expected",
    [
        ("mean", [[1.0, 20.0], [2.0, 6.0]]),
        ("std", [[1.0, 10.0], [np.sqrt(2.0), np.sqrt(2.0)]]),
        ("min", [[0.0, 10.0], [1.0, 5.0]]),
        ("max", [[2.0, 30.0], [4.0, 8.0]]),
        ("median", [[1.0, 20.0], [1.0, 5.0]]),
        ("first", [[0.0, 10.0], [1.0, 5.0]]),
        ("last", [[2.0, 30.0], [4.0, 8.0]]),
        ("delta_mean", [[2.0, 20.0], [1.5, 1.5]]),
    ],
)
def test_statistics_by_hand(stat, expected):
    Xt = UtteranceFeatures(stats=(stat,), n_resample=0).fit_transform(TINY)
    assert_allclose(Xt, expected)


def test_resample_by_hand():
    Xt = UtteranceFeatures(stats=(), n_resample=5).fit_transform([U1])
    # Times 0, 0.5, 1, 1.5, 2 on frames [1, 1, 4] and [5, 5, 8].
    assert_allclose(Xt, [[1.0, 1.0, 1.0, 2.5, 4.0, 5.0, 5.0, 5.0, 6.5, 8.0]])


def test_resample_to_n_frames_gives_the_frames_back():
    Xt = UtteranceFeatures(stats=(), n_resample=3).fit_transform([U1])
    assert_array_equal(Xt[0], U1.T.ravel())


def test_single_frame_utterance():
    U = np.array([[3.0, -1.0]])
    Xt = UtteranceFeatures(
        stats=("mean", "std", "delta_mean"), n_resample=3, include_length=True
    ).fit_transform([U])
    assert_allclose(
        Xt, [[3.0, -1.0, 0.0, 0.0, 0.0, 0.0, 3.0, 3.0, 3.0, -1.0, -1.0, -1.0, 1.0]]
    )


@pytest.mark.parametrize(
    "container",
    [
        list,
        tuple,
        lambda X: pd.Series(X),
        lambda X: np.array(X + [None], dtype=object)[:-1],
    ],
)
def test_accepted_containers(container):
    expected = UtteranceFeatures().fit_transform(TINY)
    assert_allclose(UtteranceFeatures().fit_transform(container(TINY)), expected)


def test_three_d_array_of_equal_length_utterances():
    X3 = np.stack([U0, U0 * 2])  # (2, 2, 2)
    features = UtteranceFeatures().fit(X3)
    assert_allclose(features.transform(X3), features.transform([U0, U0 * 2]))


def test_integer_and_float32_input():
    int_out = UtteranceFeatures().fit_transform([U.astype(int) for U in TINY])
    assert int_out.dtype == np.float64
    assert_allclose(int_out, UtteranceFeatures().fit_transform(TINY))
    f32_out = UtteranceFeatures().fit_transform([U.astype(np.float32) for U in TINY])
    assert f32_out.dtype == np.float32


def test_transform_does_not_modify_input():
    X = [U.copy() for U in TINY]
    UtteranceFeatures(stats=tuple(STATISTICS)).fit_transform(X)
    for U, original in zip(X, TINY, strict=True):
        assert_array_equal(U, original)


@pytest.mark.skipif(
    parse_version(sklearn.__version__) < parse_version("1.8"),
    reason="set_output keeps a Series' index from scikit-learn 1.8 on",
)
def test_set_output_pandas():
    features = UtteranceFeatures(n_resample=2).set_output(transform="pandas")
    out = features.fit_transform(pd.Series(TINY, index=[10, 11]))
    assert list(out.columns) == list(features.get_feature_names_out())
    assert list(out.index) == [10, 11]


@pytest.mark.parametrize(
    "X, error, match",
    [
        ([np.array([1.0, 2.0])], ValueError, "Utterance 0 must be a 2-D array"),
        ([U0, np.zeros((0, 2))], ValueError, "Utterance 1 has no frames"),
        ([U0, U1, np.array([[np.nan, 1.0]])], ValueError, "Utterance 2 contains NaN"),
        ([np.array([[np.inf, 1.0]])], ValueError, "Utterance 0 contains NaN"),
        ([U0, np.zeros((3, 5))], ValueError, "Utterance 1 has 5 coefficients"),
        ([np.array([["a", "b"]])], TypeError, "Utterance 0 must contain numbers"),
        ([np.array([[{}, 1]], dtype=object)], TypeError, "Utterance 0 must contain"),
        ([[[1.0, 2.0], [3.0]]], ValueError, "Utterance 0 cannot be converted"),
        (np.zeros((4, 2)), ValueError, r"got a numeric array of shape \(4, 2\)"),
        (pd.DataFrame({"a": [1.0]}), ValueError, "not a DataFrame"),
        ([], ValueError, "X contains no utterances"),
        (3.0, TypeError, "X must be a sequence of utterances"),
        ("abc", TypeError, "X must be a sequence of utterances"),
    ],
)
def test_bad_input(X, error, match):
    with pytest.raises(error, match=match):
        UtteranceFeatures().fit(X)


def test_transform_checks_n_coef_and_fit():
    features = UtteranceFeatures()
    with pytest.raises(NotFittedError):
        features.transform(TINY)
    features.fit(TINY)
    with pytest.raises(ValueError, match="Utterance 0 has 3 coefficients.*expects 2"):
        features.transform([np.zeros((4, 3))])


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"n_resample": -1}, InvalidParameterError, "n_resample"),
        ({"n_resample": 2.5}, InvalidParameterError, "n_resample"),
        ({"include_length": "no"}, InvalidParameterError, "include_length"),
        ({"stats": "mode"}, InvalidParameterError, "stats"),
        ({"stats": ("mean", "mode")}, ValueError, r"unknown statistic\(s\) \['mode'\]"),
        ({"stats": ("mean", "mean")}, ValueError, "more than once"),
        ({"stats": (), "n_resample": 0}, ValueError, "no features"),
    ],
)
def test_bad_parameters(params, error, match):
    with pytest.raises(error, match=match):
        UtteranceFeatures(**params).fit(TINY)


def test_clone_and_tags():
    features = clone(UtteranceFeatures(stats=("mean",), n_resample=2))
    assert features.get_params() == {
        "stats": ("mean",),
        "n_resample": 2,
        "include_length": False,
    }
    tags = features.__sklearn_tags__()
    assert tags.input_tags.two_d_array is False
    assert tags.input_tags.three_d_array is True
    assert tags.input_tags.allow_nan is False


def test_grid_search_on_japanese_vowels(vowels):
    X_train = vowels.data[vowels.train_indices]
    y_train = vowels.target[vowels.train_indices]
    X_test = vowels.data[vowels.test_indices]
    y_test = vowels.target[vowels.test_indices]
    pipeline = make_pipeline(
        UtteranceFeatures(), StandardScaler(), LogisticRegression(max_iter=1000)
    )
    grid = GridSearchCV(
        pipeline,
        {
            "utterancefeatures__n_resample": [0, 3, 5],
            "utterancefeatures__stats": [("mean",), ("mean", "std", "min", "max")],
        },
        cv=3,
    )
    grid.fit(X_train, y_train)
    assert len(grid.cv_results_["params"]) == 6
    assert grid.score(X_test, y_test) > 0.9


def test_stats_options_match_the_registry():
    stats_options = UtteranceFeatures._parameter_constraints["stats"][0]
    assert stats_options.options == set(STATISTICS)
