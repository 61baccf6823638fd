"""BackpropClassifier: a drop-in replacement for sklearn's MLPClassifier."""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.metaestimators import available_if

from ._base import BaseBackprop
from ._docstrings import fill_docstring
from ._sklearn_compat import Interval, StrOptions, _fit_context, with_callbacks
from ._targets import ClassTargets


@fill_docstring(default_score="the accuracy")
class BackpropClassifier(ClassifierMixin, BaseBackprop):
    """Multi-layer perceptron classifier trained by backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`:
    the same parameters with the same names, defaults and meaning, the same
    fitted attributes, on skbackprop's own numpy engine. Binary, multiclass
    and multilabel targets; dense or sparse (CSR/CSC) input; float32 input
    trains and predicts in float32, or choose with ``dtype``.

    Parameters
    ----------
    ${shared_parameters}

    label_smoothing : float, default=0.0
        Fits the loss to targets ``(1 - label_smoothing) * Y +
        label_smoothing / K`` with ``K`` the number of classes (2 per label
        for binary and multilabel targets).

    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes in the loss, multiplied with ``sample_weight``
        as in sklearn's linear models. 'balanced' gives class k the weight
        ``S / (K * S_k)``, with ``S_k`` the total sample weight of class k
        (``n_samples / (n_classes * np.bincount(y))`` without sample weights);
        for multilabel targets each label is balanced as a binary problem and
        a sample's weights multiply. 'balanced' is not available in
        ``partial_fit``, whose stream's class frequencies are unknown.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    ${shared_attributes}

    n_outputs_ : int
        Number of output units.

    out_activation_ : str
        Output activation: 'softmax' (multiclass) or 'logistic' (binary and
        multilabel).

    See Also
    --------
    BackpropRegressor : The regressor on the same engine.
    sklearn.neural_network.MLPClassifier : The estimator this one replaces.

    Notes
    -----
    Where sklearn's MLP is silent or wrong, this estimator is explicit:

    - ``y`` with a single class raises a ValueError instead of fitting a
      constant model;
    - float or nested ``hidden_layer_sizes`` raise a ValueError naming the
      parameter;
    - a learning rate so large that training diverges (the loss grows a
      thousandfold or becomes non-finite) stops training, restores the best
      sane weights and emits a ConvergenceWarning instead of training on;
    - early stopping stratifies the validation split for multiclass targets
      too;
    - a fit whose loss never drops below its value at the initial weights
      warns that the learning rate is probably too large.

    Beyond sklearn's MLP: class weights, label smoothing, dropout, more
    activations and solvers, schedules for every stochastic solver with a
    warm-up, gradient clipping, an explicit validation set (``X_val``,
    ``y_val``) and early stopping on any metric.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skbackprop import BackpropClassifier
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> clf = BackpropClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01,
    ...                          max_iter=300, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> round(clf.score(X, y), 2) >= 0.9
    True
    """

    _parameter_constraints: dict = {
        **BaseBackprop._parameter_constraints,
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    # float32: half the time of float64 and the same scores on the benchmark
    # (the regressor keeps float64, whose predictions sklearn's checks expect)
    _TABULAR_RECIPE = dict(activation="selu", label_smoothing=0.1, dtype="float32")

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
        label_smoothing=0.0,
        class_weight=None,
    ):
        self.hidden_layer_sizes, self.activation = hidden_layer_sizes, activation
        self.solver, self.alpha, self.batch_size = solver, alpha, batch_size
        self.learning_rate, self.learning_rate_init = learning_rate, learning_rate_init
        self.power_t, self.max_iter, self.shuffle = power_t, max_iter, shuffle
        self.random_state, self.tol, self.verbose = random_state, tol, verbose
        self.warm_start, self.momentum = warm_start, momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction, self.beta_1 = validation_fraction, beta_1
        self.beta_2, self.epsilon = beta_2, epsilon
        self.n_iter_no_change, self.max_fun = n_iter_no_change, max_fun
        self.dropout, self.rho, self.warmup_iter = dropout, rho, warmup_iter
        self.max_grad_norm, self.scoring, self.dtype = max_grad_norm, scoring, dtype
        self.label_smoothing, self.class_weight = label_smoothing, class_weight
        self.categorical_features = categorical_features
        self.missing_values, self.feature_scaling = missing_values, feature_scaling
        self.numeric_embedding, self.front_scale = numeric_embedding, front_scale
        self.parametric_activation, self.data_init = parametric_activation, data_init

    def _target_encoder(self, fitted):
        return ClassTargets(
            self.label_smoothing,
            self.class_weight,
            binarizer=self._label_binarizer if fitted else None,
        )

    def _check_partial_fit_solver(self):
        super()._check_partial_fit_solver()
        if self.class_weight == "balanced":
            raise AttributeError(
                "partial_fit is not available with class_weight='balanced': the "
                "class frequencies of the whole stream are unknown. Pass a dict "
                "of class weights instead."
            )
        return True

    # ----------------------------------------------------------------- API
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    @fill_docstring(n_targets="n_labels", targets="Labels")
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
        """Fit the network to data matrix X and labels y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label indicator matrix for multilabel tasks.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; every batch loss is their weighted
            mean.

        ${validation_set_parameters}

        Returns
        -------
        self : BackpropClassifier
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
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the network with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        classes : array-like of shape (n_classes,), default=None
            Every class of the whole stream. Required on the first call, may
            be omitted afterwards; y need not contain every class.

        Returns
        -------
        self : BackpropClassifier
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted labels.
        """
        P = self._forward(X)  # checks that the estimator is fitted first
        return self._targets().decode(P)

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, in the order of ``classes_`` (for
            multilabel targets, the independent probability of each label),
            clipped into ``[eps, 1 - eps]`` with ``eps`` the resolution of the
            model's dtype.
        """
        P = self._forward(X)  # checks that the estimator is fitted first
        return self._targets().probabilities(P)

    def predict_log_proba(self, X):
        """Logarithm of the class probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        P = self.predict_proba(X)
        return np.log(P, out=P)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
