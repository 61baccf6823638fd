"""Docstring fragments both estimators share, written once so they cannot drift.

The estimators' docstrings name a fragment as ``${fragment}`` on a line of its
own; :func:`fill_docstring` substitutes it when the class is defined.
"""

from string import Template

SHARED_PARAMETERS = """\
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
        Share of the training data held out for early stopping (at least two
        samples). For classifiers the split is stratified by class: always for
        binary targets, as in sklearn, and for multiclass targets whenever
        every class has enough samples (sklearn splits those at random).

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
        What a validation set monitors: None is ${default_score} (as
        sklearn's MLP); 'loss' is the validation loss (its negative is recorded, so
        that higher is better); any other value is an sklearn scorer name or
        a callable ``scorer(estimator, X, y)``.

    dtype : {'float32', 'float64'} or None, default=None
        Floating-point type of the weights and of every computation in fit
        and predict. None follows the input as sklearn's MLP does: float32 X
        trains in float32, anything else in float64. 'float32' trains a
        float64 X in single precision (about twice as fast, half the memory
        per batch; X is converted once per call), 'float64' the reverse.
        Predictions come out in this dtype.

    categorical_features : 'from_dtype', array-like of int, str or bool, or \
            None, default=None
        Columns holding categories, encoded by the estimator itself: those of
        a DataFrame whose dtype is categorical, object, string or bool
        ('from_dtype'), or the given column indices, names or boolean mask,
        as in :class:`~sklearn.ensemble.HistGradientBoostingClassifier`. A
        column of at most 9 categories is one-hot encoded in the network,
        one of more categories gets a learned 8-dimensional embedding; a
        category unseen in fit (or missing) encodes as none of them. None
        treats every column as a number.

    missing_values : {'error', 'impute'}, default='error'
        'error' refuses NaN in numeric columns (as sklearn's MLP). 'impute'
        replaces a missing number by its column's training median and adds a
        0/1 indicator for every column that had missing values in fit.

    feature_scaling : {'robust_smooth_clip'} or None, default=None
        'robust_smooth_clip' scales the numeric columns with
        :class:`~skbackprop.preprocessing.SmoothClipScaler` (median and
        interquartile range, then :math:`z / \\sqrt{1 + (z/3)^2}`) inside the
        estimator, so a raw table needs no pipeline.

    numeric_embedding : {'periodic', 'piecewise_linear'} or None, default=None
        Embeds each numeric column before the first layer: 'periodic' is
        RealMLP's PBLD (16 learned frequencies
        :math:`\\cos(2 \\pi w x + b)`, mapped linearly to 3 numbers, the value
        kept beside them), 'piecewise_linear' Gorishniy et al.'s encoding on
        16 quantile bins of the training data.

    front_scale : bool, default=False
        Multiplies every input column (after the categorical encoding) by a
        learned scale, starting at 1.

    parametric_activation : bool, default=False
        Hidden activations :math:`z + \\alpha (f(z) - z)` with a learned
        :math:`\\alpha` per unit, starting at 1 (RealMLP).

    data_init : bool, default=False
        After the usual initialisation, rescales each hidden layer so that its
        pre-activations have unit variance on (up to 1000 rows of) the
        training data."""

SHARED_ATTRIBUTES = """\
    loss_ : float
        Loss at the end of the fit (last epoch or last 'lbfgs' iterate); after
        a divergence, the training loss of the weights that were restored.

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
        Like ``loss_curve_`` and ``t_`` it grows over ``partial_fit`` calls
        and warm starts and starts anew with a fresh fit; saved files hold it
        as one compressed table, restored as this list when loaded.

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
        Number of epochs or iterations run by the last ``fit`` or
        ``partial_fit`` call (one after a ``partial_fit``, as in sklearn).

    n_layers_ : int
        Number of layers, input and output included.

    front_params_ : list of ndarray
        Parameters of the layers in front of the first weight matrix (the
        learned scales and embeddings of ``front_scale``,
        ``numeric_embedding`` and ``categorical_features``), empty without
        them.

    activation_params_ : list of ndarray
        The learned :math:`\\alpha` of each hidden layer with
        ``parametric_activation``, empty without it.
"""

VALIDATION_SET_PARAMETERS = """\
        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
                default=None
            A validation set, used instead of ``validation_fraction``: its
            score and loss are recorded after every epoch, early stopping (when
            on) monitors it, and the best weights are restored. In a Pipeline,
            route it with ``set_fit_request(X_val=True, y_val=True)`` and
            ``Pipeline(..., transform_input=["X_val"])``.

        y_val : array-like of shape (n_val,) or (n_val, ${n_targets}), \
                default=None
            ${targets} of ``X_val``.

        sample_weight_val : array-like of shape (n_val,), default=None
            Sample weights of the validation set.
"""


def fill_docstring(**values):
    """Substitute the shared fragments (and ``values``) into a docstring."""
    fragments = {
        "shared_parameters": SHARED_PARAMETERS,
        "shared_attributes": SHARED_ATTRIBUTES,
        "validation_set_parameters": VALIDATION_SET_PARAMETERS,
    }

    def decorate(obj):
        # the placeholder line carries the indentation of the fragment's first line
        text = Template(obj.__doc__).safe_substitute(
            {name: fragment.strip() for name, fragment in fragments.items()}
        )
        obj.__doc__ = Template(text).substitute(values)
        return obj

    return decorate
