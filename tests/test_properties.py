"""Property-based tests of fit and predict.

Valid input (finite numbers of any numeric dtype, any small shape, constant
columns, any label type) always fits, and the predictions have the right shape
and dtype and are finite: any exception, any RuntimeWarning from numpy and any
NaN or inf fails. Invalid input gets one specific error, checked by exact type
and message, whatever the valid data around the invalid entry. Bounded: small
shapes, tiny networks, at most three epochs, a few dozen examples.
"""

import re
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skbackprop import BackpropClassifier, BackpropRegressor

hypothesis = pytest.importorskip(
    "hypothesis", reason="hypothesis is not installed (pip install '.[test]')"
)
from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI never flakes
    suppress_health_check=[HealthCheck.too_slow],
)
FEW = settings(SETTINGS, max_examples=10)

DTYPES = [np.float64, np.float32, np.int64, np.bool_]
SOLVERS = ["sgd", "adam", "adamw", "rmsprop", "lbfgs"]
ESTIMATORS = [BackpropClassifier, BackpropRegressor]
LABELS = [[0, 1], [0, 1, 2], ["a", "b"], [True, False], [-1, 7]]


# ------------------------------------------------------------ strategies
@st.composite
def matrices(draw, n_samples=None, n_features=None):
    """Finite X of 2-25 rows and 1-4 columns, of a random numeric dtype."""
    n_samples = n_samples or draw(st.integers(2, 25))
    n_features = n_features or draw(st.integers(1, 4))
    dtype = draw(st.sampled_from(DTYPES))
    elements = {
        np.bool_: st.booleans(),
        np.int64: st.integers(-10, 10),
        np.float32: st.floats(-10, 10, width=32),
        np.float64: st.floats(-10, 10),
    }[dtype]
    X = draw(hnp.arrays(dtype, (n_samples, n_features), elements=elements))
    if draw(st.booleans()):  # a constant column
        X[:, draw(st.integers(0, n_features - 1))] = X.flat[0]
    return X


@st.composite
def targets(draw, Estimator, n_samples, loss="squared_error"):
    """Labels of at least two classes, or finite (non-negative) targets."""
    if Estimator is BackpropClassifier:
        labels = draw(st.sampled_from(LABELS))
        y = draw(
            st.lists(st.sampled_from(labels), min_size=n_samples, max_size=n_samples)
        )
        y[:2] = labels[:2]  # every class problem has two classes at least
        return np.array(y)
    low = 0.0 if loss == "poisson" else -100.0
    return draw(hnp.arrays(np.float64, (n_samples,), elements=st.floats(low, 100)))


@st.composite
def problems(draw, Estimator=None, solvers=SOLVERS):
    """An estimator class, its parameters and valid X, y."""
    Estimator = Estimator or draw(st.sampled_from(ESTIMATORS))
    X = draw(matrices())
    params = {
        "solver": draw(st.sampled_from(solvers)),
        "hidden_layer_sizes": draw(st.sampled_from([(), (3,), (4, 2)])),
        "activation": draw(st.sampled_from(["relu", "tanh", "logistic", "gelu"])),
        "max_iter": draw(st.integers(1, 3)),
        "batch_size": draw(st.sampled_from(["auto", 1, 7])),
        "random_state": 0,
    }
    if Estimator is BackpropRegressor:
        params["loss"] = draw(st.sampled_from(["squared_error", "huber", "poisson"]))
    y = draw(targets(Estimator, len(X), params.get("loss")))
    return Estimator, params, X, y


def _warning_policy():
    """Inside ``warnings.catch_warnings()``: numpy's RuntimeWarnings (overflow,
    invalid value) mean a silent inf or NaN and fail; the warnings of a valid
    fit (ConvergenceWarning after three epochs, batch_size above n_samples)
    are ignored."""
    warnings.simplefilter("error", RuntimeWarning)
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.filterwarnings("ignore", message="batch_size=", category=UserWarning)


def _fit(Estimator, params, X, y):
    with warnings.catch_warnings():
        _warning_policy()
        return Estimator(**params).fit(X, y)


