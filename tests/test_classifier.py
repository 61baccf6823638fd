"""``skbackprop._classifier``: BackpropClassifier's labels, probabilities,
multilabel outputs and partial_fit; what it does with y is ``test_targets.py``'s."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification, make_multilabel_classification

from skbackprop import BackpropClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def Xy():
    return make_classification(
        n_samples=150,
        n_features=5,
        n_informative=4,
        n_redundant=0,
        n_classes=3,
        random_state=0,
    )


def _clf(**params):
    return BackpropClassifier(
        **{
            "hidden_layer_sizes": (16,),
            "max_iter": 200,
            "random_state": 0,
            "learning_rate_init": 0.01,
            **params,
        }
    )


@pytest.mark.parametrize(
    "to_labels",
    [
        lambda y: np.array(["cat", "dog", "eel"])[y],
        lambda y: pd.Series(pd.Categorical(np.array(["lo", "mid", "hi"])[y])),
        lambda y: y + 10,
        lambda y: (y - 1.5) * 2.0,
    ],
    ids=["str", "categorical", "int", "float"],
)
def test_any_label_type(Xy, to_labels):
    X, y = Xy
    labels = to_labels(y)
    clf = _clf().fit(X, labels)
    assert set(clf.classes_) == set(np.unique(np.asarray(labels)))
    pred = clf.predict(X)
    assert set(pred) <= set(clf.classes_)
    assert np.mean(pred == np.asarray(labels)) > 0.8


@pytest.mark.parametrize("n_classes", [2, 3])
def test_probabilities(Xy, n_classes):
    X, y = Xy
    y = y % n_classes
    clf = _clf().fit(X, y)
    P = clf.predict_proba(X)
    assert P.shape == (len(X), n_classes)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(P))
    np.testing.assert_array_equal(clf.classes_[P.argmax(axis=1)], clf.predict(X))
    assert clf.out_activation_ == ("logistic" if n_classes == 2 else "softmax")
    assert clf.n_outputs_ == (1 if n_classes == 2 else n_classes)


def test_multilabel():
    X, Y = make_multilabel_classification(n_samples=150, n_classes=4, random_state=0)
    clf = _clf(solver="lbfgs", max_iter=300).fit(X, Y)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 4
    assert clf.predict(X).shape == Y.shape
    assert clf.predict_proba(X).shape == Y.shape
    assert clf.score(X, Y) > 0.6


def test_partial_fit_unavailable_with_balanced_class_weight():
    # the class frequencies of a whole stream are unknown
    clf = _clf(class_weight="balanced")
    assert not hasattr(clf, "partial_fit")
    with pytest.raises(AttributeError, match="partial_fit") as excinfo:
        clf.partial_fit  # noqa: B018 (the attribute access is the test)
    assert "class_weight='balanced'" in str(excinfo.value.__cause__)
    assert hasattr(_clf(class_weight={0: 2.0}), "partial_fit")


def test_learns_a_nonlinear_boundary():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(400, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)  # XOR-like: no linear separator
    clf = _clf(hidden_layer_sizes=(32,), max_iter=500).fit(X, y)
    assert clf.score(X, y) > 0.95
