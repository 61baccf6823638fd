"""``skbackprop._validation``: bad data gets a clear error at the boundary,
and the caller's data stays as it was.

Every case asserts the exception type, a message that names the problem, and
that no array passed in was modified: X, y, sample_weight and the validation
set of fit and partial_fit, X of predict, values beyond the model's dtype, and
outputs that overflow. Nothing here may end in a numpy error from inside the
engine, nor in a fitted model that predicts NaN. Bad labels and targets are
``test_targets.py``'s, bad hyperparameters ``test_base.py``'s.
"""

import copy
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from skbackprop import BackpropClassifier, BackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N, D = 20, 3  # the shape of conftest's small_data
ESTIMATORS = [BackpropClassifier, BackpropRegressor]


def _with(X, index, value):
    X = X.astype(float)
    X[index] = value
    return X


# --------------------------------------------------------------- fit: X and y
# (id, make (X, y) -> (X, y, fit kwargs), exception, message)
FIT_CASES = [
    (
        "nan_X",
        lambda X, y: (_with(X, (0, 0), np.nan), y, {}),
        ValueError,
        "Input X contains NaN",
    ),
    (
        "inf_X",
        lambda X, y: (_with(X, (1, 2), np.inf), y, {}),
        ValueError,
        "Input X contains infinity",
    ),
    (
        "neg_inf_X",
        lambda X, y: (_with(X, (1, 2), -np.inf), y, {}),
        ValueError,
        "Input X contains infinity",
    ),
    (
        "nan_y",
        lambda X, y: (X, _with(y, 0, np.nan), {}),
        ValueError,
        r"Input (y )?contains NaN",
    ),
    (
        "inf_y",
        lambda X, y: (X, _with(y, 0, np.inf), {}),
        ValueError,
        r"Input (y )?contains infinity",
    ),
    (
        "empty_X",
        lambda X, y: (X[:0], y[:0], {}),
        ValueError,
        r"Found array with 0 sample\(s\)",
    ),
    (
        "no_features",
        lambda X, y: (X[:, :0], y, {}),
        ValueError,
        r"Found array with 0 feature\(s\)",
    ),
    (
        "mismatched_lengths",
        lambda X, y: (X, y[:-1], {}),
        ValueError,
        r"inconsistent numbers of samples: \[20, 19\]",
    ),
    (
        "strings",
        lambda X, y: (X.astype(str).astype(object) + "x", y, {}),
        ValueError,
        "X must be a rectangular array of numbers.*could not convert",
    ),
    (
        "objects",
        lambda X, y: (np.array([[frozenset()] * D] * N), y, {}),
        TypeError,
        "X must be a rectangular array of numbers",
    ),
    (
        "ragged_list",
        lambda X, y: ([[1.0, 2.0]] * (N - 1) + [[1.0]], y, {}),
        ValueError,
        "X must be a rectangular array of numbers",
    ),
    (
        "dataframe_with_text",
        lambda X, y: (
            pd.DataFrame({"a": X[:, 0], "b": ["low", "high"] * (N // 2)}),
            y,
            {},
        ),
        ValueError,
        "X must be a rectangular array of numbers.*'low'",
    ),
    (
        "complex_X",
        lambda X, y: (X + 1j, y, {}),
        ValueError,
        "Complex data not supported: X is complex",
    ),
    (
        "X_3d",
        lambda X, y: (X.reshape(N, D, 1), y, {}),
        ValueError,
        "Found array with dim 3",
    ),
    ("X_1d", lambda X, y: (X[:, 0], y, {}), ValueError, "Expected 2D array"),
    ("X_none", lambda X, y: (None, y, {}), ValueError, "X is None"),
    # partial_fit's first call reads the type of y before anything else
    (
        "y_none",
        lambda X, y: (X, None, {}),
        ValueError,
        "requires y to be passed|Expected array-like .*got None",
    ),
    (
        "y_3d",
        lambda X, y: (X, y.reshape(N, 1, 1), {}),
        ValueError,
        "Found array with dim 3",
    ),
    # sample_weight
    (
        "sw_negative",
        lambda X, y: (X, y, {"sample_weight": -np.ones(N)}),
        ValueError,
        "Negative values in data passed to `sample_weight`",
    ),
    (
        "sw_nan",
        lambda X, y: (X, y, {"sample_weight": _with(np.ones(N), 3, np.nan)}),
        ValueError,
        "Input sample_weight contains NaN",
    ),
    (
        "sw_inf",
        lambda X, y: (X, y, {"sample_weight": _with(np.ones(N), 3, np.inf)}),
        ValueError,
        "Input sample_weight contains infinity",
    ),
    (
        "sw_wrong_length",
        lambda X, y: (X, y, {"sample_weight": np.ones(N - 1)}),
        ValueError,
        r"sample_weight.shape == \(19,\), expected \(20,\)",
    ),
    # sklearn >= 1.7 says it first; the estimators check it for older versions
    (
        "sw_all_zero",
        lambda X, y: (X, y, {"sample_weight": np.zeros(N)}),
        ValueError,
        "at least one non-zero|sample_weight sums to zero",
    ),
    (
        "sw_strings",
        lambda X, y: (X, y, {"sample_weight": np.array(["a"] * N)}),
        ValueError,
        "sample_weight must be a rectangular array of numbers",
    ),
    (
        "sw_2d",
        lambda X, y: (X, y, {"sample_weight": np.ones((N, 2))}),
        ValueError,
        "Sample weights must be 1D array or scalar",
    ),
    # the validation set
    (
        "X_val_without_y_val",
        lambda X, y: (X, y, {"X_val": X}),
        ValueError,
        "X_val and y_val must be given together; got only X_val",
    ),
    (
        "y_val_without_X_val",
        lambda X, y: (X, y, {"y_val": y}),
        ValueError,
        "X_val and y_val must be given together; got only y_val",
    ),
    (
        "X_val_nan",
        lambda X, y: (X, y, {"X_val": _with(X, (2, 1), np.nan), "y_val": y}),
        ValueError,
        r"Invalid validation set \(X_val, y_val.*Input X_val contains NaN",
    ),
    (
        "X_val_wrong_features",
        lambda X, y: (X, y, {"X_val": X[:, :2], "y_val": y}),
        ValueError,
        "Invalid validation set.*X has 2 features.*expecting 3",
    ),
    (
        "X_val_strings",
        lambda X, y: (X, y, {"X_val": X.astype(str).astype(object) + "x", "y_val": y}),
        ValueError,
        "Invalid validation set.*could not convert",
    ),
    (
        "X_val_y_val_lengths",
        lambda X, y: (X, y, {"X_val": X, "y_val": y[:-2]}),
        ValueError,
        r"Invalid validation set.*inconsistent numbers of samples: \[20, 18\]",
    ),
    (
        "y_val_nan",
        lambda X, y: (X, y, {"X_val": X, "y_val": _with(y, 0, np.nan)}),
        ValueError,
        "Invalid validation set.*Input y_val contains NaN",
    ),
    (
        "sw_val_negative",
        lambda X, y: (X, y, {"X_val": X, "y_val": y, "sample_weight_val": -np.ones(N)}),
        ValueError,
        "Invalid validation set.*Negative values",
    ),
    (
        "sw_val_wrong_length",
        lambda X, y: (X, y, {"X_val": X, "y_val": y, "sample_weight_val": np.ones(3)}),
        ValueError,
        r"Invalid validation set.*shape == \(3,\), expected \(20,\)",
    ),
    (
        "sw_val_all_zero",
        lambda X, y: (X, y, {"X_val": X, "y_val": y, "sample_weight_val": np.zeros(N)}),
        ValueError,
        "Invalid validation set.*(at least one non-zero|sums to zero)",
    ),
]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "make, exception, match",
    [case[1:] for case in FIT_CASES],
    ids=[case[0] for case in FIT_CASES],
)
def test_fit_refuses_bad_data(
    Estimator, make, exception, match, small_data, small_estimator, raises_unchanged
):
    X, y, kwargs = make(*small_data(Estimator))
    raises_unchanged(small_estimator(Estimator).fit, (X, y), kwargs, exception, match)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "make, exception, match",
    [case[1:] for case in FIT_CASES if "val" not in case[0]],
    ids=[case[0] for case in FIT_CASES if "val" not in case[0]],
)
@pytest.mark.filterwarnings(  # sklearn's type_of_target casting a NaN label
    "ignore:invalid value encountered in cast:RuntimeWarning"
)
def test_partial_fit_refuses_bad_data(
    Estimator, make, exception, match, small_data, small_estimator, raises_unchanged
):
    X, y, kwargs = make(*small_data(Estimator))
    if Estimator is BackpropClassifier:
        kwargs["classes"] = [0, 1]
    est = small_estimator(Estimator)
    raises_unchanged(est.partial_fit, (X, y), kwargs, exception, match)


# ------------------------------------------------------------------ predict
PREDICT_CASES = [
    (
        "wrong_feature_count",
        lambda X: X[:, :2],
        ValueError,
        "X has 2 features, but Backprop(Classifier|Regressor) is expecting 3",
    ),
    ("nan", lambda X: _with(X, (0, 0), np.nan), ValueError, "Input X contains NaN"),
    (
        "inf",
        lambda X: _with(X, (0, 0), np.inf),
        ValueError,
        "Input X contains infinity",
    ),
    ("empty", lambda X: X[:0], ValueError, r"Found array with 0 sample\(s\)"),
    (
        "strings",
        lambda X: X.astype(str).astype(object) + "x",
        ValueError,
        "X must be a rectangular array of numbers",
    ),
    ("complex", lambda X: X + 1j, ValueError, "Complex data not supported"),
    ("X_3d", lambda X: X.reshape(N, D, 1), ValueError, "Found array with dim 3"),
    ("X_1d", lambda X: X[0], ValueError, "Expected 2D array"),
    ("none", lambda X: None, ValueError, "X is None"),
]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "make, exception, match",
    [c[1:] for c in PREDICT_CASES],
    ids=[c[0] for c in PREDICT_CASES],
)
def test_predict_refuses_bad_data(
    Estimator, make, exception, match, small_data, small_estimator, raises_unchanged
):
    X, y = small_data(Estimator)
    est = small_estimator(Estimator).fit(X, y)
    methods = [est.predict, est.score]
    if Estimator is BackpropClassifier:
        methods += [est.predict_proba, est.predict_log_proba]
    for method in methods:
        args = (make(X),) if method != est.score else (make(X), y)
        raises_unchanged(method, args, {}, exception, match)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_float32_model_refuses_float64_values_beyond_float32(
    Estimator, small_data, small_estimator, raises_unchanged
):
    X, y = small_data(Estimator)
    est = small_estimator(Estimator).fit(X.astype(np.float32), y)
    raises_unchanged(
        est.predict,
        (X * 1e300,),
        {},
        ValueError,
        r"X has values up to .*e\+300 in magnitude, beyond the range of the "
        "model's float32 weights",
    )


