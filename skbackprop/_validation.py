"""Input checks at the estimators' boundary, for what ``validate_data`` leaves to numpy.

``validate_data`` converts X to floats and lets numpy's own conversion errors
through ("could not convert string to float", "setting an array element with a
sequence"), and prints a whole complex array into its error. The estimators
also cast validated float64 input to the dtype of the fitted weights, where a
value beyond float32's range silently becomes inf, and a forward pass through
finite weights can still overflow on huge inputs. These helpers turn each case
into a ValueError or TypeError that names the argument and the problem, before
any computation starts (or, for an overflowing output, instead of returning it).

The estimators' own checks of their inputs come last: one function checks the
training and the validation data (:func:`validate_Xy`), one the data to
predict (:func:`validate_X`), with a raw table first encoded by the
estimator's :class:`~skbackprop._inputs.TableEncoder` when it has one.
"""

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import (
    check_array,
    check_is_fitted,
    check_X_y,
    column_or_1d,
    validate_data,
)

from ._sklearn_compat import _check_sample_weight

# Features beyond this magnitude drive a freshly initialised unit (weights of
# order 1 / sqrt(fan_in)) so far that every output link saturates: 0 or 1
# probabilities, gradients that tell nothing. No solver recovers from that.
SATURATING_MAGNITUDE = 1e6


def _kinds(X):
    """The numpy dtype kinds of X, or None when X has no dtype (a list...)."""
    # pandas' extension dtypes have a kind too ("O" for strings and categories)
    if hasattr(X, "dtype"):
        return {getattr(X.dtype, "kind", "O")}
    if hasattr(X, "dtypes"):  # a DataFrame
        return {getattr(d, "kind", "O") for d in X.dtypes}
    return None


def check_numeric(X, name="X"):
    """Refuse None, complex and non-numeric input with a message naming ``name``.

    Only inputs whose dtype cannot be trusted (lists, object or string arrays,
    DataFrames with object or extension columns) are converted here, once, to
    find out; numeric arrays pass untouched.
    """
    if X is None:
        raise ValueError(f"{name} is None; expected an array-like of numbers.")
    kinds = _kinds(X)
    if kinds is not None and "c" in kinds:
        raise ValueError(
            f"Complex data not supported: {name} is complex; the estimators "
            "need real-valued (int, float or bool) input."
        )
    if kinds is not None and kinds <= set("biuf"):
        check_finite(X, name)
        return
    if sp.issparse(X):
        return
    _check_not_per_recording(X, name)
    try:
        np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise type(exc)(
            f"{name} must be a rectangular array of numbers (int, float or bool), "
            f"but it does not convert to floats: {exc}"
        ) from None


def _check_not_per_recording(X, name):
    """Refuse a list of 2-D arrays, the frames of each recording that
    ``MFCC`` returns: one row per sample is needed, not one matrix."""
    if not isinstance(X, (list, tuple)) or not X:
        return
    if all(np.ndim(x) == 2 for x in X[:10]):
        shapes = ", ".join(str(np.shape(x)) for x in X[:3])
        raise ValueError(
            f"{name} is a list of {len(X)} matrices (shapes {shapes}, ...), like the "
            "per-recording frames that skbackprop.preprocessing.MFCC returns; "
            "the estimators need one row of features per sample. Summarise each "
            "recording with skbackprop.preprocessing.UtteranceFeatures, e.g. "
            "make_pipeline(MFCC(sample_rate=sr), UtteranceFeatures(), "
            "StandardScaler(), BackpropClassifier())."
        )


def warn_if_saturating(X, name="X"):
    """Warn when the features are so large that the network saturates."""
    values = X.data if sp.issparse(X) else X
    if not values.size:
        return
    largest = max(float(values.max()), -float(values.min()))
    if largest > SATURATING_MAGNITUDE:
        warnings.warn(
            f"{name} has features up to {largest:.3g} in magnitude: the network's "
            "units saturate on such inputs and training learns little or nothing, "
            "whatever the solver. Scale the features, e.g. with "
            "sklearn.preprocessing.StandardScaler in a Pipeline.",
            UserWarning,
        )


