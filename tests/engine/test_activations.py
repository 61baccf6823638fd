"""``skbackprop._engine.activations``: every forward against its formula, every
backward against finite differences (float64), the in-place contract and the
kink flags."""

import math

import numpy as np
import pytest
from scipy.special import erf

from skbackprop._engine.activations import ACTIVATIONS
from skbackprop._engine.layers import ActivationLayer
from skbackprop._engine.parametric import ParametricActivation

MAX_REL_ERROR = 1e-6


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


FORMULAS = {
    "identity": lambda z: z,
    "logistic": _sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1),
    "softplus": lambda z: np.log1p(np.exp(z)),
    "gelu": lambda z: z * 0.5 * (1 + erf(z / math.sqrt(2))),
    "silu": lambda z: z * _sigmoid(z),
    "selu": lambda z: (
        1.0507009873554805 * np.where(z > 0, z, 1.6732632423543772 * (np.exp(z) - 1))
    ),
    "mish": lambda z: z * np.tanh(np.log1p(np.exp(z))),
}


def test_every_activation_has_a_formula():
    assert set(FORMULAS) == set(ACTIVATIONS)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_forward_matches_formula(name):
    z = np.linspace(-4, 4, 41).reshape(-1, 1)
    np.testing.assert_allclose(
        ACTIVATIONS[name].forward(z.copy()), FORMULAS[name](z), rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_activation_layer_gradient(activation, numeric_gradient, relative_error):
    rng = np.random.RandomState(2)
    # keep |Z| >= 0.1: away from relu's kink
    Z = rng.uniform(0.1, 2.0, size=(6, 4)) * rng.choice([-1, 1], size=(6, 4))
    G = rng.normal(size=Z.shape)
    layer = ActivationLayer(ACTIVATIONS[activation])

    def f():
        # forward may work in place: it gets a copy the engine owns
        return float((G * layer.forward(Z.copy(), training=True)[0]).sum())

    _, cache = layer.forward(Z.copy(), training=True)
    dZ = layer.backward(G.copy(), cache)
    assert dZ.shape == Z.shape
    err = relative_error(dZ, numeric_gradient(f, Z))
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_backward_needs_z_only_when_flagged(name):
    # without uses_z the layer keeps only A; backward must not read Z
    act = ACTIVATIONS[name]
    rng = np.random.RandomState(5)
    Z = rng.uniform(0.1, 2.0, size=(5, 3)) * rng.choice([-1, 1], size=(5, 3))
    A = act.forward(Z.copy())
    G = rng.normal(size=Z.shape)
    expected = act.backward(G.copy(), Z.copy(), A.copy())
    if not act.uses_z:
        np.testing.assert_array_equal(act.backward(G.copy(), None, A.copy()), expected)
    layer_dZ = ActivationLayer(act).backward(
        G.copy(), ActivationLayer(act).forward(Z.copy())[1]
    )
    np.testing.assert_array_equal(layer_dZ, expected)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_layer_keeps_z_when_backward_needs_it(name):
    act = ACTIVATIONS[name]
    Z = np.linspace(-2, 2, 12).reshape(4, 3)
    Z_in = Z.copy()
    A, (Z_cached, A_cached) = ActivationLayer(act).forward(Z_in)
    assert A_cached is A
    if act.uses_z:
        np.testing.assert_array_equal(Z_cached, Z)  # Z survives the forward
        assert not np.shares_memory(Z_cached, A)
    else:
        assert Z_cached is None


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_float32_stays_float32(name):
    Z = np.linspace(-3, 3, 12, dtype=np.float32).reshape(4, 3)
    A = ACTIVATIONS[name].forward(Z.copy())
    dZ = ACTIVATIONS[name].backward(np.ones_like(Z), Z, A)
    assert A.dtype == np.float32 and dZ.dtype == np.float32


def test_kink_flags():
    # the derivative jumps at 0 exactly for the activations flagged as kinked
    z, h = np.array([-1e-7, 1e-7]), 1e-9
    for name, act in ACTIVATIONS.items():
        slopes = (act.forward(z + h) - act.forward(z - h)) / (2 * h)
        assert (abs(slopes[1] - slopes[0]) > 1e-3) == act.kink, name


# --------------------------------------------------- parametric activations
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_parametric_activation_gradient(activation, numeric_gradient, relative_error):
    # A = Z + alpha (f(Z) - Z): check d/dalpha and d/dZ
    rng = np.random.RandomState(3)
    Z = rng.uniform(0.1, 2.0, size=(6, 4)) * rng.choice([-1, 1], size=(6, 4))
    G = rng.normal(size=Z.shape)
    alpha, dalpha = rng.uniform(-0.5, 1.5, size=4), np.zeros(4)
    layer = ParametricActivation(ACTIVATIONS[activation], alpha, dalpha)

    def f():
        return float((G * layer.forward(Z, training=True)[0]).sum())

    A, cache = layer.forward(Z, training=True)
    F = FORMULAS[activation](Z)
    np.testing.assert_allclose(A, Z + alpha * (F - Z), rtol=1e-12, atol=1e-15)
    dZ = layer.backward(G.copy(), cache)
    for analytic, wrt in [(dalpha.copy(), alpha), (dZ, Z)]:
        err = relative_error(analytic, numeric_gradient(f, wrt))
        assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"


@pytest.mark.parametrize("alpha, expected", [(1.0, "f"), (0.0, "identity")])
def test_parametric_activation_ends(alpha, expected):
    # alpha = 1 (the initial value) is the activation, alpha = 0 the identity
    Z = np.linspace(-2, 2, 12).reshape(4, 3)
    layer = ParametricActivation(ACTIVATIONS["selu"], np.full(3, alpha))
    A, _ = layer.forward(Z.copy())
    np.testing.assert_allclose(
        A, FORMULAS["selu"](Z) if expected == "f" else Z, rtol=1e-15
    )


def test_parametric_activation_float32_stays_float32():
    Z = np.linspace(-3, 3, 12, dtype=np.float32).reshape(4, 3)
    alpha, dalpha = np.ones(3, np.float32), np.zeros(3, np.float32)
    layer = ParametricActivation(ACTIVATIONS["mish"], alpha, dalpha)
    A, cache = layer.forward(Z)
    dZ = layer.backward(np.ones_like(A), cache)
    assert A.dtype == dZ.dtype == np.float32
