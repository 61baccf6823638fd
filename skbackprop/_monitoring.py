"""How a fit is watched: its validation set, and what it says when it ends.

The estimators hold out (:func:`validation_split`) or check a validation set
(:class:`Validation`) and hand the engine's training loop a scoring function
(:func:`validation_scorer`); the loop scores it after every epoch, keeps the
best weights and stops early. :func:`warn_about_outcome` turns the loop's
:class:`~skbackprop._engine.TrainingResult` into sklearn's warnings.
"""

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import check_scoring
from sklearn.model_selection import train_test_split
from sklearn.utils.metaestimators import available_if

from ._engine import DIVERGENCE, Stop


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


def warn_about_outcome(estimator, result, incremental):
    """Warn about how training ended, as sklearn's MLP does, and about divergence.

    Divergence from finite initial weights is the learning rate's doing:
    the best sane weights are kept, with a warning. A loss that is not
    finite at the weights training started from is the data's: nothing
    can be learned from it, and the fit raises (as sklearn's MLP does).
    """
    if result.stop is Stop.DIVERGED and not np.isfinite(result.initial_loss):
        raise ValueError(
            "Solver produced non-finite parameter weights. The input data may "
            "contain large values and need to be preprocessed: the loss is "
            f"already {result.initial_loss} at the weights training started "
            "from. Scale the features (e.g. StandardScaler) and, for "
            "regression, the targets."
        )
    if result.stop is Stop.DIVERGED:
        warnings.warn(
            "Training diverged: the loss became non-finite or grew more than "
            f"{DIVERGENCE:.0e} times its best value, so training stopped and the "
            f"best weights seen were restored (training loss {estimator.loss_:.4g}). "
            f"Try a smaller learning_rate_init (now {estimator.learning_rate_init}), "
            "max_grad_norm, a larger alpha, or scaled features and targets "
            "(e.g. StandardScaler).",
            ConvergenceWarning,
        )
    elif result.stop is Stop.INTERRUPTED:
        warnings.warn(
            "Training interrupted by user: keeping the weights of the last "
            "complete epoch.",
            UserWarning,
        )
    elif not incremental and result.never_improved():
        warnings.warn(
            f"Training never brought the loss below its value at the initial "
            f"weights ({result.initial_loss:.4g}; best epoch "
            f"{min(result.losses):.4g}): learning_rate_init="
            f"{estimator.learning_rate_init} is probably too large. Try a smaller "
            "one, or max_grad_norm.",
            ConvergenceWarning,
        )
    elif result.stop is Stop.MAX_ITER and not incremental:
        warnings.warn(_max_iter_message(estimator, result), ConvergenceWarning)


def _max_iter_message(estimator, result):
    if result.solver_result is None:
        return (
            f"Stochastic Optimizer: Maximum iterations ({estimator.max_iter}) reached "
            "and the optimization hasn't converged yet."
        )
    return (
        f"lbfgs failed to converge after {estimator.n_iter_} iteration(s) "
        f"(status={result.solver_result.status}): {result.solver_result.message}. "
        f"Increase max_iter (now {estimator.max_iter}) or max_fun (now "
        f"{estimator.max_fun}), or scale the data, e.g. with StandardScaler."
    )
