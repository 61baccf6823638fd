"""``skbackprop._base``: what both estimators share.

The sklearn workflow around a fit (pipelines, sparse input, sample weights,
metadata routing), the hyperparameters (their validation, and that each one
reaches the engine), the fit steps across calls (warm start, partial_fit, the
training record and its public copies) and how a fit ends (the warnings and
errors of ``_warn``: divergence, an interrupt, an unhelpful learning rate).
Data validation is ``test_validation.py``'s, target handling
``test_targets.py``'s, the validation set ``test_monitoring.py``'s.
"""

import inspect
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.base import clone
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.fixes import parse_version

import skbackprop
from skbackprop import BackpropClassifier, BackpropRegressor
from skbackprop._engine import (
    ACTIVATIONS,
    LOSSES,
    NUMERIC_EMBEDDINGS,
    OPTIMIZERS,
    SCHEDULES,
)
from skbackprop._engine.optimizers import SGD, Adam, AdamW, RMSprop
from skbackprop._sklearn_compat import StrOptions

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = [BackpropClassifier, BackpropRegressor]
STOCHASTIC = ["sgd", "adam", "adamw", "rmsprop"]


def _standardised_regression():
    X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


def _binary_or_real(Estimator, data):
    """Regression data, its targets made labels for the classifier."""
    X, y = data
    return (X, (y > 0).astype(int)) if Estimator is BackpropClassifier else (X, y)


# ------------------------------------------------------- sklearn workflow
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_pipeline_grid_search_cross_validate(Estimator, data_for):
    X, y = data_for(Estimator)
    pipe = make_pipeline(
        StandardScaler(),
        Estimator(hidden_layer_sizes=(8,), max_iter=30, random_state=0),
    )
    name = pipe.steps[-1][0]
    search = GridSearchCV(pipe, {f"{name}__alpha": [1e-4, 1e-1]}, cv=2).fit(X, y)
    assert search.best_params_[f"{name}__alpha"] in (1e-4, 1e-1)
    scores = cross_validate(pipe, X, y, cv=3)["test_score"]
    assert scores.shape == (3,) and np.isfinite(scores).all()


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_clone_of_a_fitted_estimator_has_its_parameters_and_no_weights(
    Estimator, data_for
):
    X, y = data_for(Estimator)
    est = Estimator(hidden_layer_sizes=(8,), max_iter=5, random_state=0).fit(X, y)
    cloned = clone(est)
    assert cloned.get_params() == est.get_params()
    assert not hasattr(cloned, "coefs_")


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_matches_dense(Estimator, fmt, data_for):
    X, y = data_for(Estimator)
    est = Estimator(hidden_layer_sizes=(8,), max_iter=10, random_state=0)
    dense = clone(est).fit(X, y)
    sparse = clone(est).fit(sp.csr_matrix(X).asformat(fmt), y)
    np.testing.assert_allclose(sparse.coefs_[0], dense.coefs_[0], rtol=1e-10)
    np.testing.assert_allclose(
        sparse.predict(sp.csr_matrix(X).asformat(fmt)), dense.predict(X), rtol=1e-10
    )


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_feature_names_and_count_checked(Estimator, data_for):
    X, y = data_for(Estimator)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    est = Estimator(hidden_layer_sizes=(4,), max_iter=5, random_state=0).fit(frame, y)
    assert list(est.feature_names_in_) == list(frame.columns)
    assert est.n_features_in_ == X.shape[1]
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        with pytest.raises(ValueError, match="features"):
            est.predict(X[:, :3])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_sample_weight_is_a_weighted_mean(Estimator, data_for):
    """Integer weights equal repeated rows when the whole data is one batch."""
    X, y = data_for(Estimator)
    w = np.random.RandomState(0).randint(0, 3, size=len(y))
    params = dict(hidden_layer_sizes=(6,), solver="lbfgs", max_iter=30, random_state=0)
    weighted = Estimator(**params).fit(X, y, sample_weight=w)
    repeated = Estimator(**params).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(weighted.coefs_[0], repeated.coefs_[0], rtol=1e-6)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_sample_weight_metadata_routing(Estimator, data_for):
    X, y = data_for(Estimator)
    w = np.linspace(0.5, 2.0, len(y))
    with sklearn.config_context(enable_metadata_routing=True):
        est = Estimator(
            hidden_layer_sizes=(4,), solver="lbfgs", max_iter=10, random_state=0
        ).set_fit_request(sample_weight=True)
        pipe = make_pipeline(StandardScaler().set_fit_request(sample_weight=False), est)
        pipe.fit(X, y, sample_weight=w)
    direct = clone(est).fit(StandardScaler().fit_transform(X), y, sample_weight=w)
    np.testing.assert_allclose(pipe[-1].coefs_[0], direct.coefs_[0])


