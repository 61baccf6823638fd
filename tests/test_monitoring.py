"""Training features sklearn's MLP never got, each checked by what it changes."""

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import recall_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier, BackpropRegressor
from skbackprop._engine.layers import Dropout
from skbackprop._engine.network import Network
from skbackprop._engine.optimizers import AdamW, RMSprop
from skbackprop._engine.schedules import make_schedule
from skbackprop._engine.trainer import Trainer

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

STOCHASTIC = ["sgd", "adam", "adamw", "rmsprop"]


@pytest.fixture
def blobs():
    X, y = make_classification(
        n_samples=300, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    return StandardScaler().fit_transform(X), y


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


def test_class_weight_errors(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="not classes of y"):
        BackpropClassifier(class_weight={7: 2.0}, max_iter=2).fit(X, y)
    est = BackpropClassifier(class_weight="balanced")
    assert not hasattr(est, "partial_fit")


# ------------------------------------------------------------------ dropout
def test_dropout_masks_change_between_batches_and_keep_the_scale():
    rng = np.random.RandomState(0)
    layer = Dropout(0.3, rng)
    A = np.ones((4000, 50))
    out1, mask1 = layer.forward(A.copy(), training=True)
    out2, mask2 = layer.forward(A.copy(), training=True)
    assert not np.array_equal(mask1, mask2)
    assert abs(out1.mean() - 1.0) < 0.02  # inverted dropout keeps E[a]
    assert abs((mask1 == 0).mean() - 0.3) < 0.01
    out, mask = layer.forward(A.copy(), training=False)
    assert mask is None and np.array_equal(out, A)


def test_dropout_is_reproducible_and_off_at_predict(blobs):
    X, y = blobs
    params = dict(
        hidden_layer_sizes=(32,),
        dropout=0.5,
        max_iter=50,
        learning_rate_init=0.01,
        random_state=3,
    )
    a = BackpropClassifier(**params).fit(X, y)
    b = BackpropClassifier(**params).fit(X, y)
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])
    np.testing.assert_array_equal(a.predict_proba(X), a.predict_proba(X))
    c = BackpropClassifier(**{**params, "dropout": 0.0}).fit(X, y)
    assert not np.allclose(a.coefs_[0], c.coefs_[0])
    assert a.score(X, y) > 0.8


# ------------------------------------------------------------------- losses
def test_quantile_loss_covers_the_quantile():
    rng = np.random.RandomState(0)
    X = rng.uniform(-2, 2, size=(3000, 1))
    y = np.sin(X[:, 0]) + rng.normal(scale=0.5, size=3000)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    reg = BackpropRegressor(
        loss="quantile",
        quantile=0.9,
        hidden_layer_sizes=(16,),
        max_iter=100,
        learning_rate_init=0.01,
        random_state=0,
    ).fit(X_tr, y_tr)
    coverage = np.mean(y_te <= reg.predict(X_te))
    assert 0.85 < coverage < 0.95


def test_huber_is_less_moved_by_outliers_than_squared_error():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 3))
    y_clean = X @ np.array([1.0, -2.0, 0.5])
    y = y_clean.copy()
    y[:20] += 50  # a few gross outliers
    params = dict(hidden_layer_sizes=(), solver="lbfgs", max_iter=500, random_state=0)
    squared = BackpropRegressor(**params).fit(X, y)
    huber = BackpropRegressor(loss="huber", **params).fit(X, y)
    err = {
        name: np.abs(est.predict(X[20:]) - y_clean[20:]).mean()
        for name, est in [("squared", squared), ("huber", huber)]
    }
    assert err["huber"] < err["squared"] / 3


def test_absolute_error_estimates_the_median():
    rng = np.random.RandomState(0)
    X = np.ones((2001, 1))
    y = rng.exponential(size=2001)  # median log 2, mean 1
    reg = BackpropRegressor(
        loss="absolute_error",
        hidden_layer_sizes=(),
        solver="adam",
        learning_rate_init=0.05,
        max_iter=200,
        random_state=0,
        alpha=0,
    ).fit(X, y)
    assert abs(reg.predict(X[:1])[0] - np.median(y)) < 0.05


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


