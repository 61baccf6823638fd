"""Property-based tests: whatever the shapes, dtypes and values, nothing silent.

Every outcome of fit then predict is either a fitted model whose predictions
have the right shape and dtype and are finite, or a ValueError / TypeError
raised at the boundary. Any other exception, any RuntimeWarning from numpy and
any NaN or inf in a prediction fails the test. Bounded: small shapes, few
epochs, a few dozen examples per property.
"""

import warnings

import numpy as np
import pytest

from skbackprop import BackpropClassifier, BackpropRegressor

hypothesis = pytest.importorskip(
    "hypothesis", reason="hypothesis is not installed (pip install '.[test]')"
)
from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI never flakes
    suppress_health_check=[HealthCheck.too_slow],
)

DTYPES = [np.float64, np.float32, np.int64, np.bool_]
SOLVERS = ["sgd", "adam", "adamw", "rmsprop", "lbfgs"]
EXTREMES = [
    0.0,
    1.0,
    -1.0,
    1e-300,
    -1e-300,
    1e300,
    -1e300,
    1e30,
    -1e30,
    np.nan,
    np.inf,
    -np.inf,
]


@st.composite
def matrices(draw):
    """X of 1-30 rows and 1-5 columns: random dtype, values, constant columns."""
    n_samples = draw(st.integers(1, 30))
    n_features = draw(st.integers(1, 5))
    dtype = draw(st.sampled_from(DTYPES))
    if dtype is np.bool_:
        elements = st.booleans()
    elif dtype is np.int64:
        elements = st.integers(-(2**40), 2**40)
    else:
        elements = st.one_of(
            st.floats(-10, 10, width=32),
            st.sampled_from(EXTREMES),
            st.floats(allow_nan=True, allow_infinity=True),
        )
    X = draw(
        hnp.arrays(
            np.float64 if dtype in (np.float32,) else dtype,
            (n_samples, n_features),
            elements=elements,
        )
    )
    if dtype is np.float32:
        with np.errstate(over="ignore"):  # 1e300 becomes inf: part of the test
            X = X.astype(np.float32)
    if draw(st.booleans()):  # a constant column
        X[:, draw(st.integers(0, n_features - 1))] = X.flat[0]
    return X


def _targets(draw, Estimator, n_samples):
    if Estimator is BackpropClassifier:
        labels = draw(st.sampled_from([[0, 1], [0, 1, 2], ["a", "b"], [True, False]]))
        return np.array(
            draw(
                st.lists(
                    st.sampled_from(labels), min_size=n_samples, max_size=n_samples
                )
            )
        )
    values = st.one_of(st.floats(-100, 100), st.sampled_from(EXTREMES))
    return draw(hnp.arrays(np.float64, (n_samples,), elements=values))


@st.composite
def problems(draw):
    Estimator = draw(st.sampled_from([BackpropClassifier, BackpropRegressor]))
    X = draw(matrices())
    y = _targets(draw, Estimator, len(X))
    params = {
        "solver": draw(st.sampled_from(SOLVERS)),
        "hidden_layer_sizes": draw(st.sampled_from([(), (3,), (4, 2)])),
        "activation": draw(st.sampled_from(["relu", "tanh", "logistic", "gelu"])),
        "max_iter": draw(st.integers(1, 3)),
        "batch_size": draw(st.sampled_from(["auto", 1, 7])),
        "random_state": 0,
    }
    if Estimator is BackpropRegressor:
        params["loss"] = draw(st.sampled_from(["squared_error", "huber", "poisson"]))
    X_new = draw(matrices())
    return Estimator, params, X, y, X_new


def _check_predictions(est, X):
    """Predictions of the right shape and dtype, finite; or a boundary error."""
    try:
        predictions = est.predict(X)
    except (ValueError, TypeError) as exc:
        event(f"predict refused: {str(exc)[:40]}")
        return
    event("predict: finite predictions")
    assert predictions.shape[0] == X.shape[0]
    if isinstance(est, BackpropRegressor):
        assert predictions.dtype == est.coefs_[0].dtype
        assert np.isfinite(predictions).all()
        return
    assert set(np.unique(predictions)) <= set(est.classes_)
    proba = est.predict_proba(X)
    assert proba.shape == (X.shape[0], len(est.classes_))
    assert proba.dtype == est.coefs_[0].dtype
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-4)


@SETTINGS
@given(problems())
def test_fit_and_predict_give_finite_predictions_or_a_clear_error(problem):
    Estimator, params, X, y, X_new = problem
    X_before, y_before, X_new_before = X.copy(), y.copy(), X_new.copy()
    est = Estimator(**params)
    with warnings.catch_warnings():
        # numpy's RuntimeWarnings (overflow, invalid value) must not escape:
        # they mean a silent inf or NaN somewhere
        warnings.simplefilter("error", RuntimeWarning)
        warnings.filterwarnings("ignore", category=UserWarning)  # e.g. batch_size
        warnings.filterwarnings("ignore", module="sklearn", category=UserWarning)
        from sklearn.exceptions import ConvergenceWarning

        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            est.fit(X, y)
        except (ValueError, TypeError) as exc:
            event(f"fit refused: {str(exc)[:40]}")
            fitted = False
        else:
            fitted = True
        if fitted:
            assert all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_)
            _check_predictions(est, X)
            if X_new.shape[1] == X.shape[1]:
                _check_predictions(est, X_new)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    np.testing.assert_array_equal(X_new, X_new_before)


@SETTINGS
@given(problems(), st.integers(1, 3))
def test_partial_fit_stream_gives_finite_predictions_or_a_clear_error(problem, n_calls):
    Estimator, params, X, y, _ = problem
    if params["solver"] == "lbfgs":
        params["solver"] = "adam"
    est = Estimator(**params)
    kwargs = {"classes": np.unique(y)} if Estimator is BackpropClassifier else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.filterwarnings("ignore", category=UserWarning)
        from sklearn.exceptions import ConvergenceWarning

        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(n_calls):
            try:
                est.partial_fit(X, y, **kwargs)
            except (ValueError, TypeError):
                return
        assert all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_)
        _check_predictions(est, X)
