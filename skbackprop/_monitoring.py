"""The validation set of a fit: where it comes from and how it is scored.

The estimators hold out (:func:`validation_split`) or check
(:func:`check_validation_set`) a validation set and hand the engine's training
loop a scoring function (:func:`validation_scorer`); the loop scores it after
every epoch, keeps the best weights and stops early.
"""

import copy
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import check_scoring
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import column_or_1d, validate_data

from ._validation import as_model_dtype, check_finite, check_numeric


@dataclass
class _Validation:
    """A validation set: inputs, labels for scoring, encoded targets, weights."""

    X: object
    y: np.ndarray
    Y: np.ndarray
    sample_weight: np.ndarray = None


def check_validation_set(estimator, X_val, y_val, sample_weight_val, dtype):
    """Validate a user-supplied validation set like the training data."""
    if X_val is None or y_val is None:
        raise ValueError(
            "X_val and y_val must be given together; got only "
            f"{'X_val' if y_val is None else 'y_val'}."
        )
    check_numeric(X_val, "X_val")
    check_finite(y_val, "y_val")
    X_val, y_val = validate_data(
        estimator,
        X_val,
        y_val,
        reset=False,
        accept_sparse=["csr", "csc"],
        multi_output=True,
        dtype=(np.float64, np.float32),
    )
    if y_val.ndim == 2 and y_val.shape[1] == 1:
        y_val = column_or_1d(y_val)
    X_val = as_model_dtype(X_val, dtype, "X_val")
    Y_val = estimator._encode_validation_targets(y_val)
    if sample_weight_val is not None:
        sample_weight_val = estimator._sample_weight(
            sample_weight_val, X_val, Y_val, incremental=True, class_weight=False
        )
    return _Validation(X_val, y_val, Y_val, sample_weight_val)


def validation_split(estimator, X, Y, y, sample_weight, rng):
    """Hold out ``validation_fraction`` of the data, stratified for classifiers.

    Indices are split so that the random stream matches sklearn's MLP.
    """
    n = X.shape[0]
    n_val = max(2, int(np.ceil(estimator.validation_fraction * n)))
    if n - n_val < 1:
        raise ValueError(
            "The validation set is too small: early_stopping needs a validation "
            "set of at least 2 samples and a training set of at least 1: got "
            f"{n} sample(s). Use more samples, pass X_val and y_val, or set "
            "early_stopping=False."
        )
    stratify = Y.astype(bool) if estimator._stratify_validation() else None
    if stratify is not None and Y.shape[1] > 1 and not _can_stratify(Y, n_val):
        # sklearn splits multiclass targets at random: do so rather than
        # fail where it would not (binary targets fail as in sklearn)
        stratify = None
    try:
        train, val = train_test_split(
            np.arange(n), random_state=rng, test_size=n_val, stratify=stratify
        )
    except ValueError as exc:
        raise ValueError(
            f"{str(exc).rstrip('.')}. early_stopping holds out a validation set "
            "stratified by class: add samples of the rare class, pass X_val and "
            "y_val, or set early_stopping=False."
        ) from exc
    sw = (
        (None, None)
        if sample_weight is None
        else (sample_weight[train], sample_weight[val])
    )
    validation = _Validation(X[val], y[val], Y[val].astype(X.dtype, copy=False), sw[1])
    return (X[train], Y[train], sw[0]), validation


def validation_scorer(estimator, network, validation):
    """``validate() -> (val_loss, score)`` of the network's current weights.

    The score is ``estimator.scoring`` on the validation set: the estimator's
    default score of the network output, minus the loss for 'loss', or a
    scikit-learn scorer, which is handed a copy of the estimator that predicts
    with the weights being trained.
    """
    scoring, kwargs = estimator.scoring, {}
    if validation.sample_weight is not None:
        kwargs["sample_weight"] = validation.sample_weight
    if scoring not in (None, "loss"):
        scorer, current = (
            check_scoring(estimator, scoring=scoring),
            copy.copy(estimator),
        )
        current.coefs_, current.intercepts_ = network.coefs, network.intercepts
        # the validation set is validated already: an array without names
        current.__dict__.pop("feature_names_in_", None)

    def validate():
        P = network.predict(validation.X)
        if not np.isfinite(P).all():
            return np.nan, np.nan
        val_loss = network.mean_loss(validation.Y, P, validation.sample_weight)
        if scoring is None:
            return val_loss, estimator._score_output(
                P, validation.y, validation.sample_weight
            )
        if scoring == "loss":
            return val_loss, -val_loss
        return val_loss, float(scorer(current, validation.X, validation.y, **kwargs))

    return validate


def _can_stratify(Y, n_val):
    """Whether a stratified split of binarized targets Y is possible."""
    counts = np.unique(Y, axis=0, return_counts=True)[1]
    return counts.min() >= 2 and len(Y) - n_val >= len(counts) <= n_val
