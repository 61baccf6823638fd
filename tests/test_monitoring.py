"""``skbackprop._monitoring``: the validation set of a fit and early stopping.

Where the validation set comes from (a stratified split as sklearn's MLP
makes it, or X_val and y_val, through pipelines too), how it is scored (the
encoder's default score, the loss, any sklearn scorer or callable) and that
the best weights on it are the ones kept. The engine's improvement rule is
tested in ``tests/engine/test_trainer.py``; bad validation sets in
``test_validation.py``.
"""

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier, BackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = [BackpropClassifier, BackpropRegressor]


@pytest.fixture
def blobs():
    X, y = make_classification(
        n_samples=300, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


# ------------------------------------------------------ the held-out split
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_early_stopping_restores_best_weights(Estimator, data_for):
    X, y = data_for(Estimator)
    est = Estimator(
        hidden_layer_sizes=(32,),
        early_stopping=True,
        n_iter_no_change=3,
        learning_rate_init=0.05,
        max_iter=200,
        random_state=0,
    ).fit(X, y)
    scores = est.validation_scores_
    assert len(scores) == est.n_iter_ < 200
    assert est.best_validation_score_ == max(scores)
    # recompute the validation score of the restored weights on the same split
    rerun = clone(est).set_params(max_iter=int(np.argmax(scores)) + 1).fit(X, y)
    for W_best, W_rerun in zip(est.coefs_, rerun.coefs_):
        np.testing.assert_allclose(W_best, W_rerun)


def test_early_stopping_split_is_stratified_as_sklearn_for_binary_targets():
    # binary targets: a class of one sample cannot be stratified, the error of
    # sklearn's MLP with what to do about it
    X = [[1, 2], [2, 3], [3, 4], [4, 5]]
    with pytest.raises(
        ValueError,
        match=r"least populated class.*[^.]\. early_stopping.*X_val and y_val",
    ):
        BackpropClassifier(early_stopping=True).fit(X, [0, 0, 0, 1])


def test_early_stopping_split_of_rare_multiclass_targets_falls_back_to_random():
    # sklearn splits multiclass targets at random; skbackprop stratifies them
    # when it can and otherwise splits at random too, never failing instead
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 3))
    y = np.r_[np.zeros(9), np.ones(10), [2]].astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = BackpropClassifier((4,), early_stopping=True, max_iter=5).fit(X, y)
    assert clf.validation_scores_


# ------------------------------------------------ a given validation set
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_explicit_validation_set_is_used(Estimator):
    make = make_classification if Estimator is BackpropClassifier else make_regression
    X, y = make(n_samples=300, n_features=5, random_state=0)
    if Estimator is BackpropRegressor:
        y = y / y.std()
    X_tr, X_val, y_tr, y_val = train_test_split(X, y, test_size=50, random_state=0)
    est = Estimator(hidden_layer_sizes=(8,), max_iter=15, random_state=0)
    est.fit(X_tr, y_tr, X_val=X_val, y_val=y_val)
    assert len(est.validation_loss_curve_) == len(est.validation_scores_) == 15
    assert est.t_ == 15 * 250  # the validation rows were not trained on
    best = est.best_iteration_
    assert est.best_validation_score_ == est.validation_scores_[best - 1]
    assert est.score(X_val, y_val) == pytest.approx(est.best_validation_score_)


def test_best_weights_are_restored_with_the_validation_loss():
    X, y = make_regression(n_samples=80, n_features=30, noise=20, random_state=0)
    y = y / y.std()
    X_tr, X_val, y_tr, y_val = train_test_split(X, y, test_size=30, random_state=0)
    est = BackpropRegressor(
        hidden_layer_sizes=(64,),
        alpha=0,
        max_iter=300,
        learning_rate_init=0.01,
        scoring="loss",
        early_stopping=True,
        n_iter_no_change=5,
        random_state=0,
    ).fit(X_tr, y_tr, X_val=X_val, y_val=y_val)
    curve = est.validation_loss_curve_
    assert est.best_iteration_ == int(np.argmin(curve)) + 1 < len(curve)
    restored = np.mean(0.5 * (est.predict(X_val) - y_val) ** 2)
    assert restored == pytest.approx(min(curve))
    assert est.validation_scores_[est.best_iteration_ - 1] == -min(curve)


@pytest.mark.parametrize("scoring", ["neg_log_loss", "balanced_accuracy", "loss"])
def test_early_stopping_on_any_metric(scoring, blobs):
    X, y = blobs
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # stopping is not a failure
        est = BackpropClassifier(
            hidden_layer_sizes=(16,),
            early_stopping=True,
            scoring=scoring,
            n_iter_no_change=3,
            max_iter=500,
            learning_rate_init=0.05,
            random_state=0,
        ).fit(X, y)
    assert est.n_iter_ < 500 and len(est.validation_scores_) == est.n_iter_
    assert est.best_validation_score_ == max(est.validation_scores_)


def test_callable_scoring(blobs):
    X, y = blobs

    def minus_errors(estimator, X, y):
        return -np.sum(estimator.predict(X) != y)

    est = BackpropClassifier(
        hidden_layer_sizes=(8,),
        max_iter=5,
        scoring=minus_errors,
        early_stopping=True,
        random_state=0,
    ).fit(X, y)
    assert all(float(s).is_integer() and s <= 0 for s in est.validation_scores_)


def test_validation_set_through_pipeline_and_grid_search():
    X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    X_tr, X_val, y_tr, y_val = train_test_split(X, y, test_size=50, random_state=0)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = BackpropClassifier(hidden_layer_sizes=(8,), max_iter=10, random_state=0)
        clf.set_fit_request(X_val=True, y_val=True)
        pipe = Pipeline(
            [("scale", StandardScaler()), ("net", clf)], transform_input=["X_val"]
        )
        pipe.fit(X_tr, y_tr, X_val=X_val, y_val=y_val)
        assert len(pipe[-1].validation_loss_curve_) == 10
        # the validation set reached the network scaled like the training data
        direct = clone(clf).fit(
            pipe[0].transform(X_tr), y_tr, X_val=pipe[0].transform(X_val), y_val=y_val
        )
        np.testing.assert_allclose(
            pipe[-1].validation_loss_curve_, direct.validation_loss_curve_
        )
        search = GridSearchCV(pipe, {"net__alpha": [1e-4, 1e-1]}, cv=2)
        search.fit(X_tr, y_tr, X_val=X_val, y_val=y_val)
    assert len(search.best_estimator_[-1].validation_loss_curve_) == 10


def test_lbfgs_with_validation_set_restores_best(blobs):
    X, y = blobs
    est = BackpropClassifier(
        hidden_layer_sizes=(16,),
        solver="lbfgs",
        max_iter=30,
        random_state=0,
        scoring="loss",
    )
    est.fit(X[:200], y[:200], X_val=X[200:], y_val=y[200:])
    assert len(est.validation_scores_) == len(est.loss_curve_)
    assert est.best_validation_score_ == max(est.validation_scores_)
