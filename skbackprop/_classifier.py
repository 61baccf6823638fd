"""BackpropClassifier: a drop-in replacement for sklearn's MLPClassifier."""

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
from ._sklearn_compat import _check_partial_fit_first_call, _fit_context


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

    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation of the hidden layers.

    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        Weight optimizer: 'lbfgs' (full-batch quasi-Newton, through
        :func:`scipy.optimize.minimize`), 'sgd' (stochastic gradient descent with
        momentum) or 'adam' (Kingma and Ba, 2014).

    alpha : float, default=0.0001
        Strength of the L2 penalty, divided by the (weighted) batch size, as
        in sklearn.

    batch_size : int or 'auto', default='auto'
        Minibatch size of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``. Unused by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule: 'constant' keeps ``learning_rate_init``;
        'invscaling' uses ``learning_rate_init / (t + 1) ** power_t`` with
        ``t`` the number of samples seen; 'adaptive' divides the rate by 5
        each time ``n_iter_no_change`` epochs fail to improve by ``tol``.
        Applies to every stochastic solver (sklearn applies it to 'sgd' only).

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

    verbose : bool, default=False
        Print the progress to stdout.

    warm_start : bool, default=False
        Start from the previous solution when ``fit`` is called again.

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'sgd' uses Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data, stop when its
        accuracy stops improving and restore the best weights.

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
        Validation accuracy after each epoch when early stopping is on.

    best_validation_score_ : float or None
        Best validation accuracy when early stopping is on.

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
      too.

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

    # ------------------------------------------------------------- targets
    def _loss_name(self):
        multiclass = getattr(self, "_label_binarizer", None) is not None and (
            self._label_binarizer.y_type_ == "multiclass"
        )
        return "log_loss" if multiclass else "binary_log_loss"

    def _stratify_validation(self):
        return self._label_binarizer.y_type_ != "multilabel-indicator"

    def _encode_targets(self, y, *, incremental, first_pass):
        """Labels to the indicator matrix the output layer learns."""
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

    def _check_sample_weight(self, sample_weight, X, Y):
        sample_weight = super()._check_sample_weight(sample_weight, X, Y)
        if sample_weight is None or self._label_binarizer.y_type_.startswith("multilabel"):
            return sample_weight
        labels = Y.argmax(axis=1) if Y.shape[1] > 1 else Y[:, 0]
        present = np.unique(labels)
        weighted = np.unique(labels[sample_weight > 0])
        if len(present) > 1 and len(weighted) < 2:
            raise ValueError(
                "Only one class has a positive total sample_weight; a classifier "
                "needs weight on at least two classes."
            )
        return sample_weight

    def _score_output(self, output, y, sample_weight):
        return accuracy_score(y, self._labels(output), sample_weight=sample_weight)

    def _labels(self, output):
        if self.n_outputs_ == 1:
            output = output.ravel()
        return self._label_binarizer.inverse_transform(output)

    # ----------------------------------------------------------------- API
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
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

        Returns
        -------
        self : BackpropClassifier
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    @available_if(lambda est: est._check_partial_fit_solver())
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
