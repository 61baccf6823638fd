"""``skbackprop._engine.layers``: Dense, ActivationLayer and Dropout against
their equations and finite differences (float64), and the stack a network is
built from."""

import numpy as np
import pytest
import scipy.sparse as sp

from skbackprop._engine.activations import ACTIVATIONS
from skbackprop._engine.layers import ActivationLayer, Dense, Dropout, layer_stack

MAX_REL_ERROR = 1e-6


def _dense(rng, n_in, n_out):
    W, b = rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    return Dense(W, b, np.zeros_like(W), np.zeros_like(b))


# ---------------------------------------------------------------- Dense
@pytest.mark.parametrize("n_in, n_out", [(3, 4), (5, 1)])
def test_dense_gradient(n_in, n_out, numeric_gradient, relative_error):
    rng = np.random.RandomState(1)
    W, b = rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    dW, db = np.zeros_like(W), np.zeros_like(b)
    layer = Dense(W, b, dW, db)
    X = rng.normal(size=(7, n_in))
    G = rng.normal(size=(7, n_out))

    def f():
        return float((G * layer.forward(X, training=True)[0]).sum())

    Z, cache = layer.forward(X, training=True)
    np.testing.assert_allclose(Z, X @ W + b, rtol=1e-13)
    dX = layer.backward(G.copy(), cache)
    for analytic, wrt in [(dW.copy(), W), (db.copy(), b), (dX, X)]:
        err = relative_error(analytic, numeric_gradient(f, wrt))
        assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
    assert layer.backward(G.copy(), cache, need_dX=False) is None


@pytest.mark.parametrize("fmt", [None, "csr", "csc"])
def test_dense_matches_its_equations(fmt):
    # Z = X W + b; dW = X^T dZ, db = 1^T dZ, dX = dZ W^T; dense or sparse X
    rng = np.random.RandomState(7)
    layer = _dense(rng, 6, 3)
    X = rng.normal(size=(10, 6))
    X[rng.uniform(size=X.shape) < 0.6] = 0.0
    X_in = X if fmt is None else sp.csr_matrix(X).asformat(fmt)
    dZ = rng.normal(size=(10, 3))
    Z, cache = layer.forward(X_in, training=True)
    assert cache is X_in  # backward needs exactly X
    assert isinstance(Z, np.ndarray) and Z.shape == (10, 3)
    np.testing.assert_allclose(Z, X @ layer.W + layer.b, rtol=1e-13)
    dX = layer.backward(dZ.copy(), cache)
    np.testing.assert_allclose(layer.dW, X.T @ dZ, rtol=1e-13)
    np.testing.assert_allclose(layer.db, dZ.sum(axis=0), rtol=1e-13)
    np.testing.assert_allclose(dX, dZ @ layer.W.T, rtol=1e-13)


def test_dense_writes_into_the_buffers_it_is_given():
    rng = np.random.RandomState(8)
    layer = _dense(rng, 4, 2)
    X, dZ = rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    out, dX_out = np.empty((5, 2)), np.empty((5, 4))
    Z, cache = layer.forward(X, out=out)
    assert Z is out
    np.testing.assert_allclose(out, X @ layer.W + layer.b, rtol=1e-13)
    dX = layer.backward(dZ, cache, out=dX_out)
    assert dX is dX_out
    np.testing.assert_allclose(dX_out, dZ @ layer.W.T, rtol=1e-13)
    # without buffers, new arrays each time
    assert layer.forward(X)[0] is not layer.forward(X)[0]


def test_dense_leaves_the_input_alone():
    rng = np.random.RandomState(9)
    layer = _dense(rng, 4, 3)
    X = rng.normal(size=(6, 4))
    X0 = X.copy()
    _, cache = layer.forward(X, training=True)
    layer.backward(rng.normal(size=(6, 3)), cache)
    np.testing.assert_array_equal(X, X0)


# -------------------------------------------------------------- Dropout
@pytest.mark.parametrize("rate", [0.25, 0.6])
def test_dropout_gradient_with_fixed_mask(rate, numeric_gradient, relative_error):
    rng = np.random.RandomState(3)
    A = rng.normal(size=(8, 5))
    G = rng.normal(size=A.shape)

    def layer():
        # a fresh generator with the same seed draws the same mask every time
        return Dropout(rate, np.random.RandomState(11))

    out, mask = layer().forward(A.copy(), training=True)
    assert set(np.unique(mask)) <= {0.0, 1.0 / (1.0 - rate)}
    assert 0 < (mask == 0).sum() < mask.size
    np.testing.assert_allclose(out, A * mask)

    def f():
        return float((G * layer().forward(A, training=True)[0]).sum())

    dA = layer().backward(G.copy(), mask)
    err = relative_error(dA, numeric_gradient(f, A))
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
    np.testing.assert_allclose(dA, G * mask)

    # prediction (training=False) and rate 0 are the identity
    same, cache = layer().forward(A, training=False)
    assert same is A and cache is None
    same, cache = Dropout(0.0, np.random.RandomState(0)).forward(A, training=True)
    assert same is A and cache is None
    np.testing.assert_array_equal(layer().backward(G.copy(), None), G)


