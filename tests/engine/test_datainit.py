"""``skbackprop._engine.datainit``: after rescaling on a batch, every hidden
unit's pre-activations have standard deviation 1 on it."""

import numpy as np
import pytest

from skbackprop._engine.datainit import scale_to_unit_variance
from skbackprop._engine.embeddings import PeriodicSpec, ScaleSpec, init_front
from skbackprop._engine.network import Network


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("front", [False, True])
@pytest.mark.parametrize("activation", ["relu", "tanh", "selu"])
def test_hidden_preactivations_get_unit_variance(activation, front, dtype):
    rng = np.random.default_rng(0)
    specs = [PeriodicSpec(4, n_frequencies=5, n_dims=2), ScaleSpec(12)] if front else []
    net = Network(
        [12 if front else 4, 16, 8, 2],
        activation,
        "squared_error",
        dtype,
        front=specs,
        parametric_activation=front,
    )
    net.params[: net.n_coef] = rng.normal(size=net.n_coef)
    net.set_weights([], [], init_front(specs, rng, dtype))
    X = (rng.normal(size=(64, 4)) * [100, 0.01, 1, 5]).astype(dtype)
    X0, W_out = X.copy(), net.coefs[-1].copy()
    scale_to_unit_variance(net, X)
    for Z in net.hidden_preactivations(X):
        np.testing.assert_allclose(
            Z.std(axis=0), 1.0, rtol=1e-4 if dtype == np.float32 else 1e-12
        )
    np.testing.assert_array_equal(net.coefs[-1], W_out)  # the output layer stays
    np.testing.assert_array_equal(X, X0)
    assert net.params.dtype == dtype


def test_a_unit_without_variance_is_left_alone():
    net = Network([3, 4, 1], "tanh", "squared_error", np.float64)
    rng = np.random.default_rng(1)
    net.params[...] = rng.normal(size=net.params.size)
    net.coefs[0][:, 2] = 0.0  # unit 2 is constant: its bias alone
    b2, X = net.intercepts[0][2], rng.normal(size=(30, 3))
    scale_to_unit_variance(net, X)
    assert net.intercepts[0][2] == b2
    std = net.hidden_preactivations(X)[0].std(axis=0)
    np.testing.assert_allclose(std, [1.0, 1.0, 0.0, 1.0], rtol=1e-12)
