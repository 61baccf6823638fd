"""BackpropRegressor: outputs, the Poisson loss and the regressor's errors."""

import numpy as np
import pytest
from sklearn.datasets import make_regression

from skbackprop import BackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _reg(**params):
    return BackpropRegressor(
        **{
            "hidden_layer_sizes": (16,),
            "solver": "lbfgs",
            "max_iter": 300,
            "random_state": 0,
            **params,
        }
    )


def test_multi_output_regression():
    X, Y = make_regression(n_samples=150, n_features=5, n_targets=3, random_state=0)
    Y /= Y.std()
    reg = _reg().fit(X, Y)
    assert reg.n_outputs_ == 3 and reg.predict(X).shape == Y.shape
    assert reg.score(X, Y) > 0.95


def test_single_output_column_is_raveled():
    X, y = make_regression(n_samples=100, n_features=4, random_state=0)
    with pytest.warns(Warning, match="column-vector y"):
        reg = _reg(max_iter=20).fit(X, (y / y.std()).reshape(-1, 1))
    assert reg.predict(X).shape == (100,)


def test_poisson_fits_counts():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 3))
    y = rng.poisson(np.exp(0.5 * X[:, 0] - 0.3 * X[:, 1]))
    reg = _reg(loss="poisson", hidden_layer_sizes=(8,), alpha=3.0).fit(X, y)
    assert reg.out_activation_ == "exp"
    assert (reg.predict(X) > 0).all()
    assert (
        np.corrcoef(reg.predict(X), np.exp(0.5 * X[:, 0] - 0.3 * X[:, 1]))[0, 1] > 0.9
    )


def test_poisson_refuses_negative_targets():
    X, y = make_regression(n_samples=50, n_features=3, random_state=0)
    with pytest.raises(ValueError, match="poisson.*non-negative"):
        _reg(loss="poisson").fit(X, y)


@pytest.mark.parametrize("y", [["a", "b"] * 25, np.array(["x"] * 50, dtype=object)])
def test_string_targets_get_a_readable_error(y):
    X = np.random.RandomState(0).normal(size=(50, 3))
    with pytest.raises(ValueError, match="numeric targets.*BackpropClassifier"):
        _reg().fit(X, y)


def test_numeric_strings_are_accepted():
    X = np.random.RandomState(0).normal(size=(50, 3))
    y = X[:, 0].astype(str)
    reg = _reg(max_iter=20).fit(X, y)
    assert reg.predict(X).dtype == np.float64