@pytest.mark.parametrize(
    "ours, theirs",
    [("BackpropClassifier", "MLPClassifier"), ("BackpropRegressor", "MLPRegressor")],
)
def test_positional_parameters_match_sklearn(ours, theirs):
    """A drop-in replacement takes sklearn's positional arguments in its order."""
    import sklearn.neural_network

    def positional(cls):
        return [
            p.name
            for p in inspect.signature(cls).parameters.values()
            if p.kind == p.POSITIONAL_OR_KEYWORD
        ]

    sk = getattr(sklearn.neural_network, theirs)
    mine = getattr(skbackprop, ours)
    # the order is scikit-learn 1.9's; MLPRegressor had no loss before 1.7
    if parse_version(sklearn.__version__) >= parse_version("1.9"):
        assert positional(mine) == positional(sk)
    # every sklearn parameter exists with the same default
    for name, param in inspect.signature(sk).parameters.items():
        assert inspect.signature(mine).parameters[name].default == param.default


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_predict_before_fit_raises_not_fitted(Estimator, small_data, small_estimator):
    X, _ = small_data(Estimator)
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        small_estimator(Estimator).predict(X)


# -------------------------------------------------------- hyperparameters
# (parameter, bad value, a fragment of what is allowed)
INVALID_PARAMS = [
    ("hidden_layer_sizes", 0, r"an array-like or an int in the range \[1, inf\)"),
    ("hidden_layer_sizes", -3, r"an array-like or an int in the range \[1, inf\)"),
    ("hidden_layer_sizes", 2.5, r"an array-like or an int in the range \[1, inf\)"),
    ("hidden_layer_sizes", "wide", "an array-like or an int"),
    ("hidden_layer_sizes", None, "an array-like or an int"),
    ("activation", "sigmoid", "a str among"),
    ("activation", None, "a str among"),
    ("solver", "newton", "a str among"),
    ("alpha", -1.0, r"a float in the range \[0.0, inf\)"),
    ("alpha", np.nan, r"a float in the range \[0.0, inf\)"),
    ("alpha", np.inf, r"a float in the range \[0.0, inf\)"),
    ("alpha", "strong", r"a float in the range \[0.0, inf\)"),
    ("batch_size", 0, r"a str among \{'auto'\} or an int in the range \[1, inf\)"),
    ("batch_size", 1.5, r"an int in the range \[1, inf\)"),
    ("batch_size", "all", r"a str among \{'auto'\}"),
    ("learning_rate", "fast", "a str among"),
    ("learning_rate_init", 0.0, r"a float in the range \(0.0, inf\)"),
    ("learning_rate_init", -0.1, r"a float in the range \(0.0, inf\)"),
    ("learning_rate_init", np.nan, r"a float in the range \(0.0, inf\)"),
    ("power_t", -0.5, r"a float in the range \[0.0, inf\)"),
    ("max_iter", 0, r"an int in the range \[1, inf\)"),
    ("max_iter", 10.5, r"an int in the range \[1, inf\)"),
    ("shuffle", "yes", "an instance of 'bool'"),
    ("random_state", "seed", "an int in the range"),
    ("random_state", -1, "an int in the range"),
    ("tol", -1e-4, r"a float in the range \[0.0, inf\)"),
    ("verbose", -1, r"an int in the range \[0, inf\)"),
    ("warm_start", "no", "an instance of 'bool'"),
    ("momentum", 1.5, r"a float in the range \[0.0, 1.0\]"),
    ("momentum", -0.1, r"a float in the range \[0.0, 1.0\]"),
    ("nesterovs_momentum", 1, "an instance of 'bool'"),
    ("early_stopping", "true", "an instance of 'bool'"),
    ("validation_fraction", 1.0, r"a float in the range \[0.0, 1.0\)"),
    ("validation_fraction", -0.1, r"a float in the range \[0.0, 1.0\)"),
    ("beta_1", 1.0, r"a float in the range \[0.0, 1.0\)"),
    ("beta_2", -0.5, r"a float in the range \[0.0, 1.0\)"),
    ("epsilon", 0.0, r"a float in the range \(0.0, inf\)"),
    ("n_iter_no_change", 0, r"an int in the range \[1, inf\) or a float among \{inf\}"),
    ("n_iter_no_change", 2.5, r"an int in the range \[1, inf\)"),
    ("max_fun", 0, r"an int in the range \[1, inf\)"),
    ("dropout", 1.0, r"a float in the range \[0.0, 1.0\)"),
    ("dropout", -0.2, r"a float in the range \[0.0, 1.0\)"),
    ("rho", 1.0, r"a float in the range \[0.0, 1.0\)"),
    ("warmup_iter", -1, r"an int in the range \[0, inf\)"),
    ("max_grad_norm", 0.0, r"a float in the range \(0.0, inf\) or None"),
    ("max_grad_norm", -1.0, r"a float in the range \(0.0, inf\) or None"),
    ("scoring", "accuracy_typo", "a str among"),
    ("scoring", 3, "a str among"),
]
CLASSIFIER_PARAMS = [
    ("label_smoothing", 1.0, r"a float in the range \[0.0, 1.0\)"),
    ("label_smoothing", -0.1, r"a float in the range \[0.0, 1.0\)"),
    (
        "class_weight",
        "auto",
        r"an instance of 'dict', a str among \{'balanced'\} or None",
    ),
    ("class_weight", [1, 2], "an instance of 'dict'"),
]
REGRESSOR_PARAMS = [
    ("loss", "mse", "a str among"),
    ("huber_delta", 0.0, r"a float in the range \(0.0, inf\)"),
    ("quantile", 1.0, r"a float in the range \(0.0, 1.0\)"),
    ("quantile", 0.0, r"a float in the range \(0.0, 1.0\)"),
]


