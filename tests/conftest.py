"""Fixtures shared by the test suite.

pytest runs with ``--import-mode=importlib``, so a test module cannot import a
sibling helper module; helpers are handed out as fixtures instead (a fixture
that returns a function, such as ``numeric_gradient``).
"""

import copy

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier

FD_STEP = 1e-6  # central-difference step of numeric_gradient


def _relative_error(analytic, numeric):
    """Norm-based relative error of two gradient arrays."""
    analytic, numeric = np.ravel(analytic), np.ravel(numeric)
    scale = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-300)
    return np.linalg.norm(analytic - numeric) / scale


def _numeric_gradient(f, x, h=FD_STEP):
    """Central differences of the scalar ``f()`` with respect to ``x``, in place.

    ``x`` is perturbed one entry at a time and restored, so ``f`` must read
    ``x`` itself (a parameter vector, an input array) rather than a copy.
    """
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    assert np.shares_memory(flat, x)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = f()
        flat[i] = old - h
        f_minus = f()
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


@pytest.fixture
def relative_error():
    """``relative_error(analytic, numeric)``: ``|a - n| / (|a| + |n|)``."""
    return _relative_error


@pytest.fixture
def numeric_gradient():
    """``numeric_gradient(f, x, h=1e-6)``: central differences of ``f()`` in ``x``."""
    return _numeric_gradient


@pytest.fixture
def classification():
    """Three standardised classes, 120 samples of 6 features."""
    X, y = make_classification(
        n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


@pytest.fixture
def regression():
    """A standardised linear regression, 120 samples of 5 features."""
    X, y = make_regression(n_samples=120, n_features=5, noise=0.1, random_state=0)
    return StandardScaler().fit_transform(X), y / y.std()


@pytest.fixture
def data_for(classification, regression):
    """``data_for(Estimator)``: the ``classification`` data for the classifier,
    the ``regression`` data for the regressor."""

    def data_for(Estimator):
        return classification if Estimator is BackpropClassifier else regression

    return data_for


# ------------------------------------------------------------ bad input
# Tiny problems for the error tests: 20 samples of 3 features, and a network
# of 4 hidden units trained for 3 epochs.
N_SMALL, D_SMALL = 20, 3


def _small_data(Estimator):
    rng = np.random.RandomState(0)
    X = rng.randn(N_SMALL, D_SMALL)
    if Estimator is BackpropClassifier:
        return X, np.array([0, 1] * (N_SMALL // 2))
    return X, rng.randn(N_SMALL)


def _small_estimator(Estimator, **params):
    return Estimator(hidden_layer_sizes=(4,), max_iter=3, random_state=0, **params)


@pytest.fixture
def small_data():
    """``small_data(Estimator)``: X of shape (20, 3) and labels 0/1 or real y."""
    return _small_data


@pytest.fixture
def small_estimator():
    """``small_estimator(Estimator, **params)``: 4 hidden units, 3 epochs."""
    return _small_estimator


def _assert_unchanged(before, after):
    for a, b in zip(before, after):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        elif isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape
            if a.dtype == object:  # NaN inside objects: compare what they print
                assert [repr(v) for v in a.ravel()] == [repr(v) for v in b.ravel()]
            else:
                np.testing.assert_array_equal(a, b)  # NaN compares equal here
        else:
            assert repr(a) == repr(b)


def _raises(call, args, kwargs, exception, match):
    """``call(*args, **kwargs)`` raises ``exception`` matching ``match``, and
    the arguments are exactly as they were before the call."""
    before = copy.deepcopy((args, kwargs))
    with pytest.raises(exception, match=match):
        call(*args, **kwargs)
    _assert_unchanged(
        list(before[0]) + list(before[1].values()), list(args) + list(kwargs.values())
    )


@pytest.fixture
def assert_unchanged():
    """``assert_unchanged(before, after)``: the arrays and frames are equal,
    dtype, shape and NaN included."""
    return _assert_unchanged


@pytest.fixture
def raises_unchanged():
    """``raises_unchanged(call, args, kwargs, exception, match)``: the call
    raises, and leaves every argument as it was."""
    return _raises
