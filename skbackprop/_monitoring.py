"""The validation set of a fit: where it comes from, what it measures, when it stops.

:class:`ValidationMonitor` is the part of the estimators that holds out or
checks a validation set, scores it after every epoch, keeps the best weights
and counts the epochs without improvement, in the order sklearn's MLP does.
"""

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


class ValidationMonitor:
    """Validation set, early stopping and best weights of BaseBackprop."""

    def _check_validation_set(self, X_val, y_val, sample_weight_val, dtype):
        """Validate a user-supplied validation set like the training data."""
        if X_val is None or y_val is None:
            raise ValueError(
                "X_val and y_val must be given together; got only "
                f"{'X_val' if y_val is None else 'y_val'}."
            )
        check_numeric(X_val, "X_val")
        check_finite(y_val, "y_val")
        X_val, y_val = validate_data(
            self,
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
        Y_val = self._encode_validation_targets(y_val)
        if sample_weight_val is not None:
            sample_weight_val = self._sample_weight(
                sample_weight_val, X_val, Y_val, incremental=True, class_weight=False
            )
        return _Validation(X_val, y_val, Y_val, sample_weight_val)

    def _encode_validation_targets(self, y):
        return self._encode_targets(y, incremental=True, first_pass=False)

    def _start_validation(self, network):
        """Curves and best weights for a fit that monitors a validation set."""
        if self.validation_scores_ is None:
            self.validation_scores_ = []
            self.validation_loss_curve_ = []
            self.best_validation_score_ = -np.inf
        if getattr(self, "_best_params", None) is None:
            self._best_params = network.params.copy()

    def _validation_split(self, X, Y, y, sample_weight, rng):
        """Hold out ``validation_fraction`` of the data, stratified for classifiers.

        Indices are split so that the random stream matches sklearn's MLP.
        """
        n = X.shape[0]
        n_val = max(2, int(np.ceil(self.validation_fraction * n)))
        if n - n_val < 1:
            raise ValueError(
                "The validation set is too small: early_stopping needs a validation "
                "set of at least 2 samples and a training set of at least 1: got "
                f"{n} sample(s). Use more samples, pass X_val and y_val, or set "
                "early_stopping=False."
            )
        stratify = Y.astype(bool) if self._stratify_validation() else None
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
        validation = _Validation(
            X[val], y[val], Y[val].astype(X.dtype, copy=False), sw[1]
        )
        return (X[train], Y[train], sw[0]), validation

    def _stops_on_validation(self, validation):
        return self.early_stopping and validation is not None

    def _update_no_improvement_count(self, network, validation):
        if validation is not None:
            score = self._record_validation(network, validation)
        if self._stops_on_validation(validation):
            improved = score >= self.best_validation_score_ + self.tol
        else:
            best = np.inf if self.best_loss_ is None else self.best_loss_
            improved = self.loss_curve_[-1] <= best - self.tol
            self.best_loss_ = min(best, self.loss_curve_[-1])
        self._no_improvement_count = 0 if improved else self._no_improvement_count + 1
        if validation is not None and score > self.best_validation_score_:
            self.best_validation_score_ = score
            self.best_iteration_ = len(self.validation_scores_)
            self._best_params[...] = network.params

    def _record_validation(self, network, validation):
        """Score and loss on the validation set, appended to their curves."""
        P = network.predict(validation.X)
        if np.isfinite(P).all():
            val_loss = network.mean_loss(validation.Y, P, validation.sample_weight)
            score = self._validation_score(P, validation, val_loss)
        else:
            val_loss = score = np.nan
        self.validation_loss_curve_.append(float(val_loss))
        self.validation_scores_.append(score)
        if self.verbose == 1:
            print(f"Validation score: {score:f}")
        return score

    def _validation_score(self, P, validation, val_loss):
        if self.scoring is None:
            return self._score_output(P, validation.y, validation.sample_weight)
        if self.scoring == "loss":
            return -val_loss
        kwargs = {}
        if validation.sample_weight is not None:
            kwargs["sample_weight"] = validation.sample_weight
        scorer = check_scoring(self, scoring=self.scoring)
        return float(scorer(self, validation.X, validation.y, **kwargs))


def _can_stratify(Y, n_val):
    """Whether a stratified split of binarized targets Y is possible."""
    counts = np.unique(Y, axis=0, return_counts=True)[1]
    return counts.min() >= 2 and len(Y) - n_val >= len(counts) <= n_val
