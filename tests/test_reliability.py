"""Faults, determinism, concurrency and persistence.

A KeyboardInterrupt leaves a usable estimator whatever the solver; the same
random_state gives bit-identical models in fresh interpreters and joblib
workers; predict is safe from several threads; pickle, joblib and skops round
trips predict identically and partial_fit continues exactly as on the original.
"""

import pickle
import subprocess
import sys
import textwrap
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.utils.fixes import parse_version

from skbackprop import BackpropClassifier, BackpropRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = [BackpropClassifier, BackpropRegressor]
SOLVERS = ["sgd", "adam", "adamw", "rmsprop", "lbfgs"]
STOCHASTIC = ["sgd", "adam", "adamw", "rmsprop"]


def _data(Estimator, n_samples=90):
    if Estimator is BackpropClassifier:
        X, y = make_classification(
            n_samples=n_samples,
            n_features=5,
            n_informative=3,
            n_classes=3,
            random_state=0,
        )
        y = np.array(["ant", "bee", "cat"])[y]  # string labels survive the trip too
    else:
        X, y = make_regression(
            n_samples=n_samples, n_features=5, noise=0.1, random_state=0
        )
        y = y / y.std()
    return StandardScaler().fit_transform(X), y


def _estimator(Estimator, solver="adam", **params):
    params = {
        "hidden_layer_sizes": (6,),
        "max_iter": 8,
        "random_state": 0,
        "solver": solver,
        **params,
    }
    if solver != "lbfgs":
        # a schedule with state and a warm-up, so that both must survive the trip
        params.setdefault("learning_rate", "adaptive")
        params.setdefault("warmup_iter", 2)
    return Estimator(**params)


def _weights(est):
    return est.coefs_ + est.intercepts_


def _assert_same_weights(a, b):
    for Wa, Wb in zip(_weights(a), _weights(b), strict=True):
        assert Wa.dtype == Wb.dtype
        np.testing.assert_array_equal(Wa, Wb)


def _partial_fit(est, X, y):
    if isinstance(est, BackpropClassifier):
        return est.partial_fit(X, y, classes=np.unique(y))
    return est.partial_fit(X, y)


# ------------------------------------------------------------------- faults
@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("interrupt_at", [1, 7])
def test_keyboard_interrupt_in_lbfgs_keeps_last_iterate(
    Estimator, interrupt_at, monkeypatch
):
    """scipy lets a KeyboardInterrupt through; the estimator stops and warns."""
    from skbackprop._engine import network

    X, y = _data(Estimator)
    est = _estimator(Estimator, solver="lbfgs", max_iter=50)
    original = network.Network.loss_and_grads
    calls = {"n": 0}

    def interrupt(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == interrupt_at:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(network.Network, "loss_and_grads", interrupt)
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X, y)
    monkeypatch.setattr(network.Network, "loss_and_grads", original)
    assert est.n_iter_ == len(est.loss_curve_) < 50
    assert np.isfinite(est.loss_)
    assert all(np.isfinite(W).all() for W in _weights(est))
    predictions = est.predict(X)
    assert predictions.shape == (len(X),)
    if est.n_iter_:  # the weights are those of the last complete iteration
        reference = clone(est).set_params(max_iter=est.n_iter_)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference.fit(X, y)
        _assert_same_weights(est, reference)
        assert est.loss_ == pytest.approx(est.loss_curve_[-1])


# -------------------------------------------------------------- determinism
_FIT_IN_FRESH_INTERPRETER = textwrap.dedent(
    """
    import hashlib, warnings
    import numpy as np
    from sklearn.datasets import make_classification, make_regression
    from skbackprop import BackpropClassifier, BackpropRegressor

    def fit(Estimator, solver):
        if Estimator is BackpropClassifier:
            X, y = make_classification(n_samples=90, n_features=5, random_state=0)
        else:
            X, y = make_regression(n_samples=90, n_features=5, random_state=0)
            y = y / y.std()
        return Estimator(
            hidden_layer_sizes=(6,), solver=solver, max_iter=8, random_state=0,
            early_stopping=solver != "lbfgs", validation_fraction=0.2, dropout=0.1,
        ).fit(X, y)

    def digest(est):
        sha = hashlib.sha256()
        for W in est.coefs_ + est.intercepts_:
            sha.update(np.ascontiguousarray(W).tobytes())
        return sha.hexdigest()

    if __name__ == "__main__":
        warnings.simplefilter("ignore")
        for Estimator in (BackpropClassifier, BackpropRegressor):
            for solver in ("sgd", "adam", "lbfgs"):
                print(Estimator.__name__, solver, digest(fit(Estimator, solver)))
    """
)


