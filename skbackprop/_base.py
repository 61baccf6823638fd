"""BaseBackprop: what the classifier and the regressor share.

The estimators validate once at the boundary and adapt the engine
(``skbackprop._engine``, numpy and scipy only) to scikit-learn: parameter
validation, warm starts, partial_fit and tags live here, the validation set
and early stopping in ``_monitoring``; the backpropagation itself lives in
the engine.
"""

import inspect
import warnings
from abc import ABCMeta, abstractmethod
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.metrics import get_scorer_names
from sklearn.utils import check_random_state

from ._engine import (
    ACTIVATIONS,
    DEFAULT_INITIALIZER,
    INITIALIZERS,
    NUMERIC_EMBEDDINGS,
    OPTIMIZERS,
    SCHEDULES,
    Monitor,
    Network,
    Stop,
    Trainer,
    TrainingState,
    fit_lbfgs,
    init_front,
    make_schedule,
    predict,
    scale_to_unit_variance,
)
from ._inputs import TABULAR_RECIPE, Layout, TableEncoder, make_front
from ._monitoring import (
    Validation,
    validation_scorer,
    validation_split,
    warn_about_outcome,
)
from ._persistence import file_state, loaded_state, published_attributes
from ._progress import EpochReporter
from ._sklearn_compat import (
    CallbackSupportMixin,
    Interval,
    Options,
    StrOptions,
)
from ._threads import limit_blas_threads
from ._validation import (
    as_model_dtype,
    check_finite_output,
    checked_sample_weight,
    validate_X,
    validate_Xy,
    warn_if_saturating,
)

STOCHASTIC_SOLVERS = set(OPTIMIZERS)
_DATA_INIT_ROWS = 1000  # rows that data_init measures the pre-activations on


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


@dataclass
class _TrainingData:
    """The validated training data: inputs, labels, encoded targets, weights."""

    X: object
    y: np.ndarray
    Y: np.ndarray
    sample_weight: np.ndarray = None


