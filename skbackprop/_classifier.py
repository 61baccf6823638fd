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
from ._docstrings import fill_docstring
from ._sklearn_compat import (
    Interval,
    StrOptions,
    _check_partial_fit_first_call,
    _fit_context,
    with_callbacks,
)
from ._validation import check_class_weight_values, check_labels


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
        dtype=None,
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
            if (
                len(np.unique(labels)) > 1
                and len(np.unique(labels[sample_weight > 0])) < 2
            ):
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
                [
                    _balanced(Y[:, j].astype(int), 2, sw)[Y[:, j].astype(int)]
                    for j in range(Y.shape[1])
                ],
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
        """Labels of network outputs, as ``LabelBinarizer.inverse_transform``
        decodes them: the most probable class, or probability above 0.5."""
        if self._multilabel():
            return self._label_binarizer.inverse_transform(output)
        if self.n_outputs_ == 1:
            return self.classes_[(output[:, 0] > 0.5).astype(int)]
        return self.classes_[output.argmax(axis=1)]

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
            multilabel targets, the independent probability of each label),
            clipped into ``[eps, 1 - eps]`` with ``eps`` the resolution of the
            model's dtype.
        """
        # saturated outputs are clipped into (0, 1), so that predict_log_proba
        # is finite and no class is ever certain
        P = self._forward(X)
        eps = np.finfo(P.dtype).eps
        np.clip(P, eps, 1 - eps, out=P)
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