def test_same_random_state_bit_identical_in_fresh_interpreters(tmp_path):
    script = tmp_path / "fit_in_fresh_interpreter.py"
    script.write_text(_FIT_IN_FRESH_INTERPRETER)
    runs = [
        subprocess.run(
            [sys.executable, str(script)],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        ).stdout.splitlines()
        for _ in range(2)
    ]
    assert len(runs[0]) == 6 and runs[0] == runs[1]
    # and the same bits as in this interpreter, with its imports and state
    namespace = {}
    exec(compile(_FIT_IN_FRESH_INTERPRETER, str(script), "exec"), namespace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        here = [
            f"{E.__name__} {solver} {namespace['digest'](namespace['fit'](E, solver))}"
            for E in ESTIMATORS
            for solver in ("sgd", "adam", "lbfgs")
        ]
    assert here == runs[0]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_same_random_state_bit_identical_in_joblib_workers(Estimator):
    X, y = _data(Estimator)
    est = _estimator(Estimator, early_stopping=True, dropout=0.1)
    local = clone(est).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        remote = joblib.Parallel(n_jobs=2, backend="loky")(
            joblib.delayed(clone(est).fit)(X, y) for _ in range(2)
        )
    for fitted in remote:
        _assert_same_weights(local, fitted)
        np.testing.assert_array_equal(local.predict(X), fitted.predict(X))


# -------------------------------------------------------------- concurrency
@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_predict_from_four_threads_matches_serial(Estimator, dtype):
    X, y = _data(Estimator, n_samples=400)
    X = X.astype(dtype)
    est = _estimator(Estimator, hidden_layer_sizes=(32, 16)).fit(X, y)
    methods = ["predict"] + (
        ["predict_proba"] if Estimator is BackpropClassifier else []
    )
    for method in methods:
        # chunks of different sizes: BLAS may round a row differently in a
        # different-sized product, so each call is compared with itself, serially
        inputs = ([X] + [X[i::7] for i in range(7)]) * 4
        serial = [getattr(est, method)(A) for A in inputs]
        with ThreadPoolExecutor(max_workers=4) as pool:
            concurrent = list(pool.map(getattr(est, method), inputs))
        for a, b in zip(concurrent, serial, strict=True):
            np.testing.assert_array_equal(a, b)


# -------------------------------------------------------------- persistence
def _round_trips(tmp_path):
    def with_pickle(est):
        return pickle.loads(pickle.dumps(est))

    def with_joblib(est):
        path = tmp_path / "model.joblib"
        joblib.dump(est, path)
        return joblib.load(path)

    return {"pickle": with_pickle, "joblib": with_joblib}


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("how", ["pickle", "joblib"])
def test_round_trip_predicts_identically_and_continues_exactly(
    Estimator, solver, how, tmp_path
):
    X, y = _data(Estimator)
    est = _estimator(Estimator, solver).fit(X, y)
    restored = _round_trips(tmp_path)[how](est)
    if solver != "lbfgs":  # saving must not turn the original's optimizer into a dict
        assert not isinstance(est._training.optimizer, dict)
    _assert_same_weights(est, restored)
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    _assert_continues_identically(est, restored, X, y)


def _assert_continues_identically(est, restored, X, y):
    """More training gives bit-identical weights on the original and the copy."""
    if est.solver == "lbfgs":  # no partial_fit: continue with a warm start
        for model in (est, restored):
            model.set_params(warm_start=True, max_iter=5).fit(X, y)
    else:
        for model in (est, restored):
            for start in (0, 30, 60):
                _partial_fit(model, X[start : start + 30], y[start : start + 30])
    _assert_same_weights(est, restored)
    assert est.loss_curve_ == restored.loss_curve_
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_pickling_keeps_the_optimizer_state_and_leaves_the_original_alone(solver):
    X, y = _data(BackpropRegressor)
    est = _estimator(BackpropRegressor, solver).fit(X, y)
    optimizer, schedule = est._training.optimizer, est._training.schedule
    restored = pickle.loads(pickle.dumps(est))._training
    assert est._training.optimizer is optimizer and est._training.schedule is schedule
    assert type(restored.optimizer) is type(optimizer)
    assert type(restored.schedule) is type(schedule)
    for name, value in vars(optimizer).items():
        if name.startswith("_"):  # scratch buffers: remade, not state
            assert getattr(restored.optimizer, name).shape == value.shape
            continue
        np.testing.assert_array_equal(getattr(restored.optimizer, name), value)
    assert restored.schedule.learning_rate == schedule.learning_rate


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("solver", SOLVERS)
def test_skops_trusts_only_skbackprop_types(Estimator, solver):
    sio = pytest.importorskip(
        "skops.io", reason="skops is not installed (pip install skops, or '.[test]')"
    )
    X, y = _data(Estimator)
    est = _estimator(Estimator, solver).fit(X, y)
    dumped = sio.dumps(est)
    untrusted = sio.get_untrusted_types(data=dumped)
    assert untrusted, "the estimator's own type is always reported"
    assert all(name.startswith("skbackprop.") for name in untrusted), untrusted
    restored = sio.loads(dumped, trusted=untrusted)
    assert type(restored) is Estimator
    _assert_same_weights(est, restored)
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    if Estimator is BackpropClassifier:
        np.testing.assert_array_equal(restored.predict_proba(X), est.predict_proba(X))
    _assert_continues_identically(est, restored, X, y)


@pytest.mark.parametrize("epochs", [30, 600])
def test_saved_models_are_as_small_as_sklearns(tmp_path, epochs):
    # history_ is stored as one array per key, not one record per epoch
    import pandas as pd
    import skops.io as sio
    from sklearn.neural_network import MLPClassifier

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(100, 10)), rng.integers(0, 3, 100)
    sizes = {}
    for cls in (MLPClassifier, BackpropClassifier):
        params = dict(hidden_layer_sizes=(20,), max_iter=epochs, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = cls(n_iter_no_change=10**6, **params).fit(X, y)
        path = tmp_path / f"{cls.__name__}.skops"
        sio.dump(model, path)
        sizes[cls] = len(pickle.dumps(model)), path.stat().st_size
    ours, theirs = sizes[BackpropClassifier], sizes[MLPClassifier]
    assert ours[0] <= 1.5 * theirs[0] and ours[1] <= 1.5 * theirs[1]
    loaded = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    assert isinstance(loaded.history_, list) and len(loaded.history_) == epochs
    assert loaded.history_[0].keys() == model.history_[0].keys()
    assert type(loaded.history_[0]["epoch"]) is int
    pd.testing.assert_frame_equal(
        pd.DataFrame(loaded.history_), pd.DataFrame(model.history_)
    )
    assert pickle.loads(pickle.dumps(model)).history_[-1]["loss"] == model.loss_


SAVED = Path(__file__).parent / "data" / "saved_by_0.1.0.dev0.pkl"


@pytest.mark.skipif(
    parse_version(np.__version__) < parse_version("2"),
    reason="the files were written by numpy 2, whose pickles numpy 1 cannot read",
)
@pytest.mark.parametrize(
    "name", ["classifier_adam", "classifier_sgd", "regressor_lbfgs", "regressor_adamw"]
)
@pytest.mark.parametrize("how", ["pickle", "skops"])
def test_files_saved_before_the_training_record_still_load(name, how):
    # written by the package before the training record (commit 25aa0f1): the
    # record was spread over fitted attributes and _optimizer / _schedule
    with open(SAVED, "rb") as f:
        saved = pickle.load(f)[name]
    if how == "pickle":
        model = pickle.loads(saved["pickle"])
    else:
        sio = pytest.importorskip("skops.io", reason="skops is not installed")
        untrusted = sio.get_untrusted_types(data=saved["skops"])
        model = sio.loads(saved["skops"], trusted=untrusted)
    np.testing.assert_array_equal(model.predict(saved["X"]), saved["predict"])
    assert model.loss_curve_ == saved["loss_curve_"].tolist()
    assert model.n_iter_ == saved["n_iter_"] == len(model.history_)
    X = np.vstack([saved["X"]] * 3)
    y = model.predict(X)
    if name.startswith("regressor"):
        y = y + 10.0  # away from the fitted values, so there is something to learn
    if model.solver == "lbfgs":
        model.set_params(warm_start=True, max_iter=2).fit(X, y)
    else:  # the restored optimizer continues
        model.set_params(early_stopping=False).partial_fit(X, y)
    assert len(model.loss_curve_) > len(saved["loss_curve_"])
