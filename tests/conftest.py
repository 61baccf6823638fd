"""Fixtures shared by the test suite.

pytest runs with ``--import-mode=importlib``, so a test module cannot import a
sibling helper module; helpers are handed out as fixtures instead (a fixture
that returns a function, such as ``numeric_gradient``).
"""

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.preprocessing import StandardScaler

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
