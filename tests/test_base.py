"""Behaviour shared by both estimators: the sklearn workflow around them."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier, BackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


# the classification and regression fixtures are tests/conftest.py's


def _data(Estimator, classification, regression):
    return classification if Estimator is BackpropClassifier else regression


ESTIMATORS = [BackpropClassifier, BackpropRegressor]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_pipeline_grid_search_cross_validate(Estimator, classification, regression):
    X, y = _data(Estimator, classification, regression)
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
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_pickle_round_trip_and_clone(Estimator, solver, classification, regression):
    X, y = _data(Estimator, classification, regression)
    est = Estimator(hidden_layer_sizes=(8,), solver=solver, max_iter=20, random_state=0)
    est.fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    cloned = clone(est)
    assert cloned.get_params() == est.get_params()
    assert not hasattr(cloned, "coefs_")


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_same_random_state_gives_identical_models(
    Estimator, classification, regression
):
    X, y = _data(Estimator, classification, regression)
    a = Estimator(hidden_layer_sizes=(8,), max_iter=10, random_state=3).fit(X, y)
    b = Estimator(hidden_layer_sizes=(8,), max_iter=10, random_state=3).fit(X, y)
    for Wa, Wb in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(Wa, Wb)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_streams_and_pickled_copy_continues(
    Estimator, classification, regression
):
    X, y = _data(Estimator, classification, regression)
    est = Estimator(hidden_layer_sizes=(8,), random_state=0, learning_rate_init=0.01)
    kwargs = {"classes": np.unique(y)} if Estimator is BackpropClassifier else {}
    est.partial_fit(X[:60], y[:60], **kwargs)
    copy = pickle.loads(pickle.dumps(est))
    losses = []
    for _ in range(15):
        est.partial_fit(X, y)
        copy.partial_fit(X, y)
        losses.append(est.loss_)
    assert losses[-1] < losses[0]
    for Wa, Wb in zip(est.coefs_, copy.coefs_):
        np.testing.assert_array_equal(Wa, Wb)
    assert len(est.loss_curve_) == 16 and est.t_ == 60 + 15 * len(X)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_partial_fit_unavailable_for_lbfgs(Estimator):
    est = Estimator(solver="lbfgs")
    assert not hasattr(est, "partial_fit")
    with pytest.raises(AttributeError, match="partial_fit") as excinfo:
        est.partial_fit  # noqa: B018 (the attribute access is the test)
    assert "stochastic solvers" in str(excinfo.value.__cause__)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_warm_start_continues_from_previous_weights(
    Estimator, classification, regression
):
    X, y = _data(Estimator, classification, regression)
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
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_float32_stays_float32(Estimator, solver, classification, regression):
    X, y = _data(Estimator, classification, regression)
    X32 = X.astype(np.float32)
    est = Estimator(hidden_layer_sizes=(8,), solver=solver, max_iter=20, random_state=0)
    est.fit(X32, y)
    assert all(W.dtype == np.float32 for W in est.coefs_ + est.intercepts_)
    if Estimator is BackpropClassifier:
        assert est.predict_proba(X32).dtype == np.float32
    else:
        assert est.predict(X32).dtype == np.float32


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_matches_dense(Estimator, fmt, classification, regression):
    X, y = _data(Estimator, classification, regression)
    est = Estimator(hidden_layer_sizes=(8,), max_iter=10, random_state=0)
    dense = clone(est).fit(X, y)
    sparse = clone(est).fit(sp.csr_matrix(X).asformat(fmt), y)
    np.testing.assert_allclose(sparse.coefs_[0], dense.coefs_[0], rtol=1e-10)
    np.testing.assert_allclose(
        sparse.predict(sp.csr_matrix(X).asformat(fmt)), dense.predict(X), rtol=1e-10
    )


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_feature_names_and_count_checked(Estimator, classification, regression):
    X, y = _data(Estimator, classification, regression)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    est = Estimator(hidden_layer_sizes=(4,), max_iter=5, random_state=0).fit(frame, y)
    assert list(est.feature_names_in_) == list(frame.columns)
    assert est.n_features_in_ == X.shape[1]
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :3])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_early_stopping_restores_best_weights(Estimator, classification, regression):
    X, y = _data(Estimator, classification, regression)
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


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_sample_weight_is_a_weighted_mean(Estimator, classification, regression):
    """Integer weights equal repeated rows when the whole data is one batch."""
    X, y = _data(Estimator, classification, regression)
    w = np.random.RandomState(0).randint(0, 3, size=len(y))
    params = dict(hidden_layer_sizes=(6,), solver="lbfgs", max_iter=30, random_state=0)
    weighted = Estimator(**params).fit(X, y, sample_weight=w)
    repeated = Estimator(**params).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(weighted.coefs_[0], repeated.coefs_[0], rtol=1e-6)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_sample_weight_metadata_routing(Estimator, classification, regression):
    X, y = _data(Estimator, classification, regression)
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
    "sizes", [10.0, (10.5,), ((10, 20),), (10, "5"), (0,), (True,), -3]
)
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_bad_hidden_layer_sizes_name_the_parameter(
    Estimator, sizes, classification, regression
):
    X, y = _data(Estimator, classification, regression)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        Estimator(hidden_layer_sizes=sizes).fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_huge_features_never_leave_non_finite_weights(Estimator, solver, regression):
    X, y = regression
    if Estimator is BackpropClassifier:
        y = (y > 0).astype(int)
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


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_divergence_warns_and_rolls_back(Estimator, regression):
    X, y = regression
    if Estimator is BackpropClassifier:
        y = (y > 0).astype(int)
    est = Estimator(
        hidden_layer_sizes=(16,),
        solver="sgd",
        learning_rate_init=1e3,
        max_iter=30,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning, match="diverged"):
        est.fit(X * 1e100, y)
    assert all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_)
    assert np.isfinite(est.loss_) and len(est.loss_curve_) == est.n_iter_


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_keyboard_interrupt_keeps_last_complete_epoch(
    Estimator, classification, regression, monkeypatch
):
    X, y = _data(Estimator, classification, regression)
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


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_verbose_prints_sklearn_lines(Estimator, classification, regression, capsys):
    X, y = _data(Estimator, classification, regression)
    Estimator(hidden_layer_sizes=(4,), max_iter=3, verbose=True, random_state=0).fit(
        X, y
    )
    out = capsys.readouterr().out
    assert "Iteration 1, loss = " in out and "Iteration 3, loss = " in out


def test_batch_size_larger_than_data_warns(classification):
    X, y = classification
    with pytest.warns(UserWarning, match="batch_size"):
        BackpropClassifier(batch_size=10_000, max_iter=2).fit(X, y)


@pytest.mark.parametrize(
    "ours, theirs",
    [("BackpropClassifier", "MLPClassifier"), ("BackpropRegressor", "MLPRegressor")],
)
def test_positional_parameters_match_sklearn(ours, theirs):
    """A drop-in replacement takes sklearn's positional arguments in its order."""
    import inspect

    import sklearn.neural_network
    from sklearn.utils.fixes import parse_version

    import skbackprop

    sklearn_version = parse_version(sklearn.__version__)

    def positional(cls):
        return [
            p.name
            for p in inspect.signature(cls).parameters.values()
            if p.kind == p.POSITIONAL_OR_KEYWORD
        ]

    sk = getattr(sklearn.neural_network, theirs)
    mine = getattr(skbackprop, ours)
    # the order is scikit-learn 1.9's; MLPRegressor had no loss before 1.7
    if sklearn_version >= parse_version("1.9"):
        assert positional(mine) == positional(sk)
    # every sklearn parameter exists with the same default
    for name, param in inspect.signature(sk).parameters.items():
        assert inspect.signature(mine).parameters[name].default == param.default


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


def test_verbose_lines_name_iterations_as_sklearn_does(capsys):
    X = [[3, 2], [1, 6]]
    y = [1, 0]
    for verbose in (1, 10):
        clf = BackpropClassifier(2, solver="sgd", max_iter=2, verbose=verbose)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(X, y)
        clf.partial_fit(X, y)
        assert "Iteration" in capsys.readouterr().out


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
