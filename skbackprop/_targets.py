"""Target encoders: everything an estimator does with ``y``, in one object.

A fit builds one encoder from the estimator's parameters (and, when it
continues a fit, the encoding learned before). The encoder turns ``y`` into
the 2-D target ``Y`` the output layer learns, names the loss and its output
link, weighs the samples (class weights), stratifies the validation split,
smooths labels, scores a network output by default, and decodes network
outputs into predictions. :class:`ClassTargets` serves the classifier,
:class:`ValueTargets` the regressor; both answer the same methods.
"""

import numpy as np
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)

from ._validation import as_finite_targets, check_class_weight_values, check_labels


class ClassTargets:
    """Class labels as the indicator matrix of a logistic or softmax output.

    Parameters
    ----------
    label_smoothing : float
        Targets ``(1 - label_smoothing) Y + label_smoothing / K``.
    class_weight : dict, 'balanced' or None
        Weights of the classes, multiplied with the sample weights.
    binarizer : LabelBinarizer or None
        The encoding learned by an earlier fit, None before the first.
    """

    def __init__(self, label_smoothing=0.0, class_weight=None, binarizer=None):
        self.label_smoothing, self.class_weight = label_smoothing, class_weight
        self.binarizer = binarizer

    # ------------------------------------------------------------ encoding
    def prepare(self, y, dtype):
        """``y`` as validated for this kind of target: labels stay as they are."""
        return y

    def fit(self, y, classes=None, incremental=False):
        """Learn the encoding from ``y``, or from ``classes`` for partial_fit."""
        _check_class_labels(y)
        if incremental and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        multilabel = type_of_target(y).startswith("multilabel")
        learn_from = classes if incremental and not multilabel else y
        self.binarizer = LabelBinarizer().fit(learn_from)
        if not multilabel and len(self.classes_) < 2:
            raise ValueError(
                f"y contains only one class ({self.classes_[0]!r}); a classifier "
                "needs samples of at least two classes."
            )
        if incremental:
            self.check_continues(y, incremental=True)
        return self

    def check_continues(self, y, classes=None, incremental=False):
        """``y`` (and ``classes``) fit the classes learned before."""
        _check_class_labels(y)
        if classes is not None and not np.array_equal(
            unique_labels(classes), self.classes_
        ):
            raise ValueError(
                f"`classes={unique_labels(classes)!r}` is not the same as on last "
                f"call to partial_fit, was: {self.classes_!r}"
            )
        seen = unique_labels(y)
        if not incremental and set(seen) != set(self.classes_):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in "
                f"the previous call to fit. Previously got {self.classes_}, `y` has "
                f"{seen}."
            )
        if len(np.setdiff1d(seen, self.classes_)):
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has "
                f"{self.classes_}. 'y' has {seen}."
            )

    @property
    def classes_(self):
        return self.binarizer.classes_

    @property
    def multilabel(self):
        return self.binarizer.y_type_.startswith("multilabel")

    @property
    def loss(self):
        """The engine's loss: softmax with log loss for one label of several
        classes, a logistic output per label otherwise."""
        return (
            "log_loss" if self.binarizer.y_type_ == "multiclass" else "binary_log_loss"
        )

    loss_params = {}

    def encode(self, y):
        """Labels to the indicator matrix the output layer learns."""
        return self.binarizer.transform(y).astype(bool)

    def encode_validation(self, y):
        check_labels(y, "y_val")
        unseen = np.setdiff1d(unique_labels(y), self.classes_)
        if len(unseen):
            raise ValueError(
                f"y_val has classes {unseen} that the training y does not have "
                f"({self.classes_})."
            )
        return self.binarizer.transform(y).astype(float)

    def training_targets(self, Y, dtype):
        """The targets the loss is fitted to: smoothed towards uniform."""
        Y = Y.astype(dtype)
        if self.label_smoothing:
            n_classes = 2 if self.loss == "binary_log_loss" else Y.shape[1]
            Y *= 1 - self.label_smoothing
            Y += self.label_smoothing / n_classes
        return Y

    # -------------------------------------------------------------- weights
    def weigh(self, sample_weight, Y, dtype):
        """Sample weights times class weights; refuse weight on a single class."""
        if self.class_weight is not None:
            sample_weight = self._class_weighted(sample_weight, Y, dtype)
        if sample_weight is not None and not self.multilabel:
            labels = _labels_index(Y)
            if (
                len(np.unique(labels)) > 1
                and len(np.unique(labels[sample_weight > 0])) < 2
            ):
                raise ValueError(
                    "Only one class has a positive total sample_weight; a "
                    "classifier needs weight on at least two classes."
                )
        return sample_weight

    def _class_weighted(self, sample_weight, Y, dtype):
        """Sample weights times the weight of each sample's class.

        'balanced' gives class k the weight S / (K S_k), with S_k the total
        sample weight of class k, so weighting and repeating samples agree.
        Each label of a multilabel target is a binary problem of its own, and
        a sample's weights over the labels multiply.
        """
        sw = np.ones(len(Y), dtype=dtype) if sample_weight is None else sample_weight
        if self.multilabel:
            if self.class_weight != "balanced":
                raise ValueError(
                    "For multilabel targets class_weight must be 'balanced' or "
                    f"None; got {self.class_weight!r}."
                )
            columns = Y.T.astype(int)  # (n_labels, n)
            weights = np.prod([_balanced(c, 2, sw)[c] for c in columns], axis=0)
        else:
            labels = _labels_index(Y)
            if self.class_weight == "balanced":
                per_class = _balanced(labels, len(self.classes_), sw)
            else:
                per_class = self._dict_class_weight()
            weights = per_class[labels]
        return sw * weights.astype(dtype)

    def _dict_class_weight(self):
        check_class_weight_values(self.class_weight)
        classes = self.classes_.tolist()
        unknown = set(self.class_weight) - set(classes)
        if unknown:
            raise ValueError(
                f"class_weight has labels {sorted(unknown, key=str)} that are not "
                f"classes of y ({classes})."
            )
        return np.array([self.class_weight.get(c, 1.0) for c in classes])

    def stratify(self, Y):
        """The labels a validation split keeps the proportions of (None: random)."""
        return None if self.multilabel else Y.astype(bool)

    # ------------------------------------------------------------- outputs
    def decode(self, P):
        """Labels of network outputs, as ``LabelBinarizer.inverse_transform``
        decodes them: the most probable class, or probability above 0.5."""
        if self.multilabel:
            return self.binarizer.inverse_transform(P)
        if P.shape[1] == 1:
            return self.classes_[(P[:, 0] > 0.5).astype(int)]
        return self.classes_[P.argmax(axis=1)]

    def probabilities(self, P):
        """Class probabilities of network outputs, one column per class.

        Saturated outputs are clipped into ``[eps, 1 - eps]`` (``eps`` the
        dtype's resolution), so that their logarithm is finite and no class
        is ever certain.
        """
        eps = np.finfo(P.dtype).eps
        np.clip(P, eps, 1 - eps, out=P)
        return np.hstack([1 - P, P]) if P.shape[1] == 1 else P

    def output_slope(self):
        """How a prediction moves with the network output: probabilities are
        the outputs themselves."""
        return 1.0

    def score(self, P, y, sample_weight=None):
        """The default validation score: accuracy."""
        return accuracy_score(y, self.decode(P), sample_weight=sample_weight)

    def fitted_attributes(self):
        return {"_label_binarizer": self.binarizer, "classes_": self.classes_}


