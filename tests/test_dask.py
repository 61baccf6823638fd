"""Scaling out with dask: searches on a distributed cluster, training out of core.

Needs the ``dask`` extra (``pip install "skbackprop[dask]"``); skipped without
it. The cluster is two local worker processes bound to 127.0.0.1.
"""

import time
import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skbackprop import BackpropClassifier, BackpropRegressor

dask = pytest.importorskip(
    "dask", reason="dask is not installed: pip install 'skbackprop[dask]'"
)
distributed = pytest.importorskip(
    "distributed",
    reason="dask.distributed is not installed: pip install 'skbackprop[dask]'",
)
import dask.array as da  # noqa: E402
import joblib  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

N_ROWS, N_FEATURES, CHUNK = 1_000_000, 10, 100_000
WEIGHTS = np.linspace(-1, 1, N_FEATURES).astype(np.float32)


@pytest.fixture(scope="module")
def client():
    cluster = client = None
    try:
        cluster = distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = distributed.Client(cluster)
        yield client
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def _cv_results_without_timings(search):
    return {k: v for k, v in search.cv_results_.items() if not k.endswith("_time")}


def test_grid_search_on_dask_cluster_equals_sequential_run(client):
    X, y = make_classification(
        n_samples=150, n_features=6, n_informative=4, random_state=0
    )
    search = GridSearchCV(
        BackpropClassifier(hidden_layer_sizes=(8,), max_iter=20, random_state=0),
        {"alpha": [1e-4, 1e-1], "solver": ["adam", "sgd"]},
        cv=3,
    )
    sequential = clone(search).fit(X, y)
    with distributed.get_task_stream(client) as tasks:
        with joblib.parallel_backend("dask"):
            on_cluster = clone(search).fit(X, y)
    workers = {task["worker"] for task in tasks.data}
    assert len(tasks.data) >= 12 and len(workers) == 2  # 4 candidates x 3 folds
    assert on_cluster.best_params_ == sequential.best_params_
    expected = _cv_results_without_timings(sequential)
    got = _cv_results_without_timings(on_cluster)
    assert got.keys() == expected.keys()
    assert "mean_test_score" in got and "rank_test_score" in got
    for key, value in expected.items():
        if key == "params":
            assert got[key] == value
        else:  # scores bit for bit, not approximately
            np.testing.assert_array_equal(np.asarray(got[key]), np.asarray(value))


def _out_of_core_data(n_rows=N_ROWS, chunk=CHUNK):
    """A lazy float32 array, never held whole: a linear-ish target of 10 features."""
    X = (
        da.random.RandomState(0)
        .standard_normal((n_rows, N_FEATURES), chunks=(chunk, N_FEATURES))
        .astype(np.float32)
    )
    y = (X @ WEIGHTS + 0.5 * da.sin(X[:, 0])).astype(np.float32)
    return X, y


def _held_out():
    X = np.random.RandomState(1).standard_normal((5_000, N_FEATURES)).astype(np.float32)
    return X, X @ WEIGHTS + 0.5 * np.sin(X[:, 0])


def _partial_fit_over_blocks(est, X, y):
    """The documented loop: compute one block of rows at a time, learn from it."""
    for X_block, y_block in zip(X.to_delayed().ravel(), y.to_delayed(), strict=True):
        X_block, y_block = dask.compute(X_block, y_block, scheduler="synchronous")
        est.partial_fit(X_block, y_block)
    return est


def _regressor():
    return BackpropRegressor(
        hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0
    )


def _peak_memory(fit):
    """Run ``fit()``; return its result and the peak traced memory in bytes."""
    tracemalloc.start()  # numpy reports its buffers to tracemalloc
    try:
        result = fit()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_out_of_core_partial_fit_over_a_million_rows_learns_in_bounded_memory():
    X, y = _out_of_core_data()
    whole_array = N_ROWS * N_FEATURES * 4
    start = time.perf_counter()
    est, peak = _peak_memory(lambda: _partial_fit_over_blocks(_regressor(), X, y))
    seconds = time.perf_counter() - start
    X_test, y_test = _held_out()
    score = est.score(X_test, y_test)
    print(
        f"1e6 rows out of core: {seconds:.1f} s, peak {peak / 1e6:.1f} MB, "
        f"R2 {score:.4f}"
    )
    # like sklearn, n_iter_ counts the epochs of the last call: one
    assert est.t_ == N_ROWS and est.n_iter_ == 1
    assert len(est.loss_curve_) == N_ROWS // CHUNK
    assert score > 0.99
    assert peak < whole_array / 2  # a few blocks at a time, never the whole array


def test_dask_ml_incremental_trains_like_the_loop_in_bounded_memory():
    wrappers = pytest.importorskip(
        "dask_ml.wrappers", reason="dask-ml is not installed: pip install dask-ml"
    )
    X, y = _out_of_core_data()
    # the synchronous scheduler computes one block after the other; the threaded
    # default computes every block up front (the whole array in memory)
    with dask.config.set(scheduler="synchronous"):
        incremental, peak = _peak_memory(
            lambda: wrappers.Incremental(_regressor(), shuffle_blocks=False).fit(X, y)
        )
    assert peak < N_ROWS * N_FEATURES * 4 / 2
    loop = _partial_fit_over_blocks(_regressor(), X, y)
    for a, b in zip(incremental.estimator_.coefs_, loop.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    X_test, y_test = _held_out()
    assert incremental.estimator_.score(X_test, y_test) > 0.99


def test_incremental_on_the_cluster_continues_exactly_across_workers(client):
    """Every block may train on another worker: the model travels by pickle."""
    wrappers = pytest.importorskip(
        "dask_ml.wrappers", reason="dask-ml is not installed: pip install dask-ml"
    )
    X, y = _out_of_core_data(n_rows=80_000, chunk=10_000)
    with warnings.catch_warnings(), distributed.get_task_stream(client) as tasks:
        warnings.simplefilter("ignore", ConvergenceWarning)
        on_cluster = wrappers.Incremental(
            BackpropRegressor(
                hidden_layer_sizes=(8,),
                solver="sgd",
                learning_rate="invscaling",
                random_state=0,
            ),
            shuffle_blocks=False,
        ).fit(X, y)
    local = _partial_fit_over_blocks(
        BackpropRegressor(
            hidden_layer_sizes=(8,),
            solver="sgd",
            learning_rate="invscaling",
            random_state=0,
        ),
        X,
        y,
    )
    assert any("fit-" in str(task["key"]) for task in tasks.data)  # ran on the cluster
    assert on_cluster.estimator_.t_ == local.t_ == 80_000
    for a, b in zip(
        on_cluster.estimator_.coefs_ + on_cluster.estimator_.intercepts_,
        local.coefs_ + local.intercepts_,
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)