class BaseBackprop(CallbackSupportMixin, BaseEstimator, metaclass=ABCMeta):
    """Shared hyperparameters and the fit of both estimators.

    A subclass provides one thing: ``_target_encoder``, the object that owns
    what it does with ``y`` (``skbackprop._targets``).
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
        "categorical_features": [StrOptions({"from_dtype"}), "array-like", None],
        "missing_values": [StrOptions({"error", "impute"})],
        "feature_scaling": [StrOptions({"robust_smooth_clip"}), None],
        "numeric_embedding": [StrOptions(set(NUMERIC_EMBEDDINGS)), None],
        "front_scale": ["boolean"],
        "parametric_activation": ["boolean"],
        "data_init": ["boolean"],
    }

    @classmethod
    def tabular(cls, **overrides):
        """An estimator for tables: the recipe of :ref:`tabular`, any parameter
        overridden by name.

        The recipe (see :attr:`tabular_recipe`) encodes categorical, missing
        and numeric columns itself, so it fits a raw DataFrame; every setting
        is an ordinary parameter, visible in ``get_params`` and searchable.

        Parameters
        ----------
        **overrides : dict
            Parameters replacing the recipe's.

        Returns
        -------
        estimator : BackpropClassifier or BackpropRegressor
            An unfitted estimator.
        """
        return cls(**{**cls.tabular_recipe(), **overrides})

    @classmethod
    def tabular_recipe(cls):
        """The parameters :meth:`tabular` sets, as a dict.

        Returns
        -------
        recipe : dict
            Parameter names and values.
        """
        return {**TABULAR_RECIPE, **cls._TABULAR_RECIPE}

    # ------------------------------------------------------------------ fit
    @abstractmethod
    def _target_encoder(self, fitted):
        """The target encoder of the current parameters (see ``_targets``),
        holding the encoding of the last fit when ``fitted``."""

    def _fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
        incremental=False,
        classes=None,
    ):
        """validate -> encode -> build -> train -> store -> warn."""
        fresh = not hasattr(self, "coefs_") or not (incremental or self.warm_start)
        X, y, sample_weight, inputs = self._validate_training_data(
            X, y, sample_weight, fresh, incremental
        )
        targets, y, Y = self._encode(y, X.dtype, fresh, incremental, classes)
        sample_weight = targets.weigh(sample_weight, Y, X.dtype)
        validation = self._validation_set(
            X_val, y_val, sample_weight_val, X, targets, inputs
        )
        rng = check_random_state(self.random_state)
        network = self._build(X, Y.shape[1], targets, inputs, rng, fresh)
        data, validation = self._hold_out(
            _TrainingData(X, y, Y, sample_weight), validation, targets, rng
        )
        record = self._new_record() if fresh else self._training
        try:
            result = self._train(
                network, data, validation, targets, inputs, record, rng, incremental
            )
        finally:
            self._store(network, record, targets, inputs)
        warn_about_outcome(self, result, incremental)
        return self

    def _validate_training_data(self, X, y, sample_weight, fresh, incremental):
        if self.early_stopping and incremental:
            raise ValueError(
                "partial_fit does not support early_stopping=True: set "
                "early_stopping=False or call fit."
            )
        inputs = self._new_inputs() if fresh else self._inputs
        X, y = validate_Xy(self, X, y, reset=fresh, inputs=inputs, fit_inputs=fresh)
        if not fresh:
            X = as_model_dtype(X, self.coefs_[0].dtype)
        warn_if_saturating(X)
        return X, y, checked_sample_weight(sample_weight, X), inputs

    def _new_inputs(self):
        """A :class:`TableEncoder` when the estimator encodes the table itself."""
        if (
            self.categorical_features is None
            and self.missing_values == "error"
            and self.feature_scaling is None
        ):
            return None
        return TableEncoder(
            self.categorical_features, self.missing_values, self.feature_scaling
        )

    def _encode(self, y, dtype, fresh, incremental, classes):
        """The fit's target encoder, ``y`` checked, and ``y`` encoded as the
        2-D target Y."""
        if fresh:
            targets = self._target_encoder(fitted=False)
            y = targets.prepare(y, dtype)
            targets.fit(y, classes=classes, incremental=incremental)
        else:
            targets = self._target_encoder(fitted=True)
            y = targets.prepare(y, dtype)
            targets.check_continues(y, classes=classes, incremental=incremental)
        return targets, y, targets.encode(y)

    def _validation_set(self, X_val, y_val, sample_weight_val, X, targets, inputs):
        """The user's validation set, checked like the training data, or None."""
        if X_val is None and y_val is None:
            return None
        try:
            if X_val is None or y_val is None:
                raise ValueError(
                    "X_val and y_val must be given together; got only "
                    f"{'X_val' if y_val is None else 'y_val'}."
                )
            X_val, y_val = validate_Xy(
                self, X_val, y_val, reset=False, names=("X_val", "y_val"), inputs=inputs
            )
            X_val = as_model_dtype(X_val, X.dtype, "X_val")
            return Validation(
                X_val,
                y_val,
                targets.encode_validation(y_val),
                checked_sample_weight(sample_weight_val, X_val),
            )
        except (TypeError, ValueError) as exc:
            raise type(exc)(
                f"Invalid validation set (X_val, y_val, sample_weight_val): {exc}"
            ) from exc

    def _build(self, X, n_outputs, targets, inputs, rng, fresh):
        """The engine's network, with fresh weights or the fitted ones."""
        front = self._make_front(X, inputs) if fresh else self._front
        n_in = front[-1].n_out if front else X.shape[1]
        layer_units = [n_in, *_check_hidden_layer_sizes(self.hidden_layer_sizes)]
        layer_units.append(n_outputs)
        network = Network(
            layer_units,
            self.activation,
            targets.loss,
            X.dtype,
            dropout=self.dropout,
            rng=rng,
            loss_params=targets.loss_params,
            front=front,
            parametric_activation=self.parametric_activation,
        )
        if not fresh:
            self._check_architecture(network)
            network.set_weights(
                self.coefs_,
                self.intercepts_,
                self.front_params_,
                self.activation_params_,
            )
            return network
        coefs, intercepts = self._initial_weights(layer_units, X.dtype, rng)
        network.set_weights(coefs, intercepts, init_front(front, rng, X.dtype))
        if self.data_init:
            scale_to_unit_variance(network, X[:_DATA_INIT_ROWS])
        return network

    def _make_front(self, X, inputs):
        """The front specs of the encoded input (none: sklearn's network)."""
        layout = inputs.layout_ if inputs is not None else Layout(X.shape[1], 0)
        if sp.issparse(X) and (self.numeric_embedding or self.front_scale):
            raise TypeError(
                "numeric_embedding and front_scale need dense input; convert X "
                "with X.toarray()."
            )
        return make_front(layout, self.numeric_embedding, self.front_scale, X)

    def _initial_weights(self, layer_units, dtype, rng):
        """Weights and biases drawn as sklearn's MLP draws them."""
        init = INITIALIZERS[DEFAULT_INITIALIZER.get(self.activation, "glorot_uniform")]
        weights = [
            init(fan_in, fan_out, rng, dtype)
            for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:])
        ]
        return [W for W, _ in weights], [b for _, b in weights]

    def _check_architecture(self, network):
        layer_units = network.layer_units
        fitted = [W.shape[0] for W in self.coefs_] + [self.n_outputs_]
        alphas = len(self.activation_params_) > 0
        if fitted != layer_units or alphas != self.parametric_activation:
            raise ValueError(
                "warm_start and partial_fit need the same architecture as the "
                f"previous fit: layer sizes {layer_units} differ from the fitted "
                f"{fitted}, or parametric_activation changed."
            )

    def _hold_out(self, data, validation, targets, rng):
        """Split off the early-stopping validation set, unless one is given."""
        if validation is not None or not self.early_stopping or self.solver == "lbfgs":
            return data, validation
        train, validation = validation_split(
            data.X,
            data.y,
            data.Y,
            data.sample_weight,
            fraction=self.validation_fraction,
            stratify=targets.stratify(data.Y),
            rng=rng,
        )
        return _TrainingData(*train), validation

    def _new_record(self):
        """An empty training record; sklearn's MLP has no best_loss_ when it
        stops on a validation score."""
        return TrainingState(best_loss=None if self.early_stopping else np.inf)

    def _max_epochs(self, incremental):
        """Epochs of one call: partial_fit makes one pass."""
        return 1 if incremental else self.max_iter

    def _monitor(self, network, validation, targets, events):
        validate = None
        if validation is not None:
            validate = validation_scorer(
                network, validation, targets, self.scoring, estimator=self
            )
        return Monitor(
            validate=validate,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            early_stopping=self.early_stopping and validation is not None,
            events=events,
            verbose=self.verbose,
        )

    def _train(
        self, network, data, validation, targets, inputs, record, rng, incremental
    ):
        """Run the engine's training loop; returns its :class:`TrainingResult`."""
        X, sample_weight, max_epochs = (
            data.X,
            data.sample_weight,
            self._max_epochs(incremental),
        )
        events = EpochReporter(
            self,
            X,
            data.y,
            sample_weight,
            max_epochs,
            snapshot=lambda: {
                **self._fitted_attributes(network, targets, inputs),
                "n_iter_": record.n_iter,
                "loss_curve_": list(record.loss_curve),
            },
        )
        monitor = self._monitor(network, validation, targets, events)
        Y = targets.training_targets(data.Y, X.dtype)
        with limit_blas_threads(network.layer_units, self._rows_per_step(len(Y))):
            if self.solver == "lbfgs":
                return fit_lbfgs(
                    network,
                    X,
                    Y,
                    sample_weight,
                    record,
                    monitor,
                    alpha=self.alpha,
                    max_iter=self.max_iter,
                    max_fun=self.max_fun,
                    tol=self.tol,
                )
            trainer = self._trainer(network, X, record, rng, incremental)
            result = trainer.fit(X, Y, sample_weight, record, monitor, max_epochs)
        if result.stop is Stop.DIVERGED and not np.isfinite(record.loss):
            # not even the initial weights fit the data without overflowing:
            # raise the error predict would give
            with np.errstate(over="ignore", invalid="ignore"):
                check_finite_output(network.predict(X), X)
        return result

    def _rows_per_step(self, n_samples):
        """Rows in the products of one step: the batch, or all for 'lbfgs'."""
        if self.solver == "lbfgs":
            return n_samples
        return self._batch_size(n_samples, warn=False)

    def _batch_size(self, n_samples, warn=True):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if warn and self.batch_size > n_samples:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the {n_samples} "
                f"training samples; using batches of {n_samples}.",
                UserWarning,
            )
        return int(min(self.batch_size, n_samples))

    def _trainer(self, network, X, record, rng, incremental):
        """The engine's minibatch trainer; partial_fit continues the optimizer."""
        if not incremental or record.optimizer is None:
            record.optimizer = OPTIMIZERS[self.solver](
                network.params.size, X.dtype, **self._optimizer_params(network)
            )
            record.schedule = make_schedule(
                self.learning_rate,
                self.learning_rate_init,
                power_t=self.power_t,
                n_epochs=self.max_iter,
                warmup_epochs=self.warmup_iter,
            )
        return Trainer(
            network,
            record.optimizer,
            record.schedule,
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

    def _store(self, network, record, targets, inputs):
        """The fitted attributes, set once from the network, the training
        record, the target encoder and the input encoder."""
        for name, value in self._fitted_attributes(network, targets, inputs).items():
            setattr(self, name, value)
        self._training = record
        self._publish_record()

    @staticmethod
    def _fitted_attributes(network, targets, inputs):
        """What a fitted estimator holds of a network, copied: the fitted
        attributes ``_store`` sets, and callbacks see after every epoch."""
        return {
            "coefs_": [W.copy() for W in network.coefs],
            "intercepts_": [b.copy() for b in network.intercepts],
            "front_params_": [p.copy() for p in network.front_params],
            "activation_params_": [a.copy() for a in network.activation_params],
            "n_layers_": len(network.layer_units),
            "n_outputs_": network.layer_units[-1],
            "out_activation_": network.loss.out_activation,
            "_front": network.front,
            "_inputs": inputs,
            **targets.fitted_attributes(),
        }

    def _publish_record(self):
        """The public ``_``-suffixed copies of the training record."""
        for attribute, value in published_attributes(self._training).items():
            setattr(self, attribute, value)

    # ---------------------------------------------------------- persistence
    def __getstate__(self):
        # a copy: object.__getstate__ may return the instance's own __dict__
        return file_state(dict(super().__getstate__()))

    def __setstate__(self, state):
        # a parameter added since the file was written takes its default
        state = loaded_state({**self._get_param_defaults(), **state})
        super().__setstate__(state)
        if "_training" in state:
            self._publish_record()

    @classmethod
    def _get_param_defaults(cls):
        return {
            name: p.default
            for name, p in inspect.signature(cls.__init__).parameters.items()
            if p.default is not inspect.Parameter.empty
        }

    # -------------------------------------------------------------- predict
    def _forward(self, X):
        """The network's output for X, validated here, computed by the engine."""
        X = as_model_dtype(validate_X(self, X), self.coefs_[0].dtype)
        with np.errstate(over="ignore", invalid="ignore"):  # checked just below
            P = predict(
                X,
                self.coefs_,
                self.intercepts_,
                self.activation,
                self.out_activation_,
                front=self._front,
                front_params=self.front_params_,
                activation_params=self.activation_params_,
            )
        return check_finite_output(P, X)

    def _targets(self):
        """The fitted target encoder, which decodes network outputs."""
        return self._target_encoder(fitted=True)

    def _check_partial_fit_solver(self):
        if self.solver not in STOCHASTIC_SOLVERS:
            raise AttributeError(
                f"partial_fit is only available for stochastic solvers "
                f"{sorted(STOCHASTIC_SOLVERS)}, not solver={self.solver!r}."
            )
        return True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        front = self.numeric_embedding is not None or self.front_scale
        tags.input_tags.sparse = self._new_inputs() is None and not front
        tags.input_tags.allow_nan = self.missing_values == "impute"
        tags.input_tags.categorical = self.categorical_features is not None
        return tags