def _param_cases():
    for Estimator in ESTIMATORS:
        classifier = Estimator is BackpropClassifier
        extra = CLASSIFIER_PARAMS if classifier else REGRESSOR_PARAMS
        for name, value, allowed in INVALID_PARAMS + extra:
            yield pytest.param(
                Estimator,
                name,
                value,
                allowed,
                id=f"{Estimator.__name__}-{name}={value!r}",
            )


@pytest.mark.parametrize("Estimator, name, value, allowed", list(_param_cases()))
def test_invalid_hyperparameter_names_parameter_value_and_allowed(
    Estimator, name, value, allowed, small_data, small_estimator, raises_unchanged
):
    X, y = small_data(Estimator)
    match = (
        rf"The '{name}' parameter of {Estimator.__name__} must be .*{allowed}.*"
        rf"Got {re.escape(repr(value))} instead"
    )
    # InvalidParameterError is both a ValueError and a TypeError
    raises_unchanged(
        small_estimator(Estimator).set_params(**{name: value}).fit,
        (X, y),
        {},
        InvalidParameterError,
        match,
    )


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_validates_hyperparameters_too(
    Estimator, small_data, small_estimator, raises_unchanged
):
    X, y = small_data(Estimator)
    kwargs = {"classes": [0, 1]} if Estimator is BackpropClassifier else {}
    raises_unchanged(
        small_estimator(Estimator, alpha=-1.0).partial_fit,
        (X, y),
        kwargs,
        InvalidParameterError,
        r"The 'alpha' parameter .* must be a float in the range \[0.0, inf\). "
        "Got -1.0 instead",
    )


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "sizes",
    [(10, 0), (10, 2.0), [[3]], (True,), np.array([3, 0]), (4, -1), (10, "5")],
    ids=[
        "zero_layer",
        "float_layer",
        "nested",
        "bool",
        "array_with_zero",
        "negative",
        "str_layer",
    ],
)
def test_invalid_hidden_layer_sizes_name_parameter_and_value(
    Estimator, sizes, small_data, small_estimator, raises_unchanged
):
    # sequences pass _parameter_constraints ("array-like"): the layer check
    # refuses them (scalars: test_invalid_hyperparameter_names_...)
    X, y = small_data(Estimator)
    est = small_estimator(Estimator).set_params(hidden_layer_sizes=sizes)
    raises_unchanged(
        est.fit,
        (X, y),
        {},
        ValueError,
        "hidden_layer_sizes must be a positive int or a flat sequence of positive "
        rf"ints, one per hidden layer; got {re.escape(repr(sizes))}",
    )