# -------------------------------------------------------------- optimizers
def test_adamw_decays_weights_but_not_biases():
    params = np.array([1.0, -2.0, 0.5])
    opt = AdamW(3, np.float64, weight_decay=0.1, n_decay=2)
    opt.step(params, np.zeros(3), lr=0.5)
    np.testing.assert_allclose(params, [0.95, -1.9, 0.5])


def test_rmsprop_step_by_hand():
    params, grads = np.array([1.0, 1.0]), np.array([0.2, -0.4])
    opt = RMSprop(2, np.float64, rho=0.9, epsilon=1e-8)
    opt.step(params, grads, lr=0.01)
    v = 0.1 * grads**2
    np.testing.assert_allclose(params, 1.0 - 0.01 * grads / (np.sqrt(v) + 1e-8))


@pytest.mark.parametrize("solver", ["adamw", "rmsprop"])
def test_new_solvers_learn(solver, blobs):
    X, y = blobs
    clf = BackpropClassifier(
        hidden_layer_sizes=(32,),
        solver=solver,
        max_iter=100,
        learning_rate_init=0.01,
        random_state=0,
    ).fit(X, y)
    assert clf.score(X, y) > 0.9


# --------------------------------------------------------------- schedules
def test_cosine_schedule_with_warmup():
    schedule = make_schedule("cosine", 1.0, n_epochs=12, warmup_epochs=2)
    rates = []
    for _ in range(12):
        rates.append(schedule.learning_rate)
        schedule.epoch_end(t=0)
    np.testing.assert_allclose(rates[:3], [1 / 3, 2 / 3, 1.0])
    assert np.all(np.diff(rates[2:]) < 0) and rates[-1] < 0.05


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_schedule_applies_to_every_stochastic_solver(solver, blobs):
    X, y = blobs
    params = dict(hidden_layer_sizes=(8,), solver=solver, max_iter=5, random_state=0)
    constant = BackpropClassifier(**params).fit(X, y)
    cosine = BackpropClassifier(learning_rate="cosine", **params).fit(X, y)
    assert constant.loss_curve_[0] == cosine.loss_curve_[0]  # same first epoch
    assert constant.loss_curve_[-1] != cosine.loss_curve_[-1]


def test_max_grad_norm_clips_each_step():
    rng = np.random.RandomState(0)
    net = Network([3, 4, 1], "tanh", "squared_error", np.float64)
    net.params[...] = rng.normal(size=net.params.size)
    trainer = Trainer(
        net,
        None,
        None,
        alpha=0.0,
        batch_size=10,
        shuffle=False,
        rng=rng,
        max_grad_norm=0.01,
    )
    net.loss_and_grads(rng.normal(size=(10, 3)), rng.normal(size=(10, 1)) * 100)
    norm = trainer._clip(net.grads)
    assert norm > 0.01
    np.testing.assert_allclose(np.linalg.norm(net.grads), 0.01)


# ---------------------------------------------------------- validation set
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


def test_validation_set_errors(blobs):
    X, y = blobs
    est = BackpropClassifier(max_iter=2)
    with pytest.raises(ValueError, match="X_val and y_val"):
        est.fit(X, y, X_val=X)
    with pytest.raises(ValueError, match="y_val has classes"):
        est.fit(X, y, X_val=X[:10], y_val=np.full(10, 9))
    with pytest.raises(ValueError, match="features"):
        est.fit(X, y, X_val=X[:10, :3], y_val=y[:10])


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


# ------------------------------------------------------------- divergence
@pytest.mark.parametrize("solver", STOCHASTIC + ["lbfgs"])
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_learning_rate_1e3_warns_and_keeps_finite_weights(Estimator, solver, blobs):
    X, y = blobs
    if Estimator is BackpropRegressor:
        y = y.astype(float)
    est = Estimator(
        hidden_layer_sizes=(16,),
        solver=solver,
        learning_rate_init=1e3,
        max_iter=50,
        random_state=0,
    )
    if solver == "lbfgs":  # no learning rate: it must simply stay finite
        est.fit(X, y)
    else:
        with pytest.warns(ConvergenceWarning, match="diverged|learning_rate_init"):
            est.fit(X, y)
    assert all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_)
    assert np.isfinite(est.predict(X).astype(float)).all()