@pytest.mark.parametrize("rate", [0.2, 0.5])
def test_dropout_keeps_the_expected_activation(rate):
    # inverted dropout: each unit is kept with probability 1 - rate and scaled
    # by 1 / (1 - rate), so the mean activation is unchanged
    A = np.ones((400, 50))
    out, mask = Dropout(rate, np.random.RandomState(0)).forward(A, training=True)
    assert out is not A  # the activation below keeps A for its backward
    np.testing.assert_array_equal(A, 1.0)
    np.testing.assert_allclose((mask == 0).mean(), rate, atol=0.01)
    np.testing.assert_allclose(out.mean(), 1.0, atol=0.02)
    assert mask.dtype == A.dtype


def test_dropout_draws_a_new_mask_every_call():
    # one layer, two batches: two masks (the estimator's reproducibility
    # comes from the generator, tested below)
    layer = Dropout(0.3, np.random.RandomState(0))
    A = np.ones((200, 50))
    mask1 = layer.forward(A, training=True)[1]
    mask2 = layer.forward(A, training=True)[1]
    assert not np.array_equal(mask1, mask2)


def test_dropout_draws_from_the_generator_it_is_given():
    A = np.ones((20, 10))
    m1 = Dropout(0.5, np.random.RandomState(1)).forward(A, training=True)[1]
    m2 = Dropout(0.5, np.random.RandomState(1)).forward(A, training=True)[1]
    m3 = Dropout(0.5, np.random.RandomState(2)).forward(A, training=True)[1]
    np.testing.assert_array_equal(m1, m2)
    assert (m1 != m3).any()


# ---------------------------------------------------------- layer_stack
def _weights(units, rng):
    coefs = [rng.normal(size=(a, b)) for a, b in zip(units[:-1], units[1:])]
    return coefs, [rng.normal(size=b) for b in units[1:]]


@pytest.mark.parametrize(
    "units, dropout, expected",
    [
        ([3, 2], 0.0, [Dense]),
        ([3, 2], 0.5, [Dense]),  # no hidden layer: nothing to drop
        ([3, 4, 2], 0.0, [Dense, ActivationLayer, Dense]),
        (
            [3, 4, 5, 2],
            0.0,
            [Dense, ActivationLayer, Dense, ActivationLayer, Dense],
        ),
        (
            [3, 4, 5, 2],
            0.3,
            [Dense, ActivationLayer, Dropout, Dense, ActivationLayer, Dropout, Dense],
        ),
    ],
)
def test_layer_stack_structure(units, dropout, expected):
    rng = np.random.RandomState(0)
    coefs, intercepts = _weights(units, rng)
    layers = layer_stack(
        coefs, intercepts, ACTIVATIONS["tanh"], dropout=dropout, rng=rng
    )
    assert [type(layer) for layer in layers] == expected
    dense = [layer for layer in layers if isinstance(layer, Dense)]
    # the weights are the caller's arrays, not copies
    assert all(d.W is W and d.b is b for d, W, b in zip(dense, coefs, intercepts))
    # no grads: nowhere to put parameter gradients
    assert all(d.dW is None and d.db is None for d in dense)
    for layer in layers:
        if isinstance(layer, ActivationLayer):
            assert layer.activation is ACTIVATIONS["tanh"]
        if isinstance(layer, Dropout):
            assert layer.rate == dropout and layer.rng is rng


def test_layer_stack_with_grads_fills_them():
    rng = np.random.RandomState(1)
    units = [3, 4, 2]
    coefs, intercepts = _weights(units, rng)
    dcoefs = [np.zeros_like(W) for W in coefs]
    dintercepts = [np.zeros_like(b) for b in intercepts]
    layers = layer_stack(
        coefs, intercepts, ACTIVATIONS["relu"], grads=(dcoefs, dintercepts)
    )
    dense = [layer for layer in layers if isinstance(layer, Dense)]
    assert all(d.dW is dW for d, dW in zip(dense, dcoefs))
    assert all(d.db is db for d, db in zip(dense, dintercepts))
    X = rng.normal(size=(6, 3))
    caches, A = [], X
    for layer in layers:
        A, cache = layer.forward(A, training=True)
        caches.append(cache)
    dA = np.ones_like(A)
    for layer, cache in zip(layers[::-1], caches[::-1]):
        dA = layer.backward(dA, cache)
    # the last layer's gradient: hidden activations^T 1
    hidden = np.maximum(X @ coefs[0] + intercepts[0], 0)
    np.testing.assert_allclose(dcoefs[1], hidden.T @ np.ones((6, 2)), rtol=1e-13)
    np.testing.assert_allclose(dintercepts[1], [6.0, 6.0], rtol=1e-13)
    assert np.abs(dcoefs[0]).sum() > 0
