"""BackpropClassifier: a drop-in replacement for sklearn's MLPClassifier."""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)

from ._base import BaseBackprop
from ._validation import check_class_weight_values, check_labels
from ._sklearn_compat import (
    Interval,
    StrOptions,
    _check_partial_fit_first_call,
    _fit_context,
    with_callbacks,
)


class BackpropClassifier(ClassifierMixin, BaseBackprop):
    """Multi-layer perceptron classifier trained by backpropagation.

    A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`:
    the same parameters with the same names, defaults and meaning, the same
    fitted attributes, on skbackprop's own numpy engine. Binary, multiclass
    and multilabel targets; dense or sparse (CSR/CSC) input; float32 input
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
        What a validation set monitors: None is the accuracy (as sklearn's
        MLP); 'loss' is the validation loss (its negative is recorded, so
        that higher is better); any other value is an sklearn scorer name or
        a callable ``scorer(estimator, X, y)``.

    label_smoothing : float, default=0.0
        Fits the loss to targets ``(1 - label_smoothing) * Y +
        label_smoothing / K`` with ``K`` the number of classes (2 per label
        for binary and multilabel targets).

    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes in the loss, multiplied with ``sample_weight``
        as in sklearn's linear models. 'balanced' uses
        ``n_samples / (n_classes * np.bincount(y))``; it is not available in
        ``partial_fit``, nor are class weights for multilabel targets.
    dtype : {'float32', 'float64'} or None, default=None
        Floating-point type of the weights and of every computation in fit
        and predict. None follows the input as sklearn's MLP does: float32 X
        trains in float32, anything else in float64. 'float32' trains a
        float64 X in single precision (about twice as fast, half the memory
        per batch; X is converted once per call), 'float64' the reverse.
        Predictions come out in this dtype.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

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
    - a learning rate so large that training diverges stops training,
      restores the last finite weights and emits a ConvergenceWarning
      instead of raising;
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
    >>> clf = BackpropClassifier(hidden_layer_sizes=(16,), max_iter=300,
    ...                          random_state=0).fit(X, y)
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
        label_smoothing=0.0,
        class_weight=None,
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
        self.label_smoothing = label_smoothing
        self.class_weight = class_weight

    # ------------------------------------------------------------- targets
    def _loss_name(self):
        multiclass = getattr(self, "_label_binarizer", None) is not None and (
            self._label_binarizer.y_type_ == "multiclass"
        )
        return "log_loss" if multiclass else "binary_log_loss"

    def _stratify_validation(self):
        return not self._multilabel()

    def _encode_targets(self, y, *, incremental, first_pass):
        """Labels to the indicator matrix the output layer learns."""
        check_labels(y)
        check_classification_targets(y)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start and not incremental:
                if set(classes) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes "
                        f"as in the previous call to fit. Previously got "
                        f"{self.classes_}, `y` has {classes}."
                    )
            elif len(np.setdiff1d(classes, self.classes_)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}."
                )
        if (
            self._label_binarizer.y_type_ != "multilabel-indicator"
            and len(self.classes_) < 2
        ):
            raise ValueError(
                f"y contains only one class ({self.classes_[0]!r}); a classifier "
                "needs samples of at least two classes."
            )
        return self._label_binarizer.transform(y).astype(bool)

    def _encode_validation_targets(self, y):
        check_labels(y, "y_val")
        unseen = np.setdiff1d(unique_labels(y), self.classes_)
        if len(unseen):
            raise ValueError(
                f"y_val has classes {unseen} that the training y does not have "
                f"({self.classes_})."
            )
        return self._label_binarizer.transform(y).astype(float)

    def _training_targets(self, Y, dtype):
        Y = Y.astype(dtype)
        if self.label_smoothing:
            n_classes = Y.shape[1] if self.out_activation_ == "softmax" else 2
            Y *= 1 - self.label_smoothing
            Y += self.label_smoothing / n_classes
        return Y

    def _sample_weight(self, sample_weight, X, Y, incremental, class_weight=True):
        sample_weight = super()._sample_weight(sample_weight, X, Y, incremental)
        if class_weight and self.class_weight is not None:
            sample_weight = self._class_weighted(sample_weight, Y, X.dtype)
        if sample_weight is not None and not self._multilabel():
            labels = self._labels_index(Y)
            if len(np.unique(labels)) > 1 and len(np.unique(labels[sample_weight > 0])) < 2:
                raise ValueError(
                    "Only one class has a positive total sample_weight; a "
                    "classifier needs weight on at least two classes."
                )
        return sample_weight

    def _multilabel(self):
        return self._label_binarizer.y_type_.startswith("multilabel")

    @staticmethod
    def _labels_index(Y):
        """Class index of each row of the binarized targets."""
        return Y.argmax(axis=1) if Y.shape[1] > 1 else Y[:, 0].astype(int)

    def _class_weighted(self, sample_weight, Y, dtype):
        """Sample weights times the weight of each sample's class.

        'balanced' gives class k the weight S / (K S_k), with S_k the total
        sample weight of class k, so weighting and repeating samples agree.
        Each label of a multilabel target is a binary problem of its own, and
        a sample's weights over the labels multiply.
        """
        sw = np.ones(len(Y), dtype=dtype) if sample_weight is None else sample_weight
        if self._multilabel():
            if self.class_weight != "balanced":
                raise ValueError(
                    "For multilabel targets class_weight must be 'balanced' or "
                    f"None; got {self.class_weight!r}."
                )
            weights = np.prod(
                [_balanced(Y[:, j].astype(int), 2, sw)[Y[:, j].astype(int)]
                 for j in range(Y.shape[1])],
                axis=0,
            )
        else:
            labels = self._labels_index(Y)
            if self.class_weight == "balanced":
                per_class = _balanced(labels, len(self.classes_), sw)
            else:
                per_class = self._dict_class_weight()
            weights = per_class[labels]
        return sw * weights.astype(dtype)

    def _dict_class_weight(self):
        check_class_weight_values(self.class_weight)
        unknown = set(self.class_weight) - set(self.classes_.tolist())
        if unknown:
            raise ValueError(
                f"class_weight has labels {sorted(unknown, key=str)} that are not "
                f"classes of y ({self.classes_.tolist()})."
            )
        return np.array([self.class_weight.get(c, 1.0) for c in self.classes_.tolist()])

    def _check_partial_fit_solver(self):
        super()._check_partial_fit_solver()
        if self.class_weight == "balanced":
            raise AttributeError(
                "partial_fit is not available with class_weight='balanced': the "
                "class frequencies of the whole stream are unknown. Pass a dict "
                "of class weights instead."
            )
        return True

    def _score_output(self, output, y, sample_weight):
        return accuracy_score(y, self._labels(output), sample_weight=sample_weight)

    def _labels(self, output):
        if self.n_outputs_ == 1:
            output = output.ravel()
        return self._label_binarizer.inverse_transform(output)

    # ----------------------------------------------------------------- API
    @with_callbacks
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None,
            sample_weight_val=None):
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

        X_val : {array-like, sparse matrix} of shape (n_val, n_features), \
                default=None
            A validation set, used instead of ``validation_fraction``: its
            score and loss are recorded after every epoch, early stopping (when
            on) monitors it, and the best weights are restored. In a Pipeline,
            route it with ``set_fit_request(X_val=True, y_val=True)`` and
            ``Pipeline(..., transform_input=["X_val"])``.

        y_val : array-like of shape (n_val,) or (n_val, n_labels), default=None
            Labels of ``X_val``.

        sample_weight_val : array-like of shape (n_val,), default=None
            Sample weights of the validation set.

        Returns
        -------
        self : BackpropClassifier
            The fitted estimator.
        """
        validation = None
        if X_val is not None or y_val is not None:
            validation = (X_val, y_val, sample_weight_val)
        return self._fit(X, y, sample_weight, incremental=False, validation=validation)

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
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)

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
        return self._labels(self._forward(X))

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
            multilabel targets, the independent probability of each label).
        """
        P = self._forward(X)
        if self.n_outputs_ == 1:
            return np.hstack([1 - P, P])
        return P

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


def _balanced(labels, n_classes, sample_weight):
    """Per-class weights S / (K S_k) over the K classes of positive weight."""
    totals = np.bincount(labels, weights=sample_weight, minlength=n_classes)
    present = totals > 0
    weights = np.zeros(n_classes)
    weights[present] = totals.sum() / (present.sum() * totals[present])
    return weights
