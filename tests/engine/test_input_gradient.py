"""Finite-difference checks of the gradient with respect to the input.

``Network.input_gradient(X, G)`` is the vector-Jacobian product
``d sum(G * P) / dX`` through every output link (``LINK_BACKWARD``) and every
hidden activation; it is compared, in float64, with central differences of the
network's prediction, the function the attributions of
``skbackprop.inspection`` differentiate.
"""

import numpy as np
import pytest

from skbackprop._engine.activations import ACTIVATIONS
from skbackprop._engine.losses import LINK_BACKWARD, LOSSES, OUT_ACTIVATIONS
from skbackprop._engine.network import Network

H = 1e-6  # central-difference step
MAX_REL_ERROR = 1e-6
LAYERS = [4, 5, 3]  # n_features, then two hidden layers
N_SAMPLES = 7
KINK_MARGIN = 1e-4  # distance of every hidden pre-activation from 0

# one loss per output activation: the loss does not enter the input gradient
LOSS_OF_LINK = {}
for _name, _loss in sorted(LOSSES.items()):
    LOSS_OF_LINK.setdefault(_loss.out_activation, _name)
LINK_CASES = [
    (link, n_out)
    for link in sorted(LOSS_OF_LINK)
    for n_out in ((3,) if link == "softmax" else (1, 3))
]


def relative_error(analytic, numeric):
    analytic, numeric = np.ravel(analytic), np.ravel(numeric)
    scale = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-300)
    return np.linalg.norm(analytic - numeric) / scale


def numeric_input_gradient(net, X, G, h=H):
    """Central differences of ``sum(G * net.predict(X))`` with respect to X."""
    grad = np.zeros_like(X)
    for idx in np.ndindex(*X.shape):
        Xp, Xm = X.copy(), X.copy()
        Xp[idx] += h
        Xm[idx] -= h
        f_plus, f_minus = (G * net.predict(Xp)).sum(), (G * net.predict(Xm)).sum()
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def make_network(activation, link, n_out, seed=0, dropout=0.0):
    """Random weights and inputs with no hidden pre-activation near a kink."""
    for s in range(seed, seed + 100):
        rng = np.random.RandomState(s)
        net = Network(
            LAYERS + [n_out],
            activation,
            LOSS_OF_LINK[link],
            np.float64,
            dropout=dropout,
            rng=np.random.RandomState(s),
        )
        net.params[...] = rng.uniform(-0.8, 0.8, net.params.size)
        X = rng.normal(size=(N_SAMPLES, LAYERS[0]))
        A, near_kink = X, False
        for W, b in zip(net.coefs[:-1], net.intercepts[:-1]):
            Z = A @ W + b
            near_kink |= np.abs(Z).min() < KINK_MARGIN
            A = ACTIVATIONS[activation].forward(Z)
        if not near_kink:
            return net, X, rng.normal(size=(N_SAMPLES, n_out))
    raise AssertionError("every seed puts a point near a kink")  # pragma: no cover


def test_link_backward_covers_every_output_activation():
    assert set(LINK_BACKWARD) == set(OUT_ACTIVATIONS)


@pytest.mark.parametrize("link, n_out", LINK_CASES)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_input_gradient(activation, link, n_out):
    net, X, G = make_network(activation, link, n_out)
    X0, G0 = X.copy(), G.copy()
    dX = net.input_gradient(X, G)
    assert dX.shape == X.shape and dX.dtype == np.float64
    assert np.linalg.norm(dX) > 1e-6  # a check of a zero gradient proves little
    err = relative_error(dX, numeric_input_gradient(net, X, G))
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
    # the caller's arrays are never modified
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(G, G0)


@pytest.mark.parametrize("link", sorted(LOSS_OF_LINK))
def test_link_backward_matches_finite_differences(link):
    rng = np.random.RandomState(1)
    n_out = 3
    Z = rng.normal(size=(5, n_out))
    G = rng.normal(size=Z.shape)
    forward = OUT_ACTIVATIONS[link]

    def f(Z):
        return (G * forward(Z.copy())).sum()

    numeric = np.zeros_like(Z)
    for idx in np.ndindex(*Z.shape):
        step = np.zeros_like(Z)
        step[idx] = H
        numeric[idx] = (f(Z + step) - f(Z - step)) / (2 * H)
    analytic = LINK_BACKWARD[link](G, forward(Z.copy()))
    assert relative_error(analytic, numeric) < MAX_REL_ERROR


def test_one_hot_G_gives_the_gradient_of_one_output():
    # rows are independent: a one-hot G picks d p_ij / d x_i for each sample
    net, X, _ = make_network("tanh", "softmax", 3)
    j = np.array([0, 2, 1, 1, 0, 2, 2])
    G = np.eye(3)[j]
    dX = net.input_gradient(X, G)
    for i in range(N_SAMPLES):
        numeric = numeric_input_gradient(net, X[i : i + 1], G[i : i + 1])
        np.testing.assert_allclose(dX[i], numeric[0], rtol=1e-6, atol=1e-9)


def test_input_gradient_ignores_dropout():
    # attributions explain the prediction: dropout is off, as in predict
    net, X, G = make_network("relu", "identity", 2, dropout=0.5)
    dX = net.input_gradient(X, G)
    err = relative_error(dX, numeric_input_gradient(net, X, G))
    assert err < MAX_REL_ERROR
    np.testing.assert_array_equal(net.input_gradient(X, G), dX)


def test_backward_returns_input_gradient_only_when_asked():
    net, X, G = make_network("tanh", "identity", 2)
    P, caches = net.forward(X, training=True)
    assert net.backward(G.copy(), caches) is None
    grads = net.grads.copy()
    P, caches = net.forward(X, training=True)
    dX = net.backward(G.copy(), caches, to_input=True)
    assert dX.shape == X.shape
    # the parameter gradients are the same either way
    np.testing.assert_allclose(net.grads, grads, rtol=1e-13)
