"""The BLAS thread limit around a fit (no timing: only which limit is set)."""

import os

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


def test_large_products_keep_the_threads(monkeypatch):
    monkeypatch.setattr(_threads, "idle_cpus", lambda: 2)
    with threadpool_limits(limits=2, user_api="blas"):
        with _threads.limit_blas_threads([784, 512, 512, 10], 256):
            assert blas_threads_now() == 2


def test_busy_machine_gets_one_thread(monkeypatch):
    # the other processes keep every core but one busy
    monkeypatch.setattr(_threads, "idle_cpus", lambda: 1)
    with threadpool_limits(limits=2, user_api="blas"):
        with _threads.limit_blas_threads([784, 512, 512, 10], 256):
            assert blas_threads_now() == 1


def test_idle_cpus_in_range():
    n = os.cpu_count() or 1
    assert 1 <= _threads.idle_cpus(window=0.02) <= n


def test_small_fit_does_not_sample_the_load(monkeypatch):
    def fail():
        raise AssertionError("idle_cpus sampled for a one-thread network")

    monkeypatch.setattr(_threads, "idle_cpus", fail)
    with threadpool_limits(limits=2, user_api="blas"):
        with _threads.limit_blas_threads([20, 100, 1], 200):
            pass


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


def blas_kernels_on():
    from skbackprop._engine import kernels

    return getattr(kernels._MODE, "blas", False)


def test_scipy_blas_kernels_only_where_they_cannot_fight_numpy(monkeypatch):
    # scipy's BLAS kernels on one thread; with more threads only when numpy
    # and scipy share one BLAS library (two spinning thread pools fight)
    monkeypatch.setattr(_threads, "idle_cpus", lambda: 2)
    n_libraries = sum(i["user_api"] == "blas" for i in threadpool_info())
    assert not blas_kernels_on()
    with threadpool_limits(limits=2, user_api="blas"):
        with _threads.limit_blas_threads([20, 100, 1], 200):  # one thread
            assert blas_kernels_on()
        with _threads.limit_blas_threads([784, 512, 512, 10], 256):  # two
            assert blas_kernels_on() == (n_libraries == 1)
    assert not blas_kernels_on()


def test_blas_kernels_switch_is_per_thread():
    import threading

    from skbackprop._engine.kernels import blas_kernels

    seen = []
    with blas_kernels():
        worker = threading.Thread(target=lambda: seen.append(blas_kernels_on()))
        worker.start()
        worker.join()
        assert blas_kernels_on()
    assert seen == [False]


def test_idle_cpus_sleeps_once_then_measures_since_the_last_call(monkeypatch):
    # a stream of partial_fit calls must not sleep for its sample every time
    import time

    if _threads._busy_seconds() is None:
        pytest.skip("needs /proc/stat")
    monkeypatch.setattr(_threads, "_LAST_SAMPLE", None)
    real_sleep, sleeps = time.sleep, []

    def counting_sleep(seconds):
        sleeps.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(_threads.time, "sleep", counting_sleep)
    n = os.cpu_count() or 1
    for pause in (0, 0, 0.03, 0.03, 0):
        real_sleep(pause)
        assert 1 <= _threads.idle_cpus(window=0.02) <= n
    assert sleeps == [0.02]
