"""``skbackprop._targets``: everything an estimator does with ``y``.

The classifier's labels (their checks, the classes across partial_fit and warm
starts, class weights, label smoothing, probabilities) and the regressor's
targets (numeric, finite, non-negative for Poisson), first on the encoders
themselves, then through the estimators that build them.
"""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import recall_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_class_weight

from skbackprop import BackpropClassifier, BackpropRegressor
from skbackprop._engine import LOSSES
from skbackprop._targets import ClassTargets, ValueTargets

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N = 20  # the number of samples of conftest's small_data


@pytest.fixture
def blobs():
    X, y = make_classification(
        n_samples=300, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


# ------------------------------------------------------------ the encoders
@pytest.mark.parametrize(
    "y, loss, link, n_outputs",
    [
        (["b", "a", "b"], "binary_log_loss", "logistic", 1),
        ([2, 0, 1, 2], "log_loss", "softmax", 3),
        ([[1, 0, 1], [0, 1, 1]], "binary_log_loss", "logistic", 3),  # multilabel
    ],
)
def test_class_targets_encode_and_decode(y, loss, link, n_outputs):
    targets = ClassTargets().fit(np.asarray(y))
    Y = targets.encode(np.asarray(y))
    assert targets.loss == loss and LOSSES[targets.loss].out_activation == link
    assert Y.shape == (len(y), n_outputs) and Y.dtype == bool
    # an output on the right side of 0.5 (or the largest) decodes to the label
    np.testing.assert_array_equal(targets.decode(np.where(Y, 0.9, 0.1)), y)


@pytest.mark.parametrize(
    "y, n_classes", [([0, 1, 1, 0], 2), ([0, 1, 2, 2], 3), ([[1, 0], [1, 1]], 2)]
)
def test_label_smoothing_moves_targets_towards_uniform(y, n_classes):
    # (1 - s) Y + s / K, with K = 2 for a logistic output (per label)
    targets = ClassTargets(label_smoothing=0.2).fit(np.asarray(y))
    Y = targets.encode(np.asarray(y))
    smooth = targets.training_targets(Y, np.float32)
    assert smooth.dtype == np.float32
    np.testing.assert_allclose(smooth, 0.8 * Y + 0.2 / n_classes, rtol=1e-6)
    assert targets.training_targets(Y, np.float64) is not Y  # Y stays 0/1


def test_balanced_class_weights_are_sklearns():
    # without sample weights, S / (K S_k) is sklearn's "balanced" n / (K n_k)
    y = np.array([0] * 6 + [1] * 3 + [2] * 1)
    targets = ClassTargets(class_weight="balanced").fit(y)
    weights = targets.weigh(None, targets.encode(y), np.float64)
    expected = compute_class_weight("balanced", classes=np.arange(3), y=y)
    np.testing.assert_allclose(weights, expected[y], rtol=1e-14)


def test_value_targets_keep_their_columns():
    targets = ValueTargets().fit(np.array([1.0, 2.0]))
    assert targets.encode(np.array([1.0, 2.0])).shape == (2, 1)
    assert targets.decode(np.ones((2, 1))).shape == (2,)
    assert targets.decode(np.ones((2, 3))).shape == (2, 3)
    assert targets.stratify(np.ones((2, 1))) is None


# ------------------------------------------------------------------ bad y
CLASSIFIER_CASES = [
    ("one_class", lambda y: np.zeros(N), "y contains only one class"),
    ("continuous", lambda y: np.linspace(0, 1, N), "Unknown label type: continuous"),
    (
        "none_label",
        lambda y: np.array(["a", None] * (N // 2), dtype=object),
        r"y has missing labels \(None\)",
    ),
    ("nan_label", lambda y: np.array(["a", np.nan] * (N // 2), dtype=object), "NaN"),
    (
        "mixed_types",
        lambda y: np.array(["a", 1] * (N // 2), dtype=object),
        "y mixes string and non-string labels",
    ),
    ("complex", lambda y: y + 1j, "Complex data not supported"),
]


REGRESSOR_CASES = [
    (
        "strings",
        lambda y: np.array(["a", "b"] * (N // 2)),
        "needs numeric targets.*For class labels use BackpropClassifier",
    ),
    (
        "object_strings",
        lambda y: np.array(["x"] * N, dtype=object),
        "needs numeric targets.*For class labels use BackpropClassifier",
    ),
    ("none_values", lambda y: np.array([None] * N), "y has missing values"),
    ("complex", lambda y: y + 1j, "Complex data not supported"),
]
BAD_TARGETS = [
    pytest.param(Estimator, make_y, match, id=f"{Estimator.__name__}-{name}")
    for Estimator, cases in [
        (BackpropClassifier, CLASSIFIER_CASES),
        (BackpropRegressor, REGRESSOR_CASES),
    ]
    for name, make_y, match in cases
]


@pytest.mark.parametrize("Estimator, make_y, match", BAD_TARGETS)
def test_refuses_bad_targets(
    Estimator, make_y, match, small_data, small_estimator, raises_unchanged
):
    X, y = small_data(Estimator)
    est = small_estimator(Estimator)
    raises_unchanged(est.fit, (X, make_y(y)), {}, ValueError, match)


# ------------------------------------------------------ classifier labels
def test_partial_fit_learns_the_classes_then_refuses_others(
    small_data, small_estimator, raises_unchanged
):
    X, y = small_data(BackpropClassifier)
    clf = small_estimator(BackpropClassifier)
    raises_unchanged(
        clf.partial_fit,
        (X, y),
        {},
        ValueError,
        "classes must be passed on the first call to partial_fit",
    )
    # the classes, not the first batch's labels, make the outputs
    clf.partial_fit(X, y, classes=[0, 1, 2])
    assert list(clf.classes_) == [0, 1, 2] and clf.predict_proba(X).shape[1] == 3
    coefs = [W.copy() for W in clf.coefs_]
    raises_unchanged(
        clf.partial_fit,
        (X, y + 2),
        {},
        ValueError,
        r"`y` has classes not in `self.classes_`",
    )
    raises_unchanged(
        clf.partial_fit,
        (X, y),
        {"classes": [0, 1]},
        ValueError,
        "is not the same as on last call to partial_fit",
    )
    for before, after in zip(coefs, clf.coefs_):  # a refused call changes nothing
        np.testing.assert_array_equal(before, after)


def test_warm_start_refuses_other_classes(small_data, small_estimator):
    X, y = small_data(BackpropClassifier)
    clf = small_estimator(BackpropClassifier, warm_start=True).fit(X, y)
    coefs = [W.copy() for W in clf.coefs_]
    with pytest.raises(ValueError, match="same classes"):
        clf.fit(X, y * 2)
    for before, after in zip(coefs, clf.coefs_):
        np.testing.assert_array_equal(before, after)


def test_classifier_refuses_unseen_validation_labels(
    small_data, small_estimator, raises_unchanged
):
    X, y = small_data(BackpropClassifier)
    raises_unchanged(
        small_estimator(BackpropClassifier).fit,
        (X, y),
        {"X_val": X, "y_val": y + 1},
        ValueError,
        r"Invalid validation set.*y_val has classes \[2\]",
    )


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_saturated_probabilities_stay_inside_zero_and_one(solver):
    X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    clf = BackpropClassifier(solver=solver, max_iter=500, alpha=0, random_state=0)
    clf.fit(X * 100, y)
    P = clf.predict_proba(X * 100)
    assert (P > 0).all() and (P < 1).all()
    assert np.isfinite(clf.predict_log_proba(X * 100)).all()
    np.testing.assert_array_equal(clf.classes_[P.argmax(axis=1)], clf.predict(X * 100))


# ----------------------------------------------------------- class weights
def test_balanced_class_weight_raises_minority_recall():
    X, y = make_classification(
        n_samples=2000,
        n_features=6,
        n_informative=3,
        weights=[0.95, 0.05],
        class_sep=0.5,
        flip_y=0.02,
        random_state=1,
    )
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, stratify=y, random_state=0)
    params = dict(hidden_layer_sizes=(16,), max_iter=60, random_state=0)
    plain = BackpropClassifier(**params).fit(X_tr, y_tr)
    balanced = BackpropClassifier(class_weight="balanced", **params).fit(X_tr, y_tr)
    recall_plain = recall_score(y_te, plain.predict(X_te))
    recall_balanced = recall_score(y_te, balanced.predict(X_te))
    assert recall_balanced > recall_plain + 0.2


def test_class_weight_dict_equals_sample_weight(blobs):
    X, y = blobs
    params = dict(hidden_layer_sizes=(6,), solver="lbfgs", max_iter=20, random_state=0)
    weights = {0: 1.0, 1: 3.0, 2: 0.5}
    by_class = BackpropClassifier(class_weight=weights, **params).fit(X, y)
    by_sample = BackpropClassifier(**params).fit(
        X, y, sample_weight=np.array([weights[c] for c in y])
    )
    np.testing.assert_allclose(by_class.coefs_[0], by_sample.coefs_[0])


@pytest.mark.parametrize(
    "class_weight, match",
    [
        (
            {0: -2.0},
            "class_weight must map each class to a finite, non-negative "
            "number; got -2.0 for class 0",
        ),
        ({0: np.nan}, "finite, non-negative number; got nan for class 0"),
        ({0: "heavy"}, "finite, non-negative number; got 'heavy' for class 0"),
        ({5: 2.0}, r"class_weight has labels \[5\] that are not classes of y"),
    ],
)
def test_classifier_refuses_bad_class_weight(
    class_weight, match, small_data, small_estimator, raises_unchanged
):
    X, y = small_data(BackpropClassifier)
    raises_unchanged(
        small_estimator(BackpropClassifier, class_weight=class_weight).fit,
        (X, y),
        {},
        ValueError,
        match,
    )


def test_weight_on_one_class_only_raises(small_data, small_estimator):
    X, y = small_data(BackpropClassifier)
    with pytest.raises(ValueError, match="Only one class has a positive total"):
        small_estimator(BackpropClassifier).fit(X, y, sample_weight=(y == 1) * 1.0)


def test_label_smoothing_softens_probabilities(blobs):
    X, y = blobs
    params = dict(
        hidden_layer_sizes=(32,), solver="lbfgs", max_iter=200, random_state=0
    )
    sharp = BackpropClassifier(**params).fit(X, y)
    smooth = BackpropClassifier(label_smoothing=0.3, **params).fit(X, y)
    confidence = {
        name: est.predict_proba(X).max(axis=1).mean()
        for name, est in [("sharp", sharp), ("smooth", smooth)]
    }
    # the smoothed target of the true class is 1 - 0.3 + 0.3 / 3 = 0.8
    assert confidence["smooth"] < 0.82 < confidence["sharp"]
    assert smooth.score(X, y) > 0.8


# -------------------------------------------------------- regressor targets
def test_numeric_strings_are_accepted(small_data, small_estimator):
    X, y = small_data(BackpropRegressor)
    reg = small_estimator(BackpropRegressor).fit(X, y.astype(str))
    assert reg.predict(X).dtype == np.float64


def test_regressor_refuses_targets_beyond_float32(
    small_data, small_estimator, raises_unchanged
):
    X, y = small_data(BackpropRegressor)
    raises_unchanged(
        small_estimator(BackpropRegressor).fit,
        (X.astype(np.float32), y * 1e300),
        {},
        ValueError,
        "beyond the range of float32",
    )


def test_regressor_refuses_negative_poisson_targets(
    small_data, small_estimator, raises_unchanged
):
    X, y = small_data(BackpropRegressor)
    raises_unchanged(
        small_estimator(BackpropRegressor, loss="poisson").fit,
        (X, y),
        {},
        ValueError,
        "loss='poisson' needs non-negative targets",
    )
