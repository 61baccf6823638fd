"""Small-batch prediction keeps every check of full validation (its short
path for dense float arrays must not change what a user sees)."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.neural_network import MLPClassifier

from skbackprop import BackpropClassifier, BackpropRegressor

METHODS = ["predict", "predict_proba", "predict_log_proba"]


def _fitted(Estimator=BackpropClassifier, X=None, **params):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4)) if X is None else X
    y = rng.integers(0, 3, 60)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return Estimator(
            hidden_layer_sizes=(5,), max_iter=5, random_state=0, **params
        ).fit(X, y)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n", [1, 10, 100])
def test_small_batches_equal_the_full_validation_path(method, n):
    model = _fitted()
    X = np.random.default_rng(1).normal(size=(n, 4))
    expected = getattr(model, method)(pd.DataFrame(X).to_numpy(copy=True).tolist())
    # equal up to the rounding of BLAS on another memory layout
    np.testing.assert_allclose(getattr(model, method)(X), expected, rtol=1e-12)
    np.testing.assert_allclose(
        getattr(model, method)(sp.csr_matrix(X)), expected, rtol=1e-12
    )
    np.testing.assert_allclose(
        getattr(model, method)(X.astype(np.float32)), expected, rtol=1e-6
    )


@pytest.mark.parametrize("method", METHODS)
def test_unfitted_model_raises(method):
    with pytest.raises(NotFittedError):
        getattr(BackpropClassifier(), method)(np.zeros((1, 4)))


@pytest.mark.parametrize("method", METHODS)
def test_wrong_number_of_features_gets_sklearns_message(method):
    ours, theirs = _fitted(), _fitted(MLPClassifier)
    X = np.zeros((1, 3))
    with pytest.raises(ValueError) as expected:
        getattr(theirs, method)(X)
    message = str(expected.value).replace("MLPClassifier", "BackpropClassifier")
    with pytest.raises(ValueError, match="X has 3 features") as got:
        getattr(ours, method)(X)
    assert str(got.value) == message


@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("method", METHODS)
def test_non_finite_rows_are_refused(method, bad):
    X = np.zeros((1, 4))
    X[0, 2] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        getattr(_fitted(), method)(X)


def test_feature_names_are_still_checked():
    X = pd.DataFrame(
        np.random.default_rng(0).normal(size=(60, 4)), columns=list("abcd")
    )
    model = _fitted(X=X)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        model.predict(X.to_numpy()[:1])
    with pytest.raises(ValueError, match="feature names"):
        model.predict(X[["b", "a", "c", "d"]].iloc[:1])
    np.testing.assert_array_equal(model.predict(X.iloc[:1]), model.predict(X[:1]))


@pytest.mark.parametrize("X", [np.zeros(4), np.zeros((0, 4)), np.zeros((1, 1, 4))])
def test_badly_shaped_input_is_refused(X):
    with pytest.raises(ValueError):
        _fitted(BackpropRegressor).predict(X)


def test_caller_array_is_untouched():
    X = np.random.default_rng(2).normal(size=(3, 4))
    before = X.copy()
    _fitted().predict_log_proba(X)
    np.testing.assert_array_equal(X, before)
