"""The engine's speed machinery changes no result: chunked prediction,
per-batch-size workspaces, scratch-buffer optimizer steps, and the BLAS thread
choice."""

import numpy as np
import pytest
import scipy.sparse as sp

from skbackprop._engine.network import Network, default_chunk_rows, predict
from skbackprop._engine.optimizers import SGD, Adam
from skbackprop._engine.trainer import blas_threads


def make_network(units=(6, 9, 7, 3), loss="log_loss", dtype=np.float64, seed=0):
    net = Network(list(units), "relu", loss, dtype)
    net.params[:] = np.random.default_rng(seed).normal(scale=0.5, size=net.params.size)
    return net


def data(n, n_features, n_out, seed=1, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features)).astype(dtype)
    Y = np.eye(n_out, dtype=dtype)[rng.integers(0, n_out, n)]
    return X, Y


@pytest.mark.parametrize("chunk_rows", [1, 7, 64, 1000])
@pytest.mark.parametrize("out_activation", ["softmax", "logistic", "identity", "exp"])
def test_chunked_predict_equals_unchunked(chunk_rows, out_activation):
    net = make_network()
    X, _ = data(203, 6, 3)
    args = (net.coefs, net.intercepts, "relu", out_activation)
    whole = predict(X, *args, chunk_rows=len(X))
    # one-row chunks may go through BLAS's matrix-vector kernel: 1-ulp apart
    np.testing.assert_allclose(
        predict(X, *args, chunk_rows=chunk_rows), whole, rtol=1e-14, atol=1e-15
    )