def _string_options(Estimator, name):
    (options,) = [
        c for c in Estimator._parameter_constraints[name] if isinstance(c, StrOptions)
    ]
    return set(options.options)


REGISTRIES = [
    pytest.param(Estimator, name, keys, id=f"{Estimator.__name__}-{name}")
    for Estimator in ESTIMATORS
    for name, keys in [
        ("activation", set(ACTIVATIONS)),
        ("solver", set(OPTIMIZERS) | {"lbfgs"}),
        ("learning_rate", set(SCHEDULES)),
        ("numeric_embedding", set(NUMERIC_EMBEDDINGS)),
    ]
] + [
    # the regression losses: those of an identity or exponential output
    pytest.param(
        BackpropRegressor,
        "loss",
        {k for k, v in LOSSES.items() if v.out_activation in ("identity", "exp")},
        id="BackpropRegressor-loss",
    )
]


@pytest.mark.parametrize("Estimator, name, keys", REGISTRIES)
def test_string_options_are_the_registry_keys(Estimator, name, keys):
    # a name added to a registry is a valid parameter value, and no value
    # is accepted that the engine cannot look up
    assert _string_options(Estimator, name) == keys


OPTIMIZER_SETTINGS = {
    "sgd": (SGD, dict(momentum=0.5, nesterovs_momentum=False), "momentum", 0.5),
    "adam": (Adam, dict(beta_1=0.8, beta_2=0.9, epsilon=1e-6), "beta_2", 0.9),
    "adamw": (AdamW, dict(alpha=0.25, epsilon=1e-6), "weight_decay", 0.25),
    "rmsprop": (RMSprop, dict(rho=0.7, epsilon=1e-6), "rho", 0.7),
}


@pytest.mark.parametrize("solver", sorted(OPTIMIZER_SETTINGS))
def test_solver_settings_reach_the_engines_optimizer(solver, classification):
    # the optimizers' steps are tested in tests/engine/test_optimizers.py;
    # here, that each estimator parameter arrives where the step reads it
    X, y = classification
    Optimizer, params, attribute, value = OPTIMIZER_SETTINGS[solver]
    est = BackpropClassifier((5,), solver=solver, max_iter=2, **params).fit(X, y)
    optimizer = est._training.optimizer
    assert type(optimizer) is Optimizer and getattr(optimizer, attribute) == value
    if solver == "adamw":  # decays the weights, not the biases
        assert optimizer.n_decay == sum(W.size for W in est.coefs_)
    if solver != "sgd":
        assert optimizer.epsilon == 1e-6


def test_max_grad_norm_bounds_each_step(classification):
    # one full-batch step of plain gradient descent, lr 1, moves the weights
    # by exactly max_grad_norm: the gradient of the data is far larger
    X, y = classification
    est = BackpropClassifier(
        (5,),
        solver="sgd",
        momentum=0.0,
        batch_size=len(X),
        max_iter=1,
        warm_start=True,
        shuffle=False,
        random_state=0,
    ).fit(X, y)
    before = np.concatenate([W.ravel() for W in est.coefs_ + est.intercepts_])
    est.set_params(learning_rate_init=1.0, max_grad_norm=1e-4, alpha=0).fit(X, y)
    after = np.concatenate([W.ravel() for W in est.coefs_ + est.intercepts_])
    np.testing.assert_allclose(np.linalg.norm(after - before), 1e-4, rtol=1e-9)
    assert est.history_[-1]["grad_norm"] > 1e-3  # the norm before clipping


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_schedule_applies_to_every_stochastic_solver(solver, classification):
    X, y = classification
    params = dict(hidden_layer_sizes=(8,), solver=solver, max_iter=5, random_state=0)
    constant = BackpropClassifier(**params).fit(X, y)
    cosine = BackpropClassifier(learning_rate="cosine", **params).fit(X, y)
    assert constant.loss_curve_[0] == cosine.loss_curve_[0]  # same first epoch
    assert constant.loss_curve_[-1] != cosine.loss_curve_[-1]


def test_dropout_is_reproducible_and_off_at_predict(classification):
    X, y = classification
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


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_batch_size_larger_than_data_warns_and_fits(
    Estimator, method, small_data, small_estimator
):
    X, y = small_data(Estimator)
    est = small_estimator(Estimator, batch_size=100)
    classifier = Estimator is BackpropClassifier
    kwargs = {"classes": [0, 1]} if method == "partial_fit" and classifier else {}
    with pytest.warns(
        UserWarning,
        match="batch_size=100 is larger than the 20 "
        "training samples; using batches of 20",
    ):
        getattr(est, method)(X, y, **kwargs)
    assert np.isfinite(est.predict(X).astype(float)).all()


