"""BackpropRegressor: a drop-in replacement for sklearn's MLPRegressor."""

from numbers import Real

from sklearn.base import RegressorMixin
from sklearn.utils.metaestimators import available_if

from ._base import BaseBackprop
from ._docstrings import fill_docstring
from ._sklearn_compat import Interval, StrOptions, _fit_context, with_callbacks
from ._targets import ValueTargets


@fill_docstring(default_score="the R2 score")
class BackpropRegressor(RegressorMixin, BaseBackprop):
    """Multi-layer perceptron regressor trained by backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`:
    the same parameters with the same names, defaults and meaning, the same
    fitted attributes, on skbackprop's own numpy engine. Single- and
    multi-output targets; dense or sparse (CSR/CSC) input; float32 input
    trains and predicts in float32, or choose with ``dtype``.

    Parameters
    ----------
    loss : {'squared_error', 'poisson', 'absolute_error', 'huber', 'quantile'}, \
            default='squared_error'
        Loss minimised: half the squared error (identity output), half the
        Poisson deviance (exponential output; y must be non-negative), the
        absolute error, the Huber loss (quadratic within ``huber_delta`` of the
        target, linear beyond) or the pinball loss of ``quantile``.

    ${shared_parameters}

    huber_delta : float, default=1.0
        Residual size at which the Huber loss turns from quadratic to linear.

    quantile : float, default=0.5
        The quantile, in (0, 1), that ``loss='quantile'`` estimates.

    target_scaling : {'standard'} or None, default=None
        'standard' fits the network to the targets standardised by their
        training mean and standard deviation (per output) and maps its
        outputs back: the losses recorded (``loss_curve_``...) are then in
        standardised units. Not with ``loss='poisson'``.

    clip_predictions : bool, default=False
        Clip predictions into the range of the training targets (RealMLP).

    Attributes
    ----------
    ${shared_attributes}

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
    - a diverging fit (the loss grows a thousandfold or becomes non-finite)
      stops, restores the best sane weights and warns, and a fit whose loss
      never drops below its value at the initial weights warns that the
      learning rate is probably too large;
    - with several outputs, the squared-error loss is summed over the outputs
      (sklearn reports their mean but follows the gradient of the sum), so
      ``loss_`` is the quantity the solver actually minimises.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skbackprop import BackpropRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1.0,
    ...                        random_state=0)
    >>> reg = BackpropRegressor(hidden_layer_sizes=(16,), solver="lbfgs",
    ...                         max_iter=2000, random_state=0).fit(X, y)
    >>> round(reg.score(X, y), 2) >= 0.95
    True
    """

    _parameter_constraints: dict = {
        **BaseBackprop._parameter_constraints,
        "loss": [
            StrOptions(
                {"squared_error", "poisson", "absolute_error", "huber", "quantile"}
            )
        ],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
        "quantile": [Interval(Real, 0, 1, closed="neither")],
        "target_scaling": [StrOptions({"standard"}), None],
        "clip_predictions": ["boolean"],
    }

    _TABULAR_RECIPE = dict(
        activation="mish", target_scaling="standard", clip_predictions=True
    )

    def __init__(
        self,
        loss="squared_error",
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
        dropout=0.0,
        rho=0.9,
        warmup_iter=0,
        max_grad_norm=None,
        scoring=None,
        dtype=None,
        categorical_features=None,
        missing_values="error",
        feature_scaling=None,
        numeric_embedding=None,
        front_scale=False,
        parametric_activation=False,
        data_init=False,
        huber_delta=1.0,
        quantile=0.5,
        target_scaling=None,
        clip_predictions=False,
    ):
        self.loss, self.hidden_layer_sizes = loss, hidden_layer_sizes
        self.activation, self.solver, self.alpha = activation, solver, alpha
        self.batch_size, self.learning_rate = batch_size, learning_rate
        self.learning_rate_init, self.power_t = learning_rate_init, power_t
        self.max_iter, self.shuffle, self.random_state = max_iter, shuffle, random_state
        self.tol, self.verbose, self.warm_start = tol, verbose, warm_start
        self.momentum, self.nesterovs_momentum = momentum, nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction, self.beta_1 = validation_fraction, beta_1
        self.beta_2, self.epsilon = beta_2, epsilon
        self.n_iter_no_change, self.max_fun = n_iter_no_change, max_fun
        self.dropout, self.rho, self.warmup_iter = dropout, rho, warmup_iter
        self.max_grad_norm, self.scoring, self.dtype = max_grad_norm, scoring, dtype
        self.huber_delta, self.quantile = huber_delta, quantile
        self.categorical_features = categorical_features
        self.missing_values, self.feature_scaling = missing_values, feature_scaling
        self.numeric_embedding, self.front_scale = numeric_embedding, front_scale
        self.parametric_activation, self.data_init = parametric_activation, data_init
        self.target_scaling, self.clip_predictions = target_scaling, clip_predictions

    def _target_encoder(self, fitted):
        return ValueTargets(
            self.loss,
            self.huber_delta,
            self.quantile,
            scaling=self.target_scaling,
            clip=self.clip_predictions,
            # files saved before target scaling existed hold no statistics
            stats=getattr(self, "_target_stats", None) if fitted else None,
        )

    # ----------------------------------------------------------------- API
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    @fill_docstring(n_targets="n_outputs", targets="Targets")
    def fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
    ):
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

        ${validation_set_parameters}

        Returns
        -------
        self : BackpropRegressor
            The fitted estimator.
        """
        return self._fit(
            X,
            y,
            sample_weight,
            X_val=X_val,
            y_val=y_val,
            sample_weight_val=sample_weight_val,
        )

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
        return self._fit(X, y, sample_weight, incremental=True)

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
        P = self._forward(X)  # checks that the estimator is fitted first
        return self._targets().decode(P)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.positive_only = self.loss == "poisson"
        return tags