def test_predict_matches_plain_forward():
    net = make_network()
    X, _ = data(50, 6, 3)
    A = X
    for k, (W, b) in enumerate(zip(net.coefs, net.intercepts)):
        Z = A @ W + b
        A = np.maximum(Z, 0) if k < len(net.coefs) - 1 else Z
    P = np.exp(A - A.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(net.predict(X), P, rtol=1e-12)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_predict_sparse_chunks(fmt):
    net = make_network()
    X, _ = data(120, 6, 3)
    X[X < 0.3] = 0
    args = (net.coefs, net.intercepts, "relu", "softmax")
    expected = predict(X, *args)
    got = predict(sp.csr_matrix(X).asformat(fmt), *args, chunk_rows=17)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_predict_converts_other_dtype_chunkwise():
    net = make_network(dtype=np.float32)
    X, _ = data(300, 6, 3)
    args = (net.coefs, net.intercepts, "relu", "softmax")
    got = predict(X, *args, chunk_rows=64)
    assert got.dtype == np.float32
    # the same values as converting first, to float32 rounding (softmax shifts
    # each chunk by its own maximum)
    expected = predict(X.astype(np.float32), *args)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


def test_default_chunk_rows_bounded():
    # about 1 MiB for the widest activation, and never fewer than 256 rows
    assert default_chunk_rows(make_network(units=(50, 256, 2)).coefs) == 512
    assert default_chunk_rows(make_network(units=(50, 4096, 2)).coefs) == 256
    assert default_chunk_rows(make_network(units=(3, 2, 1)).coefs) == (1 << 20) // 16


def test_predict_extra_memory_bounded():
    import tracemalloc

    net = make_network(units=(50, 64, 32, 1), loss="squared_error", dtype=np.float32)
    X = np.random.default_rng(0).normal(size=(100_000, 50)).astype(np.float32)
    predict(X[:10], net.coefs, net.intercepts, "relu", "identity")
    tracemalloc.start()
    predict(X, net.coefs, net.intercepts, "relu", "identity")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # the output column plus a few chunk buffers, far below the input's size
    assert peak <= X.nbytes / 2


@pytest.mark.parametrize(
    "loss",
    [
        "log_loss",
        "binary_log_loss",
        "squared_error",
        "huber",
        "absolute_error",
        "quantile",
    ],
)
def test_loss_and_grads_independent_of_workspace_reuse(loss):
    # the same batch through a reused workspace gives the same loss and
    # gradient as through a fresh network, after batches of other sizes
    n_out = 1 if loss != "log_loss" else 3
    net = make_network(units=(6, 9, n_out), loss=loss)
    fresh = make_network(units=(6, 9, n_out), loss=loss)
    X, Y = data(40, 6, 3)
    Y = Y[:, :n_out]
    for n in (40, 13, 40, 7, 40):
        net.loss_and_grads(X[:n] * 2, Y[:n], None, alpha=0.1)
    loss_reused = net.loss_and_grads(X, Y, None, alpha=0.1)
    assert loss_reused == fresh.loss_and_grads(X, Y, None, alpha=0.1)
    np.testing.assert_array_equal(net.grads, fresh.grads)
    assert len(net._workspaces) <= 2


def test_forward_without_workspace_returns_new_arrays():
    net = make_network()
    X, _ = data(10, 6, 3)
    P1, _ = net.forward(X)
    P2, _ = net.forward(X)
    assert P1 is not P2 and not np.shares_memory(P1, P2)


def reference_adam(params, grads_seq, lr, b1=0.9, b2=0.999, eps=1e-8):
    """sklearn's AdamOptimizer, written out with temporaries."""
    m, v = np.zeros_like(params), np.zeros_like(params)
    for t, g in enumerate(grads_seq, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        # a Python float, so that float32 stays float32
        lr_t = float(lr * np.sqrt(1 - b2**t) / (1 - b1**t))
        params = params + (-lr_t * m / (np.sqrt(v) + eps))
    return params


# the scratch-buffer steps round in another order than the textbook formula
ROUNDING = {np.float64: 1e-13, np.float32: 1e-5}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adam_equals_reference(dtype):
    rng = np.random.default_rng(0)
    n = 1000
    params = rng.normal(size=n).astype(dtype)
    grads_seq = [rng.normal(size=n).astype(dtype) for _ in range(4)]
    opt = Adam(n, dtype)
    got = params.copy()
    for g in grads_seq:
        opt.step(got, g, 1e-2)
    expected = reference_adam(params, grads_seq, 1e-2)
    np.testing.assert_allclose(got, expected, rtol=ROUNDING[dtype])
    assert got.dtype == dtype


@pytest.mark.parametrize("nesterov", [True, False])
def test_sgd_equals_reference(nesterov):
    rng = np.random.default_rng(0)
    params, v = rng.normal(size=50), np.zeros(50)
    got, opt = params.copy(), SGD(50, np.float64, momentum=0.9, nesterov=nesterov)
    for _ in range(3):
        g = rng.normal(size=50)
        v = 0.9 * v - 0.1 * g
        params = params + (0.9 * v - 0.1 * g if nesterov else v)
        opt.step(got, g, 0.1)
    np.testing.assert_allclose(got, params, rtol=ROUNDING[np.float64])


@pytest.mark.parametrize(
    "units, batch, max_threads, expected",
    [
        ([20, 100, 1], 200, 2, 1),  # S: tiny products, one thread
        ([50, 128, 64, 1], 128, 2, 1),  # R
        ([100, 256, 128, 10], 256, 2, 2),  # M: the largest product pays a second thread
        ([784, 512, 512, 10], 256, 2, 2),  # W
        ([784, 512, 512, 10], 256, 64, 25),  # many cores: one per 4e6 multiply-adds
        ([784, 512, 512, 10], 256, 1, 1),  # never above the limit
        ([3, 2], 1, 8, 1),  # never below one
    ],
)
def test_blas_threads(units, batch, max_threads, expected):
    assert blas_threads(units, batch, max_threads) == expected


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spread", [1.0, 1e3])
def test_softmax_batch_shift_matches_row_shift(dtype, spread):
    # the batch maximum as the shift, and the row maxima once the logits
    # spread past exp's normal range: both give the row-wise softmax
    from skbackprop._engine.losses import OUT_ACTIVATIONS

    rng = np.random.default_rng(0)
    Z = (rng.normal(size=(64, 5)) * spread).astype(dtype)
    Z[3] -= 5 * spread  # one row far below the others
    expected = np.exp(Z - Z.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    P = OUT_ACTIVATIONS["softmax"](Z.copy())
    assert np.isfinite(P).all()
    np.testing.assert_allclose(
        P, expected, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-30
    )
    np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-6)
