"""BaseBackprop: what the classifier and the regressor share.

The estimators validate once at the boundary and adapt the engine
(``skbackprop._engine``, numpy and scipy only) to scikit-learn: parameter
validation, warm starts, partial_fit and tags live here, the validation set
and early stopping in ``_monitoring``; the backpropagation itself lives in
the engine.
"""

import warnings
import zlib
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import get_scorer_names
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from ._engine import (
    ACTIVATIONS,
    DEFAULT_INITIALIZER,
    DIVERGENCE,
    INITIALIZERS,
    LOSSES,
    OPTIMIZERS,
    SCHEDULES,
    Monitor,
    Network,
    Trainer,
    TrainingState,
    fit_lbfgs,
    from_state,
    make_schedule,
    predict,
    to_state,
)
from ._monitoring import check_validation_set, validation_scorer, validation_split
from ._progress import EpochReporter
from ._sklearn_compat import (
    CallbackSupportMixin,
    Interval,
    Options,
    StrOptions,
    _check_sample_weight,
)
from ._threads import limit_blas_threads
from ._validation import (
    as_model_dtype,
    check_finite,
    check_finite_output,
    check_numeric,
)

STOCHASTIC_SOLVERS = set(OPTIMIZERS)

# the engine's TrainingState fields and the fitted attributes that hold them
_STATE = {
    "n_iter": "n_iter_",
    "t": "t_",
    "loss": "loss_",
    "loss_curve": "loss_curve_",
    "best_loss": "best_loss_",
    "no_improvement_count": "_no_improvement_count",
    "validation_scores": "validation_scores_",
    "validation_loss_curve": "validation_loss_curve_",
    "best_validation_score": "best_validation_score_",
    "best_iteration": "best_iteration_",
    "best_params": "_best_params",
    "history": "history_",
}


def _check_hidden_layer_sizes(hidden_layer_sizes):
    """A flat tuple of positive ints, or a clear error naming the parameter."""
    sizes = hidden_layer_sizes
    if not hasattr(sizes, "__iter__"):
        sizes = [sizes]
    sizes = list(sizes)
    if not all(
        isinstance(s, Integral) and not isinstance(s, bool) and s >= 1 for s in sizes
    ):
        raise ValueError(
            "hidden_layer_sizes must be a positive int or a flat sequence of "
            f"positive ints, one per hidden layer; got {hidden_layer_sizes!r}."
        )
    return [int(s) for s in sizes]


def _pack_history(history):
    """``history_`` as one compressed table: a file holds a node per record
    otherwise, and grows past sklearn's MLP with the number of epochs."""
    keys = list(history[0])
    table = np.array([[record[k] for k in keys] for record in history], float)
    return {
        "keys": keys,
        "ints": [isinstance(history[0][k], int) for k in keys],
        "table": zlib.compress(table.T.tobytes()),  # a column at a time
    }


def _unpack_history(packed):
    """The list of records that :func:`_pack_history` packed."""
    keys = packed["keys"]
    table = np.frombuffer(zlib.decompress(packed["table"])).reshape(len(keys), -1)
    columns = [
        col.astype(int).tolist() if is_int else col.tolist()
        for col, is_int in zip(table, packed["ints"])
    ]
    return [dict(zip(keys, row)) for row in zip(*columns)]


def _never_improved(curve, first_loss):
    """No epoch beat the loss at the initial weights: the first batch's, which
    for one-batch data is the whole first epoch, so later epochs are compared."""
    return min(curve) > first_loss or min(curve[1:], default=-np.inf) >= first_loss