def check_finite(A, name="X"):
    """Refuse NaN and inf in a dense float array, as sklearn would, but quietly.

    sklearn's own check sums the array first, and a sum of inf and -inf makes
    numpy warn "invalid value encountered" before the ValueError: a
    RuntimeWarning that tells nothing and fails under ``-W error``.
    """
    if not (isinstance(A, np.ndarray) and A.dtype.kind == "f"):
        return
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(A.sum()):  # one pass, no temporary: the common case
            return
    if np.isnan(A).any():
        raise ValueError(
            f"Input {name} contains NaN. The estimators need finite values: "
            "impute missing values first, e.g. with sklearn.impute.SimpleImputer."
        )
    if np.isinf(A).any():
        raise ValueError(
            f"Input {name} contains infinity or a value too large for {A.dtype!r}."
        )


def as_model_dtype(X, dtype, name="X"):
    """Validated, finite X in the dtype of the fitted weights.

    Casting float64 input to float32 weights turns every value beyond
    float32's range into inf; refuse that instead of computing with it.
    """
    if X.dtype == dtype:
        return X
    with np.errstate(over="ignore"):
        cast = X.astype(dtype)
    values = cast.data if sp.issparse(cast) else cast
    if not np.isfinite(values).all():
        original = X.data if sp.issparse(X) else X
        raise ValueError(
            f"{name} has values up to {np.abs(original).max():.3g} in magnitude, "
            f"beyond the range of the model's {np.dtype(dtype).name} weights "
            f"(at most {np.finfo(dtype).max:.3g}): they would become inf. Scale "
            "the features (e.g. with StandardScaler), or fit on float64 data."
        )
    return cast


def check_finite_output(P, X):
    """The network's output, or a clear error if it overflowed.

    With finite weights and finite X the output is non-finite only when a
    product or an exponential exceeds the dtype's range (inputs of a huge
    magnitude, or an 'exp' output link); returning those infs or NaNs would be
    a silent failure.
    """
    bad = ~np.isfinite(P).all(axis=1)
    if bad.any():
        values = X.data if sp.issparse(X) else X
        largest = np.abs(values).max() if values.size else 0.0
        raise ValueError(
            f"The network's output overflowed to inf or NaN for {int(bad.sum())} of "
            f"{len(P)} sample(s): the inputs (largest magnitude {largest:.3g}) are "
            f"too large for the {P.dtype.name} computation. Scale the features, "
            "e.g. with StandardScaler, before fitting and predicting."
        )
    return P


def check_labels(y, name="y"):
    """Class labels of one kind, none missing: refuse None, NaN and mixed types.

    Only object arrays can mix them; sorting such labels would otherwise fail
    deep inside with "'<' not supported between instances of ...".
    """
    y = np.asarray(y)
    if y.dtype.kind != "O":
        return
    values = y.ravel()
    missing = [v for v in values if v is None or (isinstance(v, float) and v != v)]
    if missing:
        raise ValueError(
            f"{name} has missing labels ({missing[0]!r}); every sample needs a class."
        )
    strings = [v for v in values if isinstance(v, str)]
    if strings and len(strings) < len(values):
        other = next(v for v in values if not isinstance(v, str))
        raise ValueError(
            f"{name} mixes string and non-string labels (e.g. {strings[0]!r} and "
            f"{other!r}); the labels must be all strings or all numbers."
        )


def check_class_weight_values(class_weight):
    """A class_weight dict maps labels to finite, non-negative numbers."""
    for label, weight in class_weight.items():
        if isinstance(weight, bool) or not isinstance(weight, (int, float, np.number)):
            ok = False
        else:
            ok = np.isfinite(weight) and weight >= 0
        if not ok:
            raise ValueError(
                "class_weight must map each class to a finite, non-negative number; "
                f"got {weight!r} for class {label!r}."
            )


