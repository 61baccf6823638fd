"""Integrated gradients along straight paths (``skbackprop._engine.paths``).

Completeness (the attributions of a sample add up to ``f(x) - f(b)``) for every
hidden activation and output link; the per-feature values against a plain
midpoint rule with many steps; exactness for piecewise-linear networks, whose
paths are split at every kink.
"""

import numpy as np
import pytest

from skbackprop._engine import paths
from skbackprop._engine.activations import ACTIVATIONS
from skbackprop._engine.losses import LOSSES
from skbackprop._engine.network import Network

LAYERS = [5, 12, 8]  # n_features, then two hidden layers
N_SAMPLES = 20
LOSS_OF_LINK = {}
for _name, _loss in sorted(LOSSES.items()):
    LOSS_OF_LINK.setdefault(_loss.out_activation, _name)


def make_network(activation, link, n_out=3, seed=0):
    rng = np.random.RandomState(seed)
    net = Network(LAYERS + [n_out], activation, LOSS_OF_LINK[link], np.float64)
    net.params[...] = rng.uniform(-0.7, 0.7, net.params.size)
    X = rng.normal(size=(N_SAMPLES, LAYERS[0]))
    B = rng.normal(scale=0.3, size=X.shape)
    G = np.eye(n_out)[rng.randint(n_out, size=N_SAMPLES)]  # one output per sample
    return net, X, B, G


def f(net, X, G):
    return (G * net.predict(X)).sum(axis=1)


def plain_midpoint(net, X, B, G, n_steps):
    """The midpoint rule with no splits, every point of every path in one batch."""
    a = (np.arange(n_steps) + 0.5) / n_steps
    points = B[:, None] + a[None, :, None] * (X - B)[:, None]  # (n, m, n_features)
    dX = net.input_gradient(
        points.reshape(-1, X.shape[1]), np.repeat(G, n_steps, axis=0)
    ).reshape(points.shape)
    return dX.mean(axis=1) * (X - B)


@pytest.mark.parametrize("link", sorted(LOSS_OF_LINK))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_completeness(activation, link):
    net, X, B, G = make_network(activation, link)
    ig = paths.integrated_gradients(net, X, B, G, n_steps=50)
    expected = f(net, X, G) - f(net, B, G)
    err = np.linalg.norm(ig.sum(axis=1) - expected) / np.linalg.norm(expected)
    assert err < 1e-3, f"completeness error {err:.2e}"


# kinked and linear on each side of the kink (selu is kinked, not linear)
PIECEWISE_LINEAR = ["leaky_relu", "relu"]


@pytest.mark.parametrize("activation", PIECEWISE_LINEAR)
def test_piecewise_linear_network_is_integrated_exactly(activation):
    # identity link: the gradient is constant on every piece between kinks
    net, X, B, G = make_network(activation, "identity")
    for n_steps in (1, 7, 50):
        ig = paths.integrated_gradients(net, X, B, G, n_steps)
        np.testing.assert_allclose(
            ig.sum(axis=1), f(net, X, G) - f(net, B, G), rtol=1e-10, atol=1e-12
        )
    # a plain midpoint rule is far from it: the splits are what make it exact
    plain = plain_midpoint(net, X, B, G, 50)
    assert np.abs(plain.sum(axis=1) - ig.sum(axis=1)).max() > 1e-6


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("link", ["softmax", "identity"])
def test_each_feature_matches_a_fine_midpoint_rule(activation, link):
    net, X, B, G = make_network(activation, link)
    ig = paths.integrated_gradients(net, X, B, G, n_steps=50)
    # a plain rule converges to the same integral, if only as 1/m at kinks
    reference = plain_midpoint(net, X, B, G, n_steps=20000)
    err = np.abs(ig - reference).max() / np.abs(reference).max()
    assert err < 1e-3, f"largest deviation {err:.2e} of the largest attribution"


def test_without_kinks_it_is_the_midpoint_rule():
    net, X, B, G = make_network("tanh", "softmax")
    np.testing.assert_allclose(
        paths.integrated_gradients(net, X, B, G, 13),
        plain_midpoint(net, X, B, G, 13),
        rtol=1e-12,
        atol=1e-15,
    )


def test_without_splits_a_kinked_network_falls_back_to_the_midpoint_rule(
    monkeypatch,
):
    net, X, B, G = make_network("relu", "identity")
    monkeypatch.setattr(paths, "MAX_SPLIT_ROUNDS", 0)
    np.testing.assert_allclose(
        paths.integrated_gradients(net, X, B, G, 13),
        plain_midpoint(net, X, B, G, 13),
        rtol=1e-12,
        atol=1e-15,
    )


def test_first_crossings():
    # two intervals, two layers: the first layer with a crossing decides
    Zs_lo = [np.array([[1.0, -2.0], [1.0, 1.0]]), np.array([[3.0], [-1.0]])]
    Zs_hi = [np.array([[-3.0, 2.0], [2.0, 1.0]]), np.array([[-1.0], [3.0]])]
    at = paths.first_crossings(Zs_lo, Zs_hi, 2)
    # interval 0: layer 1 crosses at 1/4 and 1/2; interval 1: only layer 2, at 1/4
    np.testing.assert_allclose(at, [0.25, 0.25])
    none = paths.first_crossings([np.ones((3, 2))], [np.ones((3, 2))], 3)
    assert np.isnan(none).all()


def test_caller_arrays_are_not_modified():
    net, X, B, G = make_network("relu", "softmax")
    copies = [a.copy() for a in (X, B, G)]
    paths.integrated_gradients(net, X, B, G, 10)
    for a, c in zip((X, B, G), copies):
        np.testing.assert_array_equal(a, c)
