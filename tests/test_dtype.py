"""The ``dtype`` parameter: which floating-point type fit and predict use."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression

from skbackprop import BackpropClassifier, BackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def classification(dtype=np.float64):
    X, y = make_classification(
        n_samples=120, n_features=6, n_classes=3, n_informative=4, random_state=0
    )
    return X.astype(dtype), y


def regression(dtype=np.float64):
    X, y = make_regression(n_samples=120, n_features=6, random_state=0)
    return X.astype(dtype), (y / y.std()).astype(dtype)


CASES = [(BackpropClassifier, classification), (BackpropRegressor, regression)]


@pytest.mark.parametrize("Estimator, make_data", CASES)
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_float32_on_float64_data(Estimator, make_data, solver):
    X, y = make_data(np.float64)
    est = Estimator(
        hidden_layer_sizes=(8,),
        solver=solver,
        max_iter=5,
        random_state=0,
        dtype="float32",
    )
    est.fit(X, y)
    assert all(W.dtype == np.float32 for W in est.coefs_ + est.intercepts_)
    out = est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)
    assert out.dtype == np.float32


@pytest.mark.parametrize("Estimator, make_data", CASES)
def test_float32_equals_fitting_float32_data(Estimator, make_data):
    X, y = make_data(np.float64)
    kw = dict(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    by_param = Estimator(**kw, dtype="float32").fit(X, y)
    by_data = Estimator(**kw).fit(X.astype(np.float32), y)
    for a, b in zip(by_param.coefs_, by_data.coefs_):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(by_param.predict(X), by_data.predict(X))


@pytest.mark.parametrize("Estimator, make_data", CASES)
def test_float64_on_float32_data(Estimator, make_data):
    X, y = make_data(np.float32)
    est = Estimator(
        hidden_layer_sizes=(8,), max_iter=3, random_state=0, dtype="float64"
    ).fit(X, y)
    assert est.coefs_[0].dtype == np.float64
    default = Estimator(hidden_layer_sizes=(8,), max_iter=3, random_state=0).fit(X, y)
    assert default.coefs_[0].dtype == np.float32  # None follows the input


@pytest.mark.parametrize("Estimator, make_data", CASES)
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_float32_data_stays_float32_by_default(Estimator, make_data, solver):
    X, y = make_data(np.float32)
    est = Estimator(hidden_layer_sizes=(8,), solver=solver, max_iter=20, random_state=0)
    est.fit(X, y)
    assert all(W.dtype == np.float32 for W in est.coefs_ + est.intercepts_)
    out = est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)
    assert out.dtype == np.float32


@pytest.mark.parametrize("Estimator, make_data", CASES)
def test_dtype_is_a_cloneable_parameter(Estimator, make_data):
    est = Estimator(dtype="float32")
    assert est.get_params()["dtype"] == "float32"
    assert clone(est).dtype == "float32"
    assert Estimator().dtype is None


@pytest.mark.parametrize("Estimator, make_data", CASES)
@pytest.mark.parametrize("bad", ["float16", "single", np.float32])
def test_invalid_dtype_names_the_parameter(Estimator, make_data, bad):
    X, y = make_data()
    with pytest.raises(ValueError, match="dtype"):
        Estimator(max_iter=1, dtype=bad).fit(X, y)


def test_partial_fit_keeps_the_dtype():
    X, y = classification(np.float64)
    est = BackpropClassifier((8,), random_state=0, dtype="float32")
    est.partial_fit(X, y, classes=np.unique(y))
    est.partial_fit(X, y)
    assert est.coefs_[0].dtype == np.float32