def as_finite_targets(y, dtype, name="y"):
    """Regression targets as finite numbers of ``dtype``.

    Object targets holding None convert to NaN, and float64 targets beyond
    float32's range to inf, without any error from numpy: refuse both.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        y = np.asarray(y, dtype=dtype)
    if not np.isfinite(y).all():
        raise ValueError(
            f"{name} has missing values (None or NaN) or values beyond the range of "
            f"{np.dtype(dtype).name} (at most {np.finfo(dtype).max:.3g} in magnitude); "
            "regression targets must be finite numbers."
        )
    return y


# ------------------------------------------------ the estimators' inputs
def input_dtype(estimator):
    """What ``validate_data`` converts X to: the ``dtype`` parameter, or
    float32 kept and anything else made float64, as sklearn's MLP does."""
    return (np.float64, np.float32) if estimator.dtype is None else estimator.dtype


def validate_Xy(
    estimator, X, y, reset, names=("X", "y"), inputs=None, fit_inputs=False
):
    """X and y checked as ``validate_data`` checks them; y 1-D when it is a
    column. The training and the validation data go through here; with
    ``inputs`` (a :class:`TableEncoder`) the raw table is encoded first."""
    check_finite(y, names[1])
    checks = dict(
        accept_sparse=["csr", "csc"],
        multi_output=True,
        dtype=input_dtype(estimator),
        y_numeric=False,
    )
    if inputs is None:
        check_numeric(X, names[0])
        X, y = validate_data(estimator, X, y, reset=reset, **checks)
    else:  # the raw table's names and width are those of the estimator
        X, y = check_table(estimator, X, y, reset=reset)
        X = inputs.fit_transform(X) if fit_inputs else inputs.transform(X)
        X, y = check_X_y(X, y, **checks)
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    return X, y


def check_table(estimator, X, y="no_validation", reset=False):
    """A raw table for the :class:`TableEncoder`: 2-D (a DataFrame keeps its
    column dtypes), its column names and count recorded or checked; and
    ``y`` when given (sklearn's ``validate_data`` convention)."""
    if not hasattr(X, "iloc"):
        X = check_array(X, dtype=None, ensure_all_finite=False)
    return validate_data(estimator, X, y, reset=reset, skip_check_array=True)


def validate_X(estimator, X):
    """X checked as ``validate_data`` checks it.

    A dense float array of an estimator fitted without feature names
    needs only its shape checked (``check_numeric`` refused NaN and inf):
    skipping ``validate_data`` there makes one-row prediction several
    times cheaper, which is what online serving calls.
    """
    if "coefs_" not in vars(estimator):
        check_is_fitted(estimator)
    if estimator._inputs is not None:
        X = estimator._inputs.transform(check_table(estimator, X))
        return check_array(X, dtype=(np.float64, np.float32))
    check_numeric(X, "X")
    if not (
        isinstance(X, np.ndarray)
        and X.dtype.kind == "f"
        and X.ndim == 2
        and len(X)
        and not hasattr(estimator, "feature_names_in_")
    ):
        return validate_data(
            estimator,
            X,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),
            ensure_all_finite=False,  # check_numeric did
            reset=False,
        )
    if X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(estimator).__name__} is "
            f"expecting {estimator.n_features_in_} features as input."
        )
    return X


def checked_sample_weight(sample_weight, X):
    """Validated non-negative weights in X's dtype, not all zero, or None."""
    if sample_weight is None:
        return None
    check_numeric(sample_weight, "sample_weight")
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=X.dtype, ensure_non_negative=True
    )
    if not np.isfinite(sample_weight).all():
        raise ValueError("sample_weight must be finite; it contains NaN or inf.")
    if sample_weight.sum() <= 0:
        raise ValueError(
            "sample_weight sums to zero: at least one sample needs a positive weight."
        )
    return sample_weight
