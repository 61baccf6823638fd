"""BackpropRegressor: a drop-in replacement for sklearn's MLPRegressor."""

from numbers import Real

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if

from ._base import BaseBackprop
from ._validation import as_finite_targets
from ._sklearn_compat import Interval, StrOptions, _fit_context, with_callbacks


class BackpropRegressor(RegressorMixin, BaseBackprop):
    """Multi-layer perceptron regressor trained by backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`:
    the same parameters with the same names, defaults and meaning, the same
    fitted attributes, on skbackprop's own numpy engine. Single- and
    multi-output targets; dense or sparse (CSR/CSC) input; float32 input
    trains and predicts in float32, or choose with ``dtype``.

    Parameters
    ----------
    hidden_layer_sizes : int or array-like of int, default=(100,)
        The ith element is the number of units of the ith hidden layer.
        An empty tuple gives a network without hidden layer.

    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu', 'elu', \
            'gelu', 'silu', 'softplus'}, default='relu'
        Activation of the hidden layers. 'leaky_relu' has slope 0.01 for
        negative inputs; 'gelu' is the exact, erf-based GELU.

    solver : {'lbfgs', 'sgd', 'adam', 'adamw', 'rmsprop'}, default='adam'
        Weight optimizer: 'lbfgs' (full-batch quasi-Newton, through
        :func:`scipy.optimize.minimize`), 'sgd' (stochastic gradient descent with
        momentum), 'adam' (Kingma and Ba, 2014), 'adamw' (Adam with decoupled
        weight decay) or 'rmsprop'.

    alpha : float, default=0.0001
        Strength of the L2 penalty, divided by the (weighted) batch size, as
        in sklearn. With ``solver='adamw'`` it is instead the decoupled
        weight-decay rate: every step multiplies the weights (not the biases)
        by ``1 - learning_rate * alpha``.

    batch_size : int or 'auto', default='auto'
        Minibatch size of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``. Unused by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive', 'cosine'}, \
            default='constant'
        Learning-rate schedule: 'constant' keeps ``learning_rate_init``;
        'invscaling' uses ``learning_rate_init / (t + 1) ** power_t`` with
        ``t`` the number of samples seen; 'adaptive' divides the rate by 5
        each time ``n_iter_no_change`` epochs fail to improve by ``tol``;
        'cosine' anneals it from ``learning_rate_init`` towards 0 over
        ``max_iter`` epochs. Applies to every stochastic solver (sklearn
        applies it to 'sgd' only).

    learning_rate_init : float, default=0.001
        Initial learning rate of the stochastic solvers.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or of iterations
        ('lbfgs').

    shuffle : bool, default=True
        Whether to reshuffle the samples before each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the shuffling and the validation
        split. An int gives the same initial weights as sklearn's MLP.

    tol : float, default=1e-4
        Improvement below which an epoch counts as no improvement.

    verbose : bool or int, default=False
        Print the progress to stdout: sklearn's lines at 1 (or True), a
        compact per-epoch table (epoch, losses, score, learning rate, time)
        at 2 and above. With scikit-learn >= 1.9 the estimator also supports
        ``set_callbacks`` (e.g. ``sklearn.callback.ProgressBar``), with one
        callback task per epoch ('lbfgs': per iteration).

    warm_start : bool, default=False
        Start from the previous solution when ``fit`` is called again.

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'sgd' uses Nesterov's momentum.

    early_stopping : bool, default=False
        Stop when the validation score stops improving by ``tol`` for
        ``n_iter_no_change`` epochs. The validation set is ``X_val``/``y_val``
        when given to ``fit``, otherwise ``validation_fraction`` of the
        training data. The best weights are restored at the end.

    validation_fraction : float, default=0.1
        Share of the training data held out for early stopping.

    beta_1 : float, default=0.9
        Decay of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Epochs without improvement by ``tol`` before stopping.

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.

    loss : {'squared_error', 'poisson', 'absolute_error', 'huber', 'quantile'}, \
            default='squared_error'
        Loss minimised: half the squared error (identity output), half the
        Poisson deviance (exponential output; y must be non-negative), the
        absolute error, the Huber loss (quadratic within ``huber_delta`` of the
        target, linear beyond) or the pinball loss of ``quantile``.

    dropout : float, default=0.0
        Inverted-dropout rate in [0, 1) applied after every hidden layer
        during training only; masks come from ``random_state``. Prediction is
        deterministic. 'lbfgs' needs a deterministic objective and trains
        without dropout.

    rho : float, default=0.9
        Decay of the running average of squared gradients of 'rmsprop'.

    warmup_iter : int, default=0
        Epochs of linear learning-rate warm-up in front of the schedule.

    max_grad_norm : float, default=None
        When set, each minibatch gradient whose global L2 norm exceeds it is
        rescaled to that norm (stochastic solvers).

    scoring : str, callable or None, default=None
        What a validation set monitors: None is the R2 score (as sklearn's
        MLP); 'loss' is the validation loss (its negative is recorded, so
        that higher is better); any other value is an sklearn scorer name or
        a callable ``scorer(estimator, X, y)``.

    huber_delta : float, default=1.0
        Residual size at which the Huber loss turns from quadratic to linear.

    quantile : float, default=0.5
        The quantile, in (0, 1), that ``loss='quantile'`` estimates.

    dtype : {'float32', 'float64'} or None, default=None
        Floating-point type of the weights and of every computation in fit
        and predict. None follows the input as sklearn's MLP does: float32 X
        trains in float32, anything else in float64. 'float32' trains a
        float64 X in single precision (about twice as fast, half the memory
        per batch; X is converted once per call), 'float64' the reverse.
        Predictions come out in this dtype.

    Attributes
    ----------
    loss_ : float
        Loss at the end of the fit (last epoch or last 'lbfgs' iterate).

    best_loss_ : float or None
        Lowest training loss reached; None when early stopping is on.

    loss_curve_ : list of float
        Training loss after each epoch (stochastic solvers) or iteration
        ('lbfgs').

    validation_scores_ : list of float or None
        Validation score (see ``scoring``) after each epoch, when a validation
        set is used (early stopping, or ``X_val`` given).

    validation_loss_curve_ : list of float or None
        Validation loss (without penalty) after each epoch, when a validation
        set is used.

    best_validation_score_ : float or None
        Best validation score, when a validation set is used.

    best_iteration_ : int or None
        Position (1-based) in ``validation_scores_`` of the epoch whose weights
        were restored, when a validation set is used.

    history_ : list of dict
        One record per epoch ('lbfgs': per iteration), in step with
        ``loss_curve_`` across warm starts and ``partial_fit``: ``epoch``,
        ``loss``, ``val_loss`` and ``val_score`` (NaN without a validation
        set), ``learning_rate`` (the rate used in that epoch), ``grad_norm``
        (mean global gradient norm over its batches, before clipping) and
        ``seconds``. ``pandas.DataFrame(est.history_)`` makes it a table.

    t_ : int
        Number of training samples seen by the stochastic solvers.

    coefs_ : list of ndarray of shape (n_units_in, n_units_out)
        Weight matrix of each layer.

    intercepts_ : list of ndarray of shape (n_units_out,)
        Bias vector of each layer.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Feature names seen during fit, when X has string column names.

    n_iter_ : int
        Number of epochs or iterations run by the last fit.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs.

    out_activation_ : str
        Output activation: 'identity' (squared error) or 'exp' (Poisson).

    See Also
    --------
    BackpropClassifier : The classifier on the same engine.
    sklearn.neural_network.MLPRegressor : The estimator this one replaces.

    Notes
    -----
    Where sklearn's MLP is silent or wrong, this estimator is explicit:

    - ``partial_fit`` is unavailable with ``solver='lbfgs'`` (sklearn's
      regressor offers it and then fails);
    - ``loss='poisson'`` with a negative target raises a ValueError;
    - string targets raise a ValueError that points to the classifier;
    - float or nested ``hidden_layer_sizes`` raise a ValueError naming the
      parameter;
    - a diverging fit restores the last finite weights and warns instead of
      raising, and a fit whose loss never drops below its value at the
      initial weights warns that the learning rate is probably too large;
    - with several outputs, the squared-error loss is summed over the outputs
      (sklearn reports their mean but follows the gradient of the sum), so
      ``loss_`` is the quantity the solver actually minimises.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skbackprop import BackpropRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1.0,
    ...                        random_state=0)
    >>> reg = BackpropRegressor(hidden_layer_sizes=(32,), solver="lbfgs",
    ...                         max_iter=500, random_state=0).fit(X, y)
    >>> round(reg.score(X, y), 2) >= 0.95
    True
    """

    _parameter_constraints: dict = {
        **BaseBackprop._parameter_constraints,
        "loss": [
            StrOptions({"squared_error", "poisson", "absolute_error", "huber", "quantile"})
        ],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
        "quantile": [Interval(Real, 0, 1, closed="neither")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        loss="squared_error",
        dropout=0.0,
        rho=0.9,
        warmup_iter=0,
        max_grad_norm=None,
        scoring=None,
        huber_delta=1.0,
        quantile=0.5,
        dtype=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            rho=rho,
            warmup_iter=warmup_iter,
            max_grad_norm=max_grad_norm,
            scoring=scoring,
            dtype=dtype,
        )
        self.loss = loss
        self.huber_delta = huber_delta
        self.quantile = quantile

    # ------------------------------------------------------------- targets
    def _loss_name(self):
        return self.loss

    def _stratify_validation(self):
        return False

    def _loss_params(self):
        return {"delta": self.huber_delta, "quantile": self.quantile}

    def _encode_validation_targets(self, y):
        return as_finite_targets(y, float, "y_val").reshape(len(y), -1)

    def _validate_Xy(self, X, y, reset):
        y_array = np.asarray(y) if not hasattr(y, "dtype") else y
        if getattr(y_array, "dtype", None) is not None and y_array.dtype.kind in "OUSb":
            try:
                np.asarray(y_array, dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    "BackpropRegressor needs numeric targets y, but y holds "
                    f"non-numeric values such as {np.ravel(y_array)[:3].tolist()}. "
                    "For class labels use BackpropClassifier."
                ) from None
        X, y = super()._validate_Xy(X, y, reset)
        return X, as_finite_targets(y, X.dtype)

    def _encode_targets(self, y, *, incremental, first_pass):
        if self.loss == "poisson" and (y < 0).any():
            raise ValueError(
                f"loss='poisson' needs non-negative targets; y has minimum "
                f"{y.min()}. Use loss='squared_error' or shift the targets."
            )
        return y.reshape(len(y), -1)

    def _score_output(self, output, y, sample_weight):
        return r2_score(y, self._values(output), sample_weight=sample_weight)

    def _values(self, output):
        return output.ravel() if self.n_outputs_ == 1 else output

    # ----------------------------------------------------------------- API
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None,
            sample_weight_val=None):
        """Fit the network to data matrix X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; every batch loss is their weighted
            mean.

        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
                default=None
            A validation set, used instead of ``validation_fraction``: its
            score and loss are recorded after every epoch, early stopping (when
            on) monitors it, and the best weights are restored. In a Pipeline,
            route it with ``set_fit_request(X_val=True, y_val=True)`` and
            ``Pipeline(..., transform_input=["X_val"])``.

        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Targets of ``X_val``.

        sample_weight_val : array-like of shape (n_val,), default=None
            Sample weights of the validation set.

        Returns
        -------
        self : BackpropRegressor
            The fitted estimator.
        """
        validation = None
        if X_val is not None or y_val is not None:
            validation = (X_val, y_val, sample_weight_val)
        return self._fit(X, y, sample_weight, incremental=False, validation=validation)

    @available_if(lambda est: est._check_partial_fit_solver())
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the network with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : BackpropRegressor
            The updated estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

    def predict(self, X):
        """Predict target values.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted values.
        """
        return self._values(self._forward(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.positive_only = self.loss == "poisson"
        return tags