class BaseBackprop(CallbackSupportMixin, BaseEstimator):
    """Shared hyperparameters and the fit loop of both estimators.

    Subclasses provide ``_encode_targets`` (y to the 2-D target ``Y``),
    ``_loss_name`` (a key of the engine's ``LOSSES``) and ``_score_output``
    (the default validation score of a network output).
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "solver": [StrOptions(STOCHASTIC_SOLVERS | {"lbfgs"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "learning_rate": [StrOptions(set(SCHEDULES))],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "rho": [Interval(Real, 0, 1, closed="left")],
        "warmup_iter": [Interval(Integral, 0, None, closed="left")],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "scoring": [StrOptions(set(get_scorer_names()) | {"loss"}), callable, None],
        "dtype": [StrOptions({"float32", "float64"}), None],
    }

    # ------------------------------------------------------------------ fit
    def _fit(self, X, y, sample_weight=None, incremental=False, validation=None):
        """Validate, build the engine's objects, train, and read back the state."""
        hidden = _check_hidden_layer_sizes(self.hidden_layer_sizes)
        first_pass = not hasattr(self, "coefs_") or (
            not self.warm_start and not incremental
        )
        X, y = self._validate_Xy(X, y, reset=first_pass)
        if not first_pass:
            X = as_model_dtype(X, self.coefs_[0].dtype)
        Y = self._encode_targets(y, incremental=incremental, first_pass=first_pass)
        sample_weight = self._sample_weight(sample_weight, X, Y, incremental)
        rng = check_random_state(self.random_state)
        layer_units = [X.shape[1], *hidden, Y.shape[1]]
        if first_pass:
            self._initialize(layer_units, X.dtype, rng)
        self._check_architecture(layer_units)
        if validation is not None:
            validation = self._checked_validation_set(validation, X.dtype)
        if self.early_stopping and incremental:
            raise ValueError(
                "partial_fit does not support early_stopping=True: set "
                "early_stopping=False or call fit."
            )
        if validation is None and self.early_stopping and self.solver != "lbfgs":
            (X, Y, sample_weight), validation = validation_split(
                self, X, Y, y, sample_weight, rng
            )
        network = self._network(layer_units, X.dtype, rng)
        state = TrainingState(**{f: getattr(self, a) for f, a in _STATE.items()})
        max_epochs = 1 if incremental else self.max_iter
        reporter = EpochReporter(self, X, y, sample_weight, max_epochs, network, state)
        monitor = Monitor(
            validate=None
            if validation is None
            else validation_scorer(self, network, validation),
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            early_stopping=self.early_stopping and validation is not None,
            events=reporter,
            verbose=self.verbose,
        )
        Y = self._training_targets(Y, X.dtype)
        try:
            with limit_blas_threads(layer_units, self._rows_per_step(X.shape[0])):
                outcome = self._train(
                    network, X, Y, sample_weight, state, monitor, rng, incremental
                )
            reporter.close()
        finally:
            self._store_training_state(state)
            self.coefs_ = [W.copy() for W in network.coefs]
            self.intercepts_ = [b.copy() for b in network.intercepts]
        self._check_outcome(*outcome, incremental=incremental)
        return self

    def _train(self, network, X, Y, sample_weight, state, monitor, rng, incremental):
        """Run the engine's training loop; returns what ``_check_outcome`` judges."""
        if self.solver == "lbfgs":
            status, result = fit_lbfgs(
                network,
                X,
                Y,
                sample_weight,
                state,
                monitor,
                alpha=self.alpha,
                max_iter=self.max_iter,
                max_fun=self.max_fun,
                tol=self.tol,
            )
            first_loss = state.loss if state.n_iter == 0 else None
            return status, first_loss, (), result
        curve_start = len(state.loss_curve)
        trainer = self._trainer(network, X, rng, incremental)
        status = trainer.fit(
            X, Y, sample_weight, state, monitor, 1 if incremental else self.max_iter
        )
        if status == "diverged" and not np.isfinite(state.loss):
            # not even the initial weights fit the data without overflowing:
            # raise the error predict would give
            with np.errstate(over="ignore", invalid="ignore"):
                check_finite_output(network.predict(X), X)
        return status, trainer.first_loss, state.loss_curve[curve_start:], None

    def _network(self, layer_units, dtype, rng):
        network = Network(
            layer_units,
            self.activation,
            self._loss_name(),
            dtype,
            dropout=self.dropout,
            rng=rng,
            loss_params=self._loss_params(),
        )
        network.set_weights(self.coefs_, self.intercepts_)
        return network

    def _check_architecture(self, layer_units):
        fitted = [W.shape[0] for W in self.coefs_] + [self.n_outputs_]
        if fitted != layer_units:
            raise ValueError(
                "warm_start and partial_fit need the same architecture as the "
                f"previous fit: layer sizes {layer_units} differ from the fitted "
                f"{fitted}."
            )

    def _checked_validation_set(self, validation, dtype):
        try:
            return check_validation_set(self, *validation, dtype)
        except (TypeError, ValueError) as exc:
            raise type(exc)(
                f"Invalid validation set (X_val, y_val, sample_weight_val): {exc}"
            ) from exc

    def _rows_per_step(self, n_samples):
        """Rows in the products of one step: the batch, or all for 'lbfgs'."""
        if self.solver == "lbfgs":
            return n_samples
        return min(200 if self.batch_size == "auto" else self.batch_size, n_samples)

    def _validate_Xy(self, X, y, reset):
        check_numeric(X, "X")
        check_finite(y, "y")
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=self._input_dtype(),
            y_numeric=False,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    def _input_dtype(self):
        """What ``validate_data`` converts X to: the ``dtype`` parameter, or
        float32 kept and anything else made float64, as sklearn's MLP does."""
        return (np.float64, np.float32) if self.dtype is None else self.dtype

    def _sample_weight(self, sample_weight, X, Y, incremental, class_weight=True):
        """Validated non-negative weights in X's dtype, or None."""
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
                "sample_weight sums to zero: at least one sample needs a positive "
                "weight."
            )
        return sample_weight

    def _loss_params(self):
        return {}

    def _encode_validation_targets(self, y):
        return self._encode_targets(y, incremental=True, first_pass=False)

    def _training_targets(self, Y, dtype):
        """The targets the loss is fitted to (the classifier smooths labels)."""
        return Y.astype(dtype, copy=False)

    def _initialize(self, layer_units, dtype, rng):
        """Fresh weights from sklearn's initialiser, and an empty training record."""
        self.n_layers_ = len(layer_units)
        self.n_outputs_ = layer_units[-1]
        self.out_activation_ = LOSSES[self._loss_name()].out_activation
        init = INITIALIZERS[DEFAULT_INITIALIZER.get(self.activation, "glorot_uniform")]
        weights = [
            init(fan_in, fan_out, rng, dtype)
            for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:])
        ]
        self.coefs_ = [W for W, _ in weights]
        self.intercepts_ = [b for _, b in weights]
        # sklearn's MLP has no best_loss_ when it stops on a validation score
        self._store_training_state(
            TrainingState(best_loss=None if self.early_stopping else np.inf)
        )
        for name in ("_optimizer", "_schedule"):
            self.__dict__.pop(name, None)

    def _store_training_state(self, state):
        """The engine's training record as the fitted attributes."""
        for field, attribute in _STATE.items():
            setattr(self, attribute, getattr(state, field))

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the {n_samples} "
                f"training samples; using batches of {n_samples}.",
                UserWarning,
            )
        return int(min(self.batch_size, n_samples))

    def _trainer(self, network, X, rng, incremental):
        """The engine's minibatch trainer; partial_fit continues the optimizer."""
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = OPTIMIZERS[self.solver](
                network.params.size, X.dtype, **self._optimizer_params(network)
            )
            self._schedule = make_schedule(
                self.learning_rate,
                self.learning_rate_init,
                power_t=self.power_t,
                n_epochs=self.max_iter,
                warmup_epochs=self.warmup_iter,
            )
        return Trainer(
            network,
            self._optimizer,
            self._schedule,
            # adamw decays the weights itself: no L2 term in its gradient
            alpha=0.0 if self.solver == "adamw" else self.alpha,
            batch_size=self._batch_size(X.shape[0]),
            shuffle=self.shuffle,
            rng=rng,
            max_grad_norm=self.max_grad_norm,
        )

    def _optimizer_params(self, network):
        return {
            "sgd": dict(momentum=self.momentum, nesterov=self.nesterovs_momentum),
            "adam": dict(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon),
            "adamw": dict(
                beta_1=self.beta_1,
                beta_2=self.beta_2,
                epsilon=self.epsilon,
                weight_decay=self.alpha,
                n_decay=network.n_coef,
            ),
            "rmsprop": dict(rho=self.rho, epsilon=self.epsilon),
        }[self.solver]

    def _check_outcome(self, status, first_loss, curve, result, incremental):
        """Warn about how training ended, as sklearn's MLP does, and about divergence.

        Divergence from finite initial weights is the learning rate's doing:
        the best sane weights are kept, with a warning. A loss that is not
        finite at the weights training started from is the data's: nothing
        can be learned from it, and the fit raises (as sklearn's MLP does).
        """
        if (
            status == "diverged"
            and first_loss is not None
            and not np.isfinite(first_loss)
        ):
            raise ValueError(
                "Solver produced non-finite parameter weights. The input data may "
                "contain large values and need to be preprocessed: the loss is "
                f"already {first_loss} at the weights training started from. Scale "
                "the features (e.g. StandardScaler) and, for regression, the targets."
            )
        if status == "diverged":
            warnings.warn(
                "Training diverged: the loss became non-finite or grew more than "
                f"{DIVERGENCE:.0e} times its best value, so training stopped and the "
                f"best weights seen were restored (training loss {self.loss_:.4g}). "
                f"Try a smaller learning_rate_init (now {self.learning_rate_init}), "
                "max_grad_norm, a larger alpha, or scaled features and targets "
                "(e.g. StandardScaler).",
                ConvergenceWarning,
            )
        elif status == "interrupted":
            warnings.warn(
                "Training interrupted by user: keeping the weights of the last "
                "complete epoch.",
                UserWarning,
            )
        elif not incremental and curve and _never_improved(curve, first_loss):
            warnings.warn(
                f"Training never brought the loss below its value at the initial "
                f"weights ({first_loss:.4g}; best epoch {min(curve):.4g}): "
                f"learning_rate_init={self.learning_rate_init} is probably too "
                "large. Try a smaller one, or max_grad_norm.",
                ConvergenceWarning,
            )
        elif status == "max_iter" and not incremental:
            warnings.warn(self._max_iter_message(result), ConvergenceWarning)

    def _max_iter_message(self, result):
        if result is None:
            return (
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached "
                "and the optimization hasn't converged yet."
            )
        return (
            f"lbfgs failed to converge after {self.n_iter_} iteration(s) "
            f"(status={result.status}): {result.message}. Increase max_iter "
            f"(now {self.max_iter}) or max_fun (now {self.max_fun}), or scale "
            "the data, e.g. with StandardScaler."
        )

    # ---------------------------------------------------------- persistence
    def __getstate__(self):
        # the optimizer and the schedule are stored as plain dicts of arrays and
        # numbers, so that skops loads a fitted estimator trusting no engine class;
        # a copy, since object.__getstate__ may return the instance's own __dict__
        state = dict(super().__getstate__())
        if "_optimizer" in state:
            state["_optimizer"] = to_state(state["_optimizer"])
        if "_schedule" in state:
            state["_schedule"] = to_state(state["_schedule"])
        if state.get("history_"):
            state["history_"] = _pack_history(state["history_"])
        return state

    def __setstate__(self, state):
        state = dict(state)
        if isinstance(state.get("_optimizer"), dict):
            state["_optimizer"] = from_state(state["_optimizer"])
        if isinstance(state.get("_schedule"), dict):
            state["_schedule"] = from_state(state["_schedule"])
        if isinstance(state.get("history_"), dict):  # older files hold the list
            state["history_"] = _unpack_history(state["history_"])
        super().__setstate__(state)

    # -------------------------------------------------------------- predict
    def _forward(self, X):
        """The network's output for X, validated here, computed by the engine."""
        X = as_model_dtype(self._validate_X(X), self.coefs_[0].dtype)
        with np.errstate(over="ignore", invalid="ignore"):  # checked just below
            P = predict(
                X, self.coefs_, self.intercepts_, self.activation, self.out_activation_
            )
        return check_finite_output(P, X)

    def _validate_X(self, X):
        """X checked as ``validate_data`` checks it.

        A dense float array of an estimator fitted without feature names
        needs only its shape checked (``check_numeric`` refused NaN and inf):
        skipping ``validate_data`` there makes one-row prediction several
        times cheaper, which is what online serving calls.
        """
        if "coefs_" not in vars(self):
            check_is_fitted(self)
        check_numeric(X, "X")
        if not (
            isinstance(X, np.ndarray)
            and X.dtype.kind == "f"
            and X.ndim == 2
            and len(X)
            and not hasattr(self, "feature_names_in_")
        ):
            return validate_data(
                self,
                X,
                accept_sparse=["csr", "csc"],
                dtype=(np.float64, np.float32),
                ensure_all_finite=False,  # check_numeric did
                reset=False,
            )
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input."
            )
        return X

    def _check_partial_fit_solver(self):
        if self.solver not in STOCHASTIC_SOLVERS:
            raise AttributeError(
                f"partial_fit is only available for stochastic solvers "
                f"{sorted(STOCHASTIC_SOLVERS)}, not solver={self.solver!r}."
            )
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