# ------------------------------------------------ warm start, partial_fit
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_warm_start_continues_from_previous_weights(Estimator, data_for):
    X, y = data_for(Estimator)
    est = Estimator(
        hidden_layer_sizes=(8,), max_iter=5, random_state=0, warm_start=True
    )
    est.fit(X, y)
    first = [W.copy() for W in est.coefs_]
    est.fit(X, y)
    assert len(est.loss_curve_) == 10
    assert est.loss_curve_[5] < est.loss_curve_[0]
    assert not np.array_equal(first[0], est.coefs_[0])
    cold = Estimator(hidden_layer_sizes=(8,), max_iter=5, random_state=0).fit(X, y)
    cold.fit(X, y)
    assert len(cold.loss_curve_) == 5


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_streams(Estimator, data_for):
    X, y = data_for(Estimator)
    est = Estimator(hidden_layer_sizes=(8,), random_state=0, learning_rate_init=0.01)
    kwargs = {"classes": np.unique(y)} if Estimator is BackpropClassifier else {}
    est.partial_fit(X[:60], y[:60], **kwargs)
    losses = []
    for _ in range(15):
        est.partial_fit(X, y)
        losses.append(est.loss_)
    assert losses[-1] < losses[0]
    assert len(est.loss_curve_) == 16 and est.t_ == 60 + 15 * len(X)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_unavailable_for_lbfgs(Estimator):
    est = Estimator(solver="lbfgs")
    assert not hasattr(est, "partial_fit")
    with pytest.raises(AttributeError, match="partial_fit") as excinfo:
        est.partial_fit  # noqa: B018 (the attribute access is the test)
    assert "stochastic solvers" in str(excinfo.value.__cause__)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_refuses_early_stopping(
    Estimator, small_data, small_estimator, raises_unchanged
):
    X, y = small_data(Estimator)
    kwargs = {"classes": [0, 1]} if Estimator is BackpropClassifier else {}
    raises_unchanged(
        small_estimator(Estimator, early_stopping=True).partial_fit,
        (X, y),
        kwargs,
        ValueError,
        "partial_fit does not support early_stopping=True",
    )


def test_partial_fit_refuses_a_changed_number_of_outputs(
    small_data, small_estimator, raises_unchanged
):
    X, y = small_data(BackpropRegressor)
    reg = small_estimator(BackpropRegressor).partial_fit(X, y)
    raises_unchanged(
        reg.partial_fit,
        (X, np.c_[y, y]),
        {},
        ValueError,
        r"same architecture as the previous fit: layer sizes \[3, 4, 2\] differ "
        r"from the fitted \[3, 4, 1\]",
    )


# the fitted attributes that copy the training record, as sklearn's MLP has them
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


# ---------------------------------------------------------------- history
def test_history_matches_the_curves(classification):
    X, y = classification
    clf = BackpropClassifier(
        hidden_layer_sizes=(8,),
        max_iter=6,
        early_stopping=True,
        learning_rate="invscaling",
        solver="sgd",
        random_state=0,
    ).fit(X, y)
    history = pd.DataFrame(clf.history_)
    assert list(history.columns) == [
        "epoch",
        "loss",
        "val_loss",
        "val_score",
        "learning_rate",
        "grad_norm",
        "seconds",
    ]
    np.testing.assert_array_equal(history["loss"], clf.loss_curve_)
    np.testing.assert_array_equal(history["val_score"], clf.validation_scores_)
    np.testing.assert_array_equal(history["val_loss"], clf.validation_loss_curve_)
    assert history["learning_rate"].iloc[0] == 0.001
    assert (np.diff(history["learning_rate"]) < 0).all()  # invscaling decays
    assert (history["grad_norm"] > 0).all() and (history["seconds"] >= 0).all()
    assert list(history["epoch"]) == list(range(1, 7))