def _check_predictions(est, X):
    """Predictions of the right shape and dtype, finite."""
    float_dtype = np.float32 if X.dtype == np.float32 else np.float64
    assert est.coefs_[0].dtype == float_dtype
    predictions = est.predict(X)
    if isinstance(est, BackpropRegressor):
        assert predictions.shape == (X.shape[0],)
        assert predictions.dtype == float_dtype
        assert np.isfinite(predictions).all()
        if est.loss == "poisson":
            assert (predictions > 0).all()
        return
    assert predictions.shape == (X.shape[0],)
    assert set(np.unique(predictions)) <= set(est.classes_)
    proba = est.predict_proba(X)
    assert proba.shape == (X.shape[0], len(est.classes_))
    assert proba.dtype == float_dtype
    assert np.isfinite(proba).all() and (proba >= 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-4)
    np.testing.assert_array_equal(predictions, est.classes_[proba.argmax(axis=1)])


# ------------------------------------------------------------ valid input
@SETTINGS
@given(problems(), st.data())
def test_valid_input_fits_and_predicts_finite_outputs(problem, data):
    Estimator, params, X, y = problem
    X_new = data.draw(matrices(n_features=X.shape[1]), label="X_new")
    X_before, y_before, X_new_before = X.copy(), y.copy(), X_new.copy()
    with warnings.catch_warnings():
        _warning_policy()
        est = Estimator(**params).fit(X, y)
        assert 1 <= est.n_iter_ <= params["max_iter"]
        assert np.isfinite(est.loss_)
        assert all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_)
        _check_predictions(est, X)
        if X_new.dtype == X.dtype:  # float32 data give float32 weights
            _check_predictions(est, X_new)
        else:  # the weights' dtype, not X_new's: the outputs alone are checked
            predict = getattr(est, "predict_proba", est.predict)
            assert np.isfinite(predict(X_new)).all()
    # the caller's arrays are never modified
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    np.testing.assert_array_equal(X_new, X_new_before)


@SETTINGS
@given(problems(solvers=["sgd", "adam", "adamw", "rmsprop"]), st.integers(1, 3))
def test_valid_partial_fit_stream_predicts_finite_outputs(problem, n_calls):
    Estimator, params, X, y = problem
    est = Estimator(**params)
    kwargs = {"classes": np.unique(y)} if Estimator is BackpropClassifier else {}
    with warnings.catch_warnings():
        _warning_policy()
        for _ in range(n_calls):
            est.partial_fit(X, y, **kwargs)
        assert est.n_iter_ == 1  # one epoch per call
        assert len(est.loss_curve_) == n_calls
        assert all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_)
        _check_predictions(est, X)


# ---------------------------------------------------------- invalid input
NON_FINITE = {
    np.nan: "contains NaN",
    np.inf: "contains infinity or a value too large",
    -np.inf: "contains infinity or a value too large",
}


def _raises(exc_type, pattern, f, *args, **kwargs):
    """f(*args) raises exactly ``exc_type`` with a message matching ``pattern``."""
    with pytest.raises(exc_type, match=pattern) as info:
        f(*args, **kwargs)
    assert info.type is exc_type, info.value


@st.composite
def entries(draw, shape):
    return tuple(draw(st.integers(0, n - 1)) for n in shape)


@FEW
@given(problems(), st.sampled_from(sorted(NON_FINITE, key=str)), st.data())
def test_non_finite_X_gets_a_value_error_in_fit_and_predict(problem, bad, data):
    Estimator, params, X, y = problem
    X_bad = X.astype(np.float32 if X.dtype == np.float32 else np.float64)
    X_bad[data.draw(entries(X.shape), label="entry")] = bad
    expected = re.escape(f"Input X {NON_FINITE[bad]}")
    _raises(ValueError, expected, Estimator(**params).fit, X_bad, y)
    est = _fit(Estimator, params, X, y)
    _raises(ValueError, expected, est.predict, X_bad)


