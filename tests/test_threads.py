"""The BLAS thread limit around a fit (no timing: only which limit is set)."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from skbackprop import BackpropClassifier, _threads

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def blas_threads_now():
    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


def test_small_network_runs_on_one_thread_and_restores():
    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_threads_now()
        with _threads.limit_blas_threads([20, 100, 1], 200):
            assert blas_threads_now() == 1
        assert blas_threads_now() == before


def test_never_raises_the_limit_in_force():
    with threadpool_limits(limits=1, user_api="blas"):
        with _threads.limit_blas_threads([784, 512, 512, 10], 256):
            assert blas_threads_now() == 1


def test_large_products_keep_the_threads():
    # decided from the shapes alone: whatever else the machine is doing
    with threadpool_limits(limits=2, user_api="blas"):
        with _threads.limit_blas_threads([784, 512, 512, 10], 256):
            assert blas_threads_now() == 2


def test_threads_in_force_follow_the_user_limit():
    for limit in (1, 2):
        with threadpool_limits(limits=limit, user_api="blas"):
            assert _threads.blas_threads_in_force() == limit


def test_fit_uses_the_limit(monkeypatch):
    seen = []
    real = _threads.limit_blas_threads

    def spy(layer_units, rows):
        seen.append((list(layer_units), rows))
        return real(layer_units, rows)

    import skbackprop._base as base

    monkeypatch.setattr(base, "limit_blas_threads", spy)
    X = np.random.default_rng(0).normal(size=(60, 4))
    y = (X[:, 0] > 0).astype(int)
    BackpropClassifier((5,), max_iter=2, batch_size=16).fit(X, y)
    BackpropClassifier((5,), max_iter=2, solver="lbfgs").fit(X, y)
    assert seen == [([4, 5, 1], 16), ([4, 5, 1], 60)]
