"""Bad input gets a clear error at the boundary, and the caller's data stays as it was.

Every case asserts the exception type, a message that names the problem, and
that no array passed in was modified. Nothing here may end in a numpy error
from inside the engine, nor in a fitted model that predicts NaN.
"""

import copy
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from skbackprop import BackpropClassifier, BackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N, D = 20, 3
ESTIMATORS = [BackpropClassifier, BackpropRegressor]


def _data(Estimator):
    rng = np.random.RandomState(0)
    X = rng.randn(N, D)
    y = np.array([0, 1] * (N // 2)) if Estimator is BackpropClassifier else rng.randn(N)
    return X, y


def _small(Estimator, **params):
    return Estimator(hidden_layer_sizes=(4,), max_iter=3, random_state=0, **params)


def _snapshot(objects):
    return copy.deepcopy(objects)


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
    """``call(*args, **kwargs)`` raises ``exception`` matching ``match``.

    And the arguments are exactly as they were before the call.
    """
    before = _snapshot((args, kwargs))
    with pytest.raises(exception, match=match):
        call(*args, **kwargs)
    _assert_unchanged(
        list(before[0]) + list(before[1].values()), list(args) + list(kwargs.values())
    )


# --------------------------------------------------------------- fit: X and y
def _with(X, index, value):
    X = X.astype(float)
    X[index] = value
    return X


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
def test_fit_refuses_bad_data(Estimator, make, exception, match):
    X, y, kwargs = make(*_data(Estimator))
    _raises(_small(Estimator).fit, (X, y), kwargs, exception, match)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "make, exception, match",
    [case[1:] for case in FIT_CASES if "val" not in case[0]],
    ids=[case[0] for case in FIT_CASES if "val" not in case[0]],
)
@pytest.mark.filterwarnings(  # sklearn's type_of_target casting a NaN label
    "ignore:invalid value encountered in cast:RuntimeWarning"
)
def test_partial_fit_refuses_bad_data(Estimator, make, exception, match):
    X, y, kwargs = make(*_data(Estimator))
    if Estimator is BackpropClassifier:
        kwargs["classes"] = [0, 1]
    _raises(_small(Estimator).partial_fit, (X, y), kwargs, exception, match)


# ------------------------------------------------------------- classifier y
CLASSIFIER_CASES = [
    ("one_class", lambda y: np.zeros(N), "y contains only one class"),
    ("continuous", lambda y: np.linspace(0, 1, N), "Unknown label type: continuous"),
    (
        "none_label",
        lambda y: np.array(["a", None] * (N // 2), dtype=object),
        r"y has missing labels \(None\)",
    ),
    ("nan_label", lambda y: np.array(["a", np.nan] * (N // 2), dtype=object), "NaN"),
    (
        "mixed_types",
        lambda y: np.array(["a", 1] * (N // 2), dtype=object),
        "y mixes string and non-string labels",
    ),
    ("complex", lambda y: y + 1j, "Complex data not supported"),
]


@pytest.mark.parametrize(
    "make_y, match",
    [c[1:] for c in CLASSIFIER_CASES],
    ids=[c[0] for c in CLASSIFIER_CASES],
)
def test_classifier_refuses_bad_labels(make_y, match):
    X, y = _data(BackpropClassifier)
    _raises(_small(BackpropClassifier).fit, (X, make_y(y)), {}, ValueError, match)


def test_partial_fit_refuses_unseen_labels_and_changed_classes():
    X, y = _data(BackpropClassifier)
    clf = _small(BackpropClassifier)
    _raises(
        clf.partial_fit,
        (X, y),
        {},
        ValueError,
        "classes must be passed on the first call to partial_fit",
    )
    clf.partial_fit(X, y, classes=[0, 1])
    coefs = [W.copy() for W in clf.coefs_]
    _raises(
        clf.partial_fit,
        (X, y + 1),
        {},
        ValueError,
        r"`y` has classes not in `self.classes_`",
    )
    _raises(
        clf.partial_fit,
        (X, y),
        {"classes": [0, 1, 2]},
        ValueError,
        "is not the same as on last call to partial_fit",
    )
    for before, after in zip(coefs, clf.coefs_):  # a refused call changes nothing
        np.testing.assert_array_equal(before, after)


def test_classifier_refuses_unseen_validation_labels():
    X, y = _data(BackpropClassifier)
    _raises(
        _small(BackpropClassifier).fit,
        (X, y),
        {"X_val": X, "y_val": y + 1},
        ValueError,
        r"Invalid validation set.*y_val has classes \[2\]",
    )


@pytest.mark.parametrize(
    "class_weight, match",
    [
        (
            {0: -2.0},
            "class_weight must map each class to a finite, non-negative "
            "number; got -2.0 for class 0",
        ),
        ({0: np.nan}, "finite, non-negative number; got nan for class 0"),
        ({0: "heavy"}, "finite, non-negative number; got 'heavy' for class 0"),
        ({5: 2.0}, r"class_weight has labels \[5\] that are not classes of y"),
    ],
)
def test_classifier_refuses_bad_class_weight(class_weight, match):
    X, y = _data(BackpropClassifier)
    _raises(
        _small(BackpropClassifier, class_weight=class_weight).fit,
        (X, y),
        {},
        ValueError,
        match,
    )


# -------------------------------------------------------------- regressor y
REGRESSOR_CASES = [
    ("strings", lambda y: np.array(["a", "b"] * (N // 2)), "needs numeric targets"),
    ("none_values", lambda y: np.array([None] * N), "y has missing values"),
    ("complex", lambda y: y + 1j, "Complex data not supported"),
]


@pytest.mark.parametrize(
    "make_y, match",
    [c[1:] for c in REGRESSOR_CASES],
    ids=[c[0] for c in REGRESSOR_CASES],
)
def test_regressor_refuses_bad_targets(make_y, match):
    X, y = _data(BackpropRegressor)
    _raises(_small(BackpropRegressor).fit, (X, make_y(y)), {}, ValueError, match)


def test_regressor_refuses_targets_beyond_float32():
    X, y = _data(BackpropRegressor)
    _raises(
        _small(BackpropRegressor).fit,
        (X.astype(np.float32), y * 1e300),
        {},
        ValueError,
        "beyond the range of float32",
    )


def test_regressor_refuses_negative_poisson_targets():
    X, y = _data(BackpropRegressor)
    _raises(
        _small(BackpropRegressor, loss="poisson").fit,
        (X, y),
        {},
        ValueError,
        "loss='poisson' needs non-negative targets",
    )


def test_partial_fit_refuses_a_changed_number_of_outputs():
    X, y = _data(BackpropRegressor)
    reg = _small(BackpropRegressor).partial_fit(X, y)
    _raises(
        reg.partial_fit,
        (X, np.c_[y, y]),
        {},
        ValueError,
        r"same architecture as the previous fit: layer sizes \[3, 4, 2\] differ "
        r"from the fitted \[3, 4, 1\]",
    )


def test_warm_start_on_float32_weights_refuses_values_beyond_float32():
    X, y = _data(BackpropRegressor)
    reg = _small(BackpropRegressor, warm_start=True).fit(X.astype(np.float32), y)
    _raises(
        reg.fit,
        (X * 1e300, y),
        {},
        ValueError,
        "beyond the range of the model's float32 weights",
    )


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
def test_predict_refuses_bad_data(Estimator, make, exception, match):
    X, y = _data(Estimator)
    est = _small(Estimator).fit(X, y)
    methods = [est.predict, est.score]
    if Estimator is BackpropClassifier:
        methods += [est.predict_proba, est.predict_log_proba]
    for method in methods:
        args = (make(X),) if method != est.score else (make(X), y)
        _raises(method, args, {}, exception, match)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_predict_before_fit_raises_not_fitted(Estimator):
    X, _ = _data(Estimator)
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        _small(Estimator).predict(X)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_float32_model_refuses_float64_values_beyond_float32(Estimator):
    X, y = _data(Estimator)
    est = _small(Estimator).fit(X.astype(np.float32), y)
    _raises(
        est.predict,
        (X * 1e300,),
        {},
        ValueError,
        r"X has values up to .*e\+300 in magnitude, beyond the range of the "
        "model's float32 weights",
    )


def test_overflowing_output_raises_instead_of_returning_inf():
    # exp(output) of a Poisson model overflows for inputs of a huge magnitude
    X, y = _data(BackpropRegressor)
    reg = _small(BackpropRegressor, loss="poisson").fit(X, np.abs(y))
    _raises(
        reg.predict,
        (X * 1e300,),
        {},
        ValueError,
        r"The network's output overflowed to inf or NaN for \d+ of 20 sample",
    )


# --------------------------------------------------------- hyperparameters
# (parameter, bad value, a fragment of what is allowed)
INVALID_PARAMS = [
    ("hidden_layer_sizes", 0, r"an array-like or an int in the range \[1, inf\)"),
    ("hidden_layer_sizes", -3, r"an array-like or an int in the range \[1, inf\)"),
    ("hidden_layer_sizes", 2.5, r"an array-like or an int in the range \[1, inf\)"),
    ("hidden_layer_sizes", "wide", "an array-like or an int"),
    ("hidden_layer_sizes", None, "an array-like or an int"),
    ("activation", "sigmoid", "a str among"),
    ("activation", None, "a str among"),
    ("solver", "newton", "a str among"),
    ("alpha", -1.0, r"a float in the range \[0.0, inf\)"),
    ("alpha", np.nan, r"a float in the range \[0.0, inf\)"),
    ("alpha", np.inf, r"a float in the range \[0.0, inf\)"),
    ("alpha", "strong", r"a float in the range \[0.0, inf\)"),
    ("batch_size", 0, r"a str among \{'auto'\} or an int in the range \[1, inf\)"),
    ("batch_size", 1.5, r"an int in the range \[1, inf\)"),
    ("batch_size", "all", r"a str among \{'auto'\}"),
    ("learning_rate", "fast", "a str among"),
    ("learning_rate_init", 0.0, r"a float in the range \(0.0, inf\)"),
    ("learning_rate_init", -0.1, r"a float in the range \(0.0, inf\)"),
    ("learning_rate_init", np.nan, r"a float in the range \(0.0, inf\)"),
    ("power_t", -0.5, r"a float in the range \[0.0, inf\)"),
    ("max_iter", 0, r"an int in the range \[1, inf\)"),
    ("max_iter", 10.5, r"an int in the range \[1, inf\)"),
    ("shuffle", "yes", "an instance of 'bool'"),
    ("random_state", "seed", "an int in the range"),
    ("random_state", -1, "an int in the range"),
    ("tol", -1e-4, r"a float in the range \[0.0, inf\)"),
    ("verbose", -1, r"an int in the range \[0, inf\)"),
    ("warm_start", "no", "an instance of 'bool'"),
    ("momentum", 1.5, r"a float in the range \[0.0, 1.0\]"),
    ("momentum", -0.1, r"a float in the range \[0.0, 1.0\]"),
    ("nesterovs_momentum", 1, "an instance of 'bool'"),
    ("early_stopping", "true", "an instance of 'bool'"),
    ("validation_fraction", 1.0, r"a float in the range \[0.0, 1.0\)"),
    ("validation_fraction", -0.1, r"a float in the range \[0.0, 1.0\)"),
    ("beta_1", 1.0, r"a float in the range \[0.0, 1.0\)"),
    ("beta_2", -0.5, r"a float in the range \[0.0, 1.0\)"),
    ("epsilon", 0.0, r"a float in the range \(0.0, inf\)"),
    ("n_iter_no_change", 0, r"an int in the range \[1, inf\) or a float among \{inf\}"),
    ("n_iter_no_change", 2.5, r"an int in the range \[1, inf\)"),
    ("max_fun", 0, r"an int in the range \[1, inf\)"),
    ("dropout", 1.0, r"a float in the range \[0.0, 1.0\)"),
    ("dropout", -0.2, r"a float in the range \[0.0, 1.0\)"),
    ("rho", 1.0, r"a float in the range \[0.0, 1.0\)"),
    ("warmup_iter", -1, r"an int in the range \[0, inf\)"),
    ("max_grad_norm", 0.0, r"a float in the range \(0.0, inf\) or None"),
    ("max_grad_norm", -1.0, r"a float in the range \(0.0, inf\) or None"),
    ("scoring", "accuracy_typo", "a str among"),
    ("scoring", 3, "a str among"),
]
CLASSIFIER_PARAMS = [
    ("label_smoothing", 1.0, r"a float in the range \[0.0, 1.0\)"),
    ("label_smoothing", -0.1, r"a float in the range \[0.0, 1.0\)"),
    (
        "class_weight",
        "auto",
        r"an instance of 'dict', a str among \{'balanced'\} or None",
    ),
    ("class_weight", [1, 2], "an instance of 'dict'"),
]
REGRESSOR_PARAMS = [
    ("loss", "mse", "a str among"),
    ("huber_delta", 0.0, r"a float in the range \(0.0, inf\)"),
    ("quantile", 1.0, r"a float in the range \(0.0, 1.0\)"),
    ("quantile", 0.0, r"a float in the range \(0.0, 1.0\)"),
]


def _escaped_repr(value):
    return re.escape(repr(value))


def _param_cases():
    for Estimator in ESTIMATORS:
        classifier = Estimator is BackpropClassifier
        extra = CLASSIFIER_PARAMS if classifier else REGRESSOR_PARAMS
        for name, value, allowed in INVALID_PARAMS + extra:
            yield pytest.param(
                Estimator,
                name,
                value,
                allowed,
                id=f"{Estimator.__name__}-{name}={value!r}",
            )


@pytest.mark.parametrize("Estimator, name, value, allowed", list(_param_cases()))
def test_invalid_hyperparameter_names_parameter_value_and_allowed(
    Estimator, name, value, allowed
):
    X, y = _data(Estimator)
    match = (
        rf"The '{name}' parameter of {Estimator.__name__} must be .*{allowed}.*"
        rf"Got {_escaped_repr(value)} instead"
    )
    # InvalidParameterError is both a ValueError and a TypeError
    _raises(
        _small(Estimator).set_params(**{name: value}).fit,
        (X, y),
        {},
        InvalidParameterError,
        match,
    )


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_validates_hyperparameters_too(Estimator):
    X, y = _data(Estimator)
    kwargs = {"classes": [0, 1]} if Estimator is BackpropClassifier else {}
    est = _small(Estimator, alpha=-1.0)
    _raises(
        est.partial_fit,
        (X, y),
        kwargs,
        InvalidParameterError,
        r"The 'alpha' parameter .* must be a float in the range \[0.0, inf\). "
        "Got -1.0 instead",
    )


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "sizes",
    [(10, 0), (10, 2.0), [[3]], (True,), np.array([3, 0]), (4, -1)],
    ids=["zero_layer", "float_layer", "nested", "bool", "array_with_zero", "negative"],
)
def test_invalid_hidden_layer_sizes_name_parameter_and_value(Estimator, sizes):
    X, y = _data(Estimator)
    est = _small(Estimator).set_params(hidden_layer_sizes=sizes)
    _raises(
        est.fit,
        (X, y),
        {},
        ValueError,
        "hidden_layer_sizes must be a positive int or a flat sequence of positive "
        rf"ints, one per hidden layer; got {_escaped_repr(sizes)}",
    )


# ------------------------------------------------------------- not errors
@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_batch_size_larger_than_data_warns_and_fits(Estimator, method):
    X, y = _data(Estimator)
    est = _small(Estimator, batch_size=100)
    kwargs = (
        {"classes": [0, 1]}
        if method == "partial_fit" and (Estimator is BackpropClassifier)
        else {}
    )
    with pytest.warns(
        UserWarning,
        match="batch_size=100 is larger than the 20 "
        "training samples; using batches of 20",
    ):
        getattr(est, method)(X, y, **kwargs)
    assert np.isfinite(est.predict(X).astype(float)).all()


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_successful_fit_and_predict_leave_every_input_unchanged(
    Estimator, solver, dtype
):
    X, y = _data(Estimator)
    X = X.astype(dtype)
    y = y.astype(dtype) if Estimator is BackpropRegressor else y
    sw = np.linspace(0.5, 2.0, N).astype(dtype)
    kwargs = {
        "sample_weight": sw,
        "X_val": X[:6].copy(),
        "y_val": y[:6].copy(),
        "sample_weight_val": sw[:6].copy(),
    }
    before = _snapshot((X, y, kwargs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        est = _small(Estimator, solver=solver, early_stopping=True).fit(X, y, **kwargs)
    est.predict(X)
    est.score(X, y, sample_weight=sw)
    if solver != "lbfgs":
        kw = {"classes": [0, 1]} if Estimator is BackpropClassifier else {}
        _small(Estimator, solver=solver).partial_fit(X, y, sample_weight=sw, **kw)
    _assert_unchanged(
        [before[0], before[1], *before[2].values()], [X, y, *kwargs.values()]
    )