@FEW
@given(problems(Estimator=BackpropRegressor), st.sampled_from([np.nan, np.inf]))
def test_non_finite_y_gets_a_value_error(problem, bad):
    Estimator, params, X, y = problem
    y_bad = y.copy()
    y_bad[len(y) // 2] = bad
    expected = re.escape(f"Input y {NON_FINITE[bad]}")
    _raises(ValueError, expected, Estimator(**params).fit, X, y_bad)


@FEW
@given(problems(), st.integers(1, 3), st.data())
def test_predict_with_another_number_of_features_gets_a_value_error(
    problem, extra, data
):
    Estimator, params, X, y = problem
    n_features = X.shape[1] + extra
    X_new = data.draw(matrices(n_features=n_features), label="X_new")
    est = _fit(Estimator, params, X, y)
    expected = (
        f"X has {n_features} features, but {Estimator.__name__} is expecting "
        f"{X.shape[1]} features as input"
    )
    _raises(ValueError, re.escape(expected), est.predict, X_new)


@FEW
@given(
    problems(),
    st.sampled_from(
        [
            (-1.0, "Negative values in data passed to `sample_weight`"),
            (np.nan, "Input sample_weight contains NaN"),
            (np.inf, "Input sample_weight contains infinity"),
        ]
    ),
)
def test_invalid_sample_weight_gets_a_value_error(problem, bad):
    Estimator, params, X, y = problem
    value, message = bad
    sample_weight = np.ones(len(X))
    sample_weight[-1] = value
    _raises(
        ValueError,
        re.escape(message),
        Estimator(**params).fit,
        X,
        y,
        sample_weight=sample_weight,
    )


@FEW
@given(problems(), st.integers(1, 3))
def test_inconsistent_numbers_of_samples_get_a_value_error(problem, missing):
    Estimator, params, X, y = problem
    expected = re.escape(
        f"Found input variables with inconsistent numbers of samples: "
        f"[{len(X)}, {len(X) + missing}]"
    )
    y_long = np.concatenate([y, y[:1].repeat(missing)])
    _raises(ValueError, expected, Estimator(**params).fit, X, y_long)


@FEW
@given(problems(Estimator=BackpropClassifier))
def test_a_single_class_gets_a_value_error(problem):
    Estimator, params, X, y = problem
    y_one = np.full_like(y, y[0])
    _raises(ValueError, "y contains only one class", Estimator(**params).fit, X, y_one)


@FEW
@given(problems(Estimator=BackpropRegressor), st.floats(-100, -1e-3))
def test_negative_targets_for_poisson_get_a_value_error(problem, negative):
    Estimator, params, X, y = problem
    params["loss"] = "poisson"
    y_bad = np.abs(y)
    y_bad[0] = negative
    _raises(
        ValueError,
        re.escape("loss='poisson' needs non-negative targets"),
        Estimator(**params).fit,
        X,
        y_bad,
    )


@FEW
@given(problems())
def test_complex_or_non_numeric_X_gets_a_value_error(problem):
    Estimator, params, X, y = problem
    _raises(
        ValueError,
        "Complex data not supported",
        Estimator(**params).fit,
        X.astype(np.complex128) + 1j,
        y,
    )
    words = np.full(X.shape, "word")
    _raises(ValueError, "does not convert to floats", Estimator(**params).fit, words, y)


# ------------------------------------------------ finite but overflowing
OVERFLOW = (
    r"(The input data may contain large values|"
    r"The network's output overflowed to inf or NaN)"
)


@FEW
@given(problems(), st.sampled_from([1e150, 1e300]))
def test_overflowing_X_fits_finite_or_gets_the_scaling_error(problem, scale):
    # finite X whose products overflow float64: either the fit ends on finite
    # weights that predict finite outputs, or it says to scale the features
    Estimator, params, X, y = problem
    X_huge = X.astype(np.float64) * scale
    X_huge[0, 0] = scale  # at least one huge entry
    with warnings.catch_warnings():
        _warning_policy()
        try:
            est = Estimator(**params).fit(X_huge, y)
        except ValueError as exc:
            assert type(exc) is ValueError
            assert re.search(OVERFLOW, str(exc)), exc
            event("fit: the scaling error")
            return
    assert all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_)
    try:
        _check_predictions(est, X_huge)
        event("fit and predict: finite")
    except ValueError as exc:
        assert type(exc) is ValueError
        assert re.search(OVERFLOW, str(exc)), exc
        event("predict: the scaling error")