def test_warm_start_on_float32_weights_refuses_values_beyond_float32(
    small_data, small_estimator, raises_unchanged
):
    X, y = small_data(BackpropRegressor)
    reg = small_estimator(BackpropRegressor, warm_start=True)
    reg.fit(X.astype(np.float32), y)
    raises_unchanged(
        reg.fit,
        (X * 1e300, y),
        {},
        ValueError,
        "beyond the range of the model's float32 weights",
    )


def test_overflowing_output_raises_instead_of_returning_inf(
    small_data, small_estimator, raises_unchanged
):
    # exp(output) of a Poisson model overflows for inputs of a huge magnitude
    X, y = small_data(BackpropRegressor)
    reg = small_estimator(BackpropRegressor, loss="poisson").fit(X, np.abs(y))
    raises_unchanged(
        reg.predict,
        (X * 1e300,),
        {},
        ValueError,
        r"The network's output overflowed to inf or NaN for \d+ of 20 sample",
    )


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_overflowing_data_fail_at_fit_not_at_predict(Estimator, solver, dtype, sparse):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 5)) * 1e30
    y = (X[:, 0] > 0).astype(int) if Estimator is BackpropClassifier else X[:, 0] / 1e30
    X = X.astype(dtype)
    X = sp.csr_matrix(X) if sparse else X
    est = Estimator(solver=solver, max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            est.fit(X, y)
        except ValueError as exc:
            assert "StandardScaler" in str(exc)
            return
    # a fit that succeeded must predict its own training data
    P = est.predict(X)
    assert np.isfinite(np.asarray(P, dtype=float)).all()


# -------------------------------------------------- successful calls
@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_successful_fit_and_predict_leave_every_input_unchanged(
    Estimator, solver, dtype, small_data, small_estimator, assert_unchanged
):
    X, y = small_data(Estimator)
    X = X.astype(dtype)
    y = y.astype(dtype) if Estimator is BackpropRegressor else y
    sw = np.linspace(0.5, 2.0, N).astype(dtype)
    kwargs = {
        "sample_weight": sw,
        "X_val": X[:6].copy(),
        "y_val": y[:6].copy(),
        "sample_weight_val": sw[:6].copy(),
    }
    before = copy.deepcopy((X, y, kwargs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        est = small_estimator(Estimator, solver=solver, early_stopping=True).fit(
            X, y, **kwargs
        )
    est.predict(X)
    est.score(X, y, sample_weight=sw)
    if solver != "lbfgs":
        kw = {"classes": [0, 1]} if Estimator is BackpropClassifier else {}
        small_estimator(Estimator, solver=solver).partial_fit(
            X, y, sample_weight=sw, **kw
        )
    assert_unchanged(
        [before[0], before[1], *before[2].values()], [X, y, *kwargs.values()]
    )


@pytest.mark.parametrize("lengths", [(3, 5), (4, 4)])
def test_per_recording_frame_matrices_point_to_utterance_features(lengths):
    frames = [np.ones((n, 13)) for n in lengths]
    est = BackpropClassifier(max_iter=2)
    with pytest.raises(ValueError, match="UtteranceFeatures"):
        est.fit(frames, [0, 1])
    est.fit(np.array([[0.0, 1.0], [1.0, 0.0]]), [0, 1])
    with pytest.raises(ValueError, match="UtteranceFeatures"):
        est.predict([np.ones((3, 2)), np.ones((4, 2))])