def test_history_across_warm_start_and_partial_fit(classification):
    X, y = classification
    clf = BackpropClassifier(
        hidden_layer_sizes=(8,), max_iter=3, warm_start=True, random_state=0
    )
    clf.fit(X, y).fit(X, y)
    clf.partial_fit(X, y)
    assert len(clf.history_) == len(clf.loss_curve_) == 7
    assert [r["epoch"] for r in clf.history_] == list(range(1, 8))
    assert [r["loss"] for r in clf.history_] == clf.loss_curve_
    clf.set_params(warm_start=False).fit(X, y)  # a cold fit starts afresh
    assert len(clf.history_) == 3


def test_lbfgs_history_has_one_record_per_iteration(regression):
    X, y = regression
    reg = BackpropRegressor(
        hidden_layer_sizes=(4,), solver="lbfgs", max_iter=15, random_state=0
    ).fit(X, y)
    assert len(reg.history_) == len(reg.loss_curve_) == reg.n_iter_


# ------------------------------------------------------ how a fit ends
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


# the engine's rollback is tested in tests/engine/test_trainer.py; here, the
# estimator's warning and what it publishes
@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("solver", STOCHASTIC)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_divergence_warns_and_keeps_sane_weights(Estimator, solver, early_stopping):
    X, y = _binary_or_real(Estimator, _standardised_regression())
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


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_diverging_partial_fit_stream_rolls_back(Estimator):
    X, y = _binary_or_real(Estimator, _standardised_regression())
    est = Estimator(solver="sgd", learning_rate_init=1e3, momentum=0.9, random_state=0)
    kwargs = {"classes": [0, 1]} if Estimator is BackpropClassifier else {}
    with pytest.warns(ConvergenceWarning, match="diverged"):
        for _ in range(5):
            est.partial_fit(X, y, **kwargs)
    assert np.isfinite(est.loss_curve_).all()
    assert np.isfinite(_training_loss(est, X, y))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_healthy_fit_is_not_called_divergent(Estimator):
    X, y = _binary_or_real(Estimator, _standardised_regression())
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        Estimator(hidden_layer_sizes=(16,), max_iter=2000, random_state=0).fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_huge_features_never_leave_non_finite_weights(Estimator, solver, regression):
    X, y = _binary_or_real(Estimator, regression)
    est = Estimator(
        hidden_layer_sizes=(16,),
        solver=solver,
        learning_rate_init=1e3,
        max_iter=30,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X * 1e150, y)
    assert all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_data_that_overflows_at_the_initial_weights_raises(solver):
    # nothing can be learned when the loss is already inf before any step:
    # a ValueError naming the cause, as sklearn's MLP raises (a classifier's
    # clipped log loss stays finite, so it trains on)
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    y = rng.standard_normal(10)
    est = BackpropRegressor(solver=solver, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="input data may contain large values"):
            est.fit(X, y)


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


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_keyboard_interrupt_keeps_last_complete_epoch(Estimator, data_for, monkeypatch):
    # the 'lbfgs' interrupt: tests/test_reliability.py
    X, y = data_for(Estimator)
    est = Estimator(hidden_layer_sizes=(8,), max_iter=50, random_state=0)
    from skbackprop._engine import trainer

    calls = {"n": 0}
    original = trainer.Trainer.epoch

    def interrupt_third_epoch(self, *args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(self, *args)

    monkeypatch.setattr(trainer.Trainer, "epoch", interrupt_third_epoch)
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X, y)
    assert est.n_iter_ == 2 and len(est.loss_curve_) == 2
    reference = clone(est).set_params(max_iter=2)
    monkeypatch.setattr(trainer.Trainer, "epoch", original)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference.fit(X, y)
    np.testing.assert_array_equal(est.coefs_[0], reference.coefs_[0])


def test_a_fit_that_diverges_in_its_first_epoch_still_records_it():
    X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    est = BackpropRegressor(solver="sgd", learning_rate_init=1e4, random_state=0)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        est.fit(X, y)
    assert est.n_iter_ == len(est.loss_curve_) == len(est.history_) >= 1
    assert np.isfinite(est.predict(X)).all()


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_saturating_features_warn_whatever_the_solver(Estimator, solver):
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    est = Estimator(hidden_layer_sizes=(4,), solver=solver, max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.warns(UserWarning, match=r"up to 3.*e\+30 .*StandardScaler"):
            try:
                est.fit(X * 1e30, y)
            except ValueError:  # lbfgs / sgd may also refuse: the warning came first
                pass


def test_large_but_not_saturating_features_do_not_warn():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        BackpropClassifier(hidden_layer_sizes=(4,), max_iter=3).fit(X * 1e5, y)