class ValueTargets:
    """Real-valued targets for an identity or exponential output.

    Parameters
    ----------
    loss : str
        A regression loss of the engine's ``LOSSES``.
    huber_delta, quantile : float
        The parameters of the 'huber' and 'quantile' losses.
    scaling : {'standard'} or None
        'standard' fits the network to :math:`(y - \\mu) / \\sigma`, the
        training targets' mean and standard deviation, and maps its outputs
        back.
    clip : bool
        Clip predictions into the range of the training targets.
    stats : dict or None
        ``mean``, ``scale``, ``low`` and ``high`` of the training targets,
        learned by :meth:`fit` (None before it).
    """

    def __init__(
        self,
        loss="squared_error",
        huber_delta=1.0,
        quantile=0.5,
        scaling=None,
        clip=False,
        stats=None,
    ):
        self.loss = loss
        self.loss_params = {"delta": huber_delta, "quantile": quantile}
        self.scaling, self.clip, self.stats = scaling, clip, stats

    def prepare(self, y, dtype):
        """Finite numbers of ``dtype``, or an error pointing to the classifier
        for labels."""
        if getattr(y, "dtype", None) is not None and y.dtype.kind in "OUSb":
            try:
                np.asarray(y, dtype=np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    "BackpropRegressor needs numeric targets y, but y holds "
                    f"non-numeric values such as {np.ravel(y)[:3].tolist()}. "
                    "For class labels use BackpropClassifier."
                ) from None
        return as_finite_targets(y, dtype)

    def fit(self, y, classes=None, incremental=False):
        self.check_continues(y)
        if self.scaling == "standard" and self.loss == "poisson":
            raise ValueError(
                "target_scaling='standard' would give loss='poisson' negative "
                "targets; use target_scaling=None with the Poisson loss."
            )
        Y = y.reshape(len(y), -1)
        scale = Y.std(axis=0)
        self.stats = {
            "mean": Y.mean(axis=0),
            "scale": np.where(scale > 0, scale, 1.0),
            "low": Y.min(axis=0),
            "high": Y.max(axis=0),
        }
        return self

    def check_continues(self, y, classes=None, incremental=False):
        if self.loss == "poisson" and (y < 0).any():
            raise ValueError(
                f"loss='poisson' needs non-negative targets; y has minimum "
                f"{y.min()}. Use loss='squared_error' or shift the targets."
            )

    def encode(self, y):
        Y = y.reshape(len(y), -1)
        if self.scaling == "standard":
            Y = (Y - self.stats["mean"]) / self.stats["scale"]
        return Y

    def encode_validation(self, y):
        return self.encode(as_finite_targets(y, float, "y_val"))

    def training_targets(self, Y, dtype):
        return Y.astype(dtype, copy=False)

    def weigh(self, sample_weight, Y, dtype):
        return sample_weight

    def stratify(self, Y):
        return None

    def decode(self, P):
        """Predictions of network outputs: back in the targets' units,
        clipped into their training range when asked."""
        dtype = P.dtype  # predictions keep the model's dtype
        if self.scaling == "standard":
            P = (P * self.stats["scale"] + self.stats["mean"]).astype(dtype)
        if self.clip:
            P = np.clip(P, self.stats["low"], self.stats["high"]).astype(dtype)
        return P.ravel() if P.shape[1] == 1 else P

    def output_slope(self):
        """How a prediction moves with the network output, per output:
        :math:`\\sigma` with standardised targets (clipping aside), else 1."""
        return self.stats["scale"] if self.scaling == "standard" else 1.0

    def score(self, P, y, sample_weight=None):
        """The default validation score: R²."""
        return r2_score(y, self.decode(P), sample_weight=sample_weight)

    def fitted_attributes(self):
        return {"_target_stats": self.stats}


def _check_class_labels(y):
    check_labels(y)
    check_classification_targets(y)


def _labels_index(Y):
    """Class index of each row of the binarized targets."""
    return Y.argmax(axis=1) if Y.shape[1] > 1 else Y[:, 0].astype(int)


def _balanced(labels, n_classes, sample_weight):
    """Per-class weights S / (K S_k) over the K classes of positive weight."""
    totals = np.bincount(labels, weights=sample_weight, minlength=n_classes)
    present = totals > 0
    weights = np.zeros(n_classes)
    weights[present] = totals.sum() / (present.sum() * totals[present])
    return weights
