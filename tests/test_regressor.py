"""``skbackprop._regressor``: BackpropRegressor's outputs and what each loss
estimates (mean, Poisson rate, quantile, median, robust to outliers); what it
does with y is ``test_targets.py``'s."""

import numpy as np
import pytest
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split

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


def test_quantile_loss_covers_the_quantile():
    rng = np.random.RandomState(0)
    X = rng.uniform(-2, 2, size=(3000, 1))
    y = np.sin(X[:, 0]) + rng.normal(scale=0.5, size=3000)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    reg = BackpropRegressor(
        loss="quantile",
        quantile=0.9,
        hidden_layer_sizes=(16,),
        max_iter=100,
        learning_rate_init=0.01,
        random_state=0,
    ).fit(X_tr, y_tr)
    coverage = np.mean(y_te <= reg.predict(X_te))
    assert 0.85 < coverage < 0.95


def test_huber_is_less_moved_by_outliers_than_squared_error():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 3))
    y_clean = X @ np.array([1.0, -2.0, 0.5])
    y = y_clean.copy()
    y[:20] += 50  # a few gross outliers
    params = dict(hidden_layer_sizes=(), solver="lbfgs", max_iter=500, random_state=0)
    squared = BackpropRegressor(**params).fit(X, y)
    huber = BackpropRegressor(loss="huber", **params).fit(X, y)
    err = {
        name: np.abs(est.predict(X[20:]) - y_clean[20:]).mean()
        for name, est in [("squared", squared), ("huber", huber)]
    }
    assert err["huber"] < err["squared"] / 3


def test_absolute_error_estimates_the_median():
    rng = np.random.RandomState(0)
    X = np.ones((2001, 1))
    y = rng.exponential(size=2001)  # median log 2, mean 1
    reg = BackpropRegressor(
        loss="absolute_error",
        hidden_layer_sizes=(),
        solver="adam",
        learning_rate_init=0.05,
        max_iter=200,
        random_state=0,
        alpha=0,
    ).fit(X, y)
    assert abs(reg.predict(X[:1])[0] - np.median(y)) < 0.05
