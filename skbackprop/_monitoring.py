"""The validation set of a fit: where it comes from and how it is scored.

The estimators hold out (:func:`validation_split`) or check a validation set
(:class:`Validation`) and hand the engine's training loop a scoring function
(:func:`validation_scorer`); the loop scores it after every epoch, keeps the
best weights and stops early.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import check_scoring
from sklearn.model_selection import train_test_split
from sklearn.utils.metaestimators import available_if


@dataclass
class Validation:
    """A validation set: inputs, labels for scoring, encoded targets, weights."""

    X: object
    y: np.ndarray
    Y: np.ndarray
    sample_weight: np.ndarray = None


def validation_split(X, y, Y, sample_weight, *, fraction, stratify, rng):
    """Hold out ``fraction`` of the data, stratified by ``stratify`` (or None).

    Indices are split so that the random stream matches sklearn's MLP.
    Returns the training part ``(X, y, Y, sample_weight)`` and the
    :class:`Validation` set.
    """
    n = X.shape[0]
    n_val = max(2, int(np.ceil(fraction * n)))
    if n - n_val < 1:
        raise ValueError(
            "The validation set is too small: early_stopping needs a validation "
            "set of at least 2 samples and a training set of at least 1: got "
            f"{n} sample(s). Use more samples, pass X_val and y_val, or set "
            "early_stopping=False."
        )
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
    validation = Validation(X[val], y[val], Y[val].astype(X.dtype, copy=False), sw[1])
    return (X[train], y[train], Y[train], sw[0]), validation


def validation_scorer(network, validation, targets, scoring, estimator):
    """``validate() -> (val_loss, score)`` of the network's current weights.

    The score is ``scoring`` on the validation set: the encoder's default
    score of the network output (None), minus the loss ('loss'), or a
    scikit-learn scorer, which scores a :class:`LiveModel` of the network.
    ``estimator`` only tells the scorer what kind of model it scores.
    """
    kwargs = {}
    if validation.sample_weight is not None:
        kwargs["sample_weight"] = validation.sample_weight
    if scoring not in (None, "loss"):
        scorer = check_scoring(estimator, scoring=scoring)
        model = LiveModel(network, targets, estimator.__sklearn_tags__())

    def validate():
        P = network.predict(validation.X)
        if not np.isfinite(P).all():
            return np.nan, np.nan
        val_loss = network.mean_loss(validation.Y, P, validation.sample_weight)
        if scoring is None:
            return val_loss, targets.score(P, validation.y, validation.sample_weight)
        if scoring == "loss":
            return val_loss, -val_loss
        return val_loss, float(scorer(model, validation.X, validation.y, **kwargs))

    return validate


class LiveModel:
    """What a scikit-learn scorer asks of a fitted estimator, answered by the
    network being trained and the fit's target encoder: its predictions with
    the current weights, without copying or touching the estimator."""

    def __init__(self, network, targets, tags):
        self.network, self.targets, self.tags = network, targets, tags

    def __sklearn_tags__(self):
        return self.tags

    @property
    def classes_(self):
        return self.targets.classes_

    def predict(self, X):
        return self.targets.decode(self.network.predict(X))

    @available_if(lambda self: hasattr(self.targets, "probabilities"))
    def predict_proba(self, X):
        return self.targets.probabilities(self.network.predict(X))

    @available_if(lambda self: hasattr(self.targets, "probabilities"))
    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))


def _can_stratify(Y, n_val):
    """Whether a stratified split of binarized targets Y is possible."""
    counts = np.unique(Y, axis=0, return_counts=True)[1]
    return counts.min() >= 2 and len(Y) - n_val >= len(counts) <= n_val
