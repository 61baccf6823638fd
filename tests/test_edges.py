"""Nothing silent at the edges: diverging fits, overflowing inputs, fitted
attributes through any sequence of calls, the learning-rate warning, and
sklearn's checks with default settings."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skbackprop import BackpropClassifier, BackpropRegressor

STOCHASTIC = ["sgd", "adam", "adamw", "rmsprop"]


def _standardised_regression():
    X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def _data(Estimator):
    X, y = _standardised_regression()
    return (X, (y > 0).astype(int)) if Estimator is BackpropClassifier else (X, y)


def _training_loss(est, X, y):
    """The loss of the returned weights on the training data, penalty included."""
    if isinstance(est, BackpropClassifier):
        P = est.predict_proba(X)
        loss = -np.log(P[np.arange(len(y)), y]).mean()
    else:
        loss = 0.5 * ((est.predict(X) - y) ** 2).mean()
    alpha = 0.0 if est.solver == "adamw" else est.alpha  # adamw decays instead
    penalty = sum((W**2).sum() for W in est.coefs_)
    return loss + 0.5 * alpha * penalty / len(y)


# ------------------------------------------------------------ 1. divergence
@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("solver", STOCHASTIC)
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_exploding_fit_stops_restores_and_warns(Estimator, solver, early_stopping):
    X, y = _data(Estimator)
    est = Estimator(
        solver=solver,
        learning_rate_init=1e3,
        momentum=0.9,
        early_stopping=early_stopping,
        max_iter=50,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning, match="learning_rate_init") as record:
        est.fit(X, y)
    curve = np.asarray(est.loss_curve_)
    assert np.isfinite(curve).all() and len(curve) == est.n_iter_
    # the returned weights are sane: their loss is what loss_ says
    loss = _training_loss(est, X, y)
    assert np.isfinite(loss) and loss < 1e3 * curve[0]
    if any("diverged" in str(w.message) for w in record):
        assert est.n_iter_ < 50
        if not early_stopping:
            np.testing.assert_allclose(est.loss_, loss, rtol=1e-6)
    else:  # adamw's decay keeps the weights bounded: the loss never exploded
        assert curve.max() < 1e3 * curve.min()


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_exploding_partial_fit_stream_rolls_back(Estimator):
    X, y = _data(Estimator)
    est = Estimator(solver="sgd", learning_rate_init=1e3, momentum=0.9, random_state=0)
    kwargs = {"classes": [0, 1]} if Estimator is BackpropClassifier else {}
    with pytest.warns(ConvergenceWarning, match="diverged"):
        for _ in range(5):
            est.partial_fit(X, y, **kwargs)
    assert np.isfinite(est.loss_curve_).all()
    assert np.isfinite(_training_loss(est, X, y))


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_healthy_fit_is_not_called_divergent(Estimator):
    X, y = _data(Estimator)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        Estimator(hidden_layer_sizes=(16,), max_iter=2000, random_state=0).fit(X, y)


# ---------------------------------------------------- 2. overflowing inputs
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_overflowing_data_fail_at_fit_not_at_predict(Estimator, solver, dtype, sparse):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 5)) * 1e30
    y = (X[:, 0] > 0).astype(int) if Estimator is BackpropClassifier else X[:, 0] / 1e30
    X = X.astype(dtype)
    X = sp.csr_matrix(X) if sparse else X
    est = Estimator(solver=solver, max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        try:
            est.fit(X, y)
        except ValueError as exc:
            assert "StandardScaler" in str(exc)
            return
    # a fit that succeeded must predict its own training data
    P = est.predict(X)
    assert np.isfinite(np.asarray(P, dtype=float)).all()


# ------------------------------------- 3. fitted attributes as sklearn's MLP
ATTRIBUTES = [
    "n_iter_",
    "t_",
    "loss_",
    "loss_curve_",
    "best_loss_",
    "validation_scores_",
    "best_validation_score_",
    "n_features_in_",
]


def _sequence_steps(kind):
    """Calls as (method, set_params kwargs); early stopping has no partial_fit."""
    if kind == "partial_fit":
        return [("fit", {}), ("partial_fit", {}), ("partial_fit", {})]
    if kind == "warm_start":
        return [
            ("fit", {}),
            ("fit", {"warm_start": True, "max_iter": 3}),
            ("partial_fit", {}),
            ("fit", {"warm_start": False}),
        ]
    return [("fit", {}), ("fit", {"warm_start": True, "max_iter": 4})]


def _assert_same_attributes(ours, theirs):
    for name in ATTRIBUTES:
        a, b = getattr(ours, name), getattr(theirs, name)
        if a is None or b is None:
            assert a is b, name
        else:
            np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-12, err_msg=name)
    if hasattr(theirs, "classes_"):
        np.testing.assert_array_equal(ours.classes_, theirs.classes_)


@pytest.mark.parametrize("kind", ["partial_fit", "warm_start", "early_stopping"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize(
    "Ours, Theirs",
    [(BackpropClassifier, MLPClassifier), (BackpropRegressor, MLPRegressor)],
)
def test_fitted_attributes_follow_sklearn_through_sequences(Ours, Theirs, solver, kind):
    if Ours is BackpropClassifier:
        X, y = make_classification(n_samples=120, n_features=6, random_state=0)
    else:
        X, y = _standardised_regression()
    params = dict(
        hidden_layer_sizes=(7,),
        solver=solver,
        max_iter=5,
        random_state=0,
        early_stopping=kind == "early_stopping",
    )
    ours, theirs = Ours(**params), Theirs(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for method, changes in _sequence_steps(kind):
            for est in (ours, theirs):
                est.set_params(**changes)
                getattr(est, method)(X, y)
            _assert_same_attributes(ours, theirs)
    # history_ has a record for every epoch of every call
    assert len(ours.history_) == len(ours.loss_curve_)


# ------------------------------------------- 4. learning rate far too large
def test_too_large_learning_rate_warns_on_one_batch_data():
    X, y = load_iris(return_X_y=True)  # 150 samples: one batch of 'auto'
    with pytest.warns(ConvergenceWarning, match="learning_rate_init=10 is probably"):
        BackpropClassifier(learning_rate_init=10, random_state=0).fit(X, y)


def test_healthy_one_batch_fit_does_not_warn_of_the_learning_rate():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        BackpropClassifier(max_iter=50, random_state=0).fit(X, y)
    assert not [w for w in record if "probably too large" in str(w.message)]


# ------------------------------------ 5. sklearn's checks, default settings
@parametrize_with_checks(
    [
        Estimator(solver=solver)
        for Estimator in (BackpropClassifier, BackpropRegressor)
        for solver in [*STOCHASTIC, "lbfgs"]
    ]
)
def test_sklearn_checks_with_default_settings(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_saturated_probabilities_stay_inside_zero_and_one(solver):
    X, y = make_classification(n_samples=100, n_features=4, random_state=0)
    clf = BackpropClassifier(solver=solver, max_iter=500, alpha=0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X * 100, y)
    P = clf.predict_proba(X * 100)
    assert (P > 0).all() and (P < 1).all()
    assert np.isfinite(clf.predict_log_proba(X * 100)).all()
    np.testing.assert_array_equal(clf.classes_[P.argmax(axis=1)], clf.predict(X * 100))
