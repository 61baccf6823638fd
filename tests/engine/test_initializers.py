"""``skbackprop._engine.initializers``: the Glorot and He bounds, shapes and
dtypes, reproducibility from the generator, and sklearn's draws."""

import numpy as np
import pytest

from skbackprop._engine.activations import ACTIVATIONS
from skbackprop._engine.initializers import (
    DEFAULT_INITIALIZER,
    INITIALIZERS,
    glorot_uniform,
)

# the bound r of U(-r, r) for the weights and for the biases (0: all zero)
BOUNDS = {
    "glorot_uniform": lambda n_in, n_out: (np.sqrt(6 / (n_in + n_out)),) * 2,
    "glorot_uniform_logistic": lambda n_in, n_out: (np.sqrt(2 / (n_in + n_out)),) * 2,
    "he_uniform": lambda n_in, n_out: (np.sqrt(6 / n_in), 0.0),
}


def test_every_initializer_has_bounds():
    assert set(BOUNDS) == set(INITIALIZERS)


@pytest.mark.parametrize("fan_in, fan_out", [(3, 200), (400, 5), (50, 50)])
@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_bounds(name, fan_in, fan_out):
    W, b = INITIALIZERS[name](fan_in, fan_out, np.random.RandomState(0), np.float64)
    assert W.shape == (fan_in, fan_out) and b.shape == (fan_out,)
    w_bound, b_bound = BOUNDS[name](fan_in, fan_out)
    assert np.abs(W).max() <= w_bound
    # the draws fill the interval: not a narrower one
    assert np.abs(W).max() > 0.95 * w_bound
    np.testing.assert_allclose(W.mean(), 0, atol=0.1 * w_bound)
    if b_bound == 0:
        np.testing.assert_array_equal(b, 0)
    else:
        assert np.abs(b).max() <= b_bound
        assert np.abs(b).max() > 0.5 * b_bound


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_dtype(name, dtype):
    W, b = INITIALIZERS[name](4, 3, np.random.RandomState(0), dtype)
    assert W.dtype == dtype and b.dtype == dtype


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_reproducible_from_the_generator(name):
    init = INITIALIZERS[name]
    W1, b1 = init(5, 4, np.random.RandomState(3), np.float64)
    W2, b2 = init(5, 4, np.random.RandomState(3), np.float64)
    W3, _ = init(5, 4, np.random.RandomState(4), np.float64)
    np.testing.assert_array_equal(W1, W2)
    np.testing.assert_array_equal(b1, b2)
    assert (W1 != W3).any()
    # float32 draws the same numbers (in float64), then rounds
    W32, b32 = init(5, 4, np.random.RandomState(3), np.float32)
    np.testing.assert_array_equal(W32, W1.astype(np.float32))
    np.testing.assert_array_equal(b32, b1.astype(np.float32))


def test_glorot_draws_in_sklearns_order():
    # sklearn's MLP: weights, then biases, from one uniform(-r, r) stream
    fan_in, fan_out = 4, 3
    rng = np.random.RandomState(0)
    bound = np.sqrt(6 / (fan_in + fan_out))
    W_ref = rng.uniform(-bound, bound, (fan_in, fan_out))
    b_ref = rng.uniform(-bound, bound, fan_out)
    W, b = glorot_uniform(fan_in, fan_out, np.random.RandomState(0), np.float64)
    np.testing.assert_array_equal(W, W_ref)
    np.testing.assert_array_equal(b, b_ref)


def test_default_initializer_names_are_registered():
    assert set(DEFAULT_INITIALIZER) <= set(ACTIVATIONS)
    assert set(DEFAULT_INITIALIZER.values()) <= set(INITIALIZERS)
    # as sklearn: factor 2 for the logistic sigmoid only
    assert DEFAULT_INITIALIZER == {"logistic": "glorot_uniform_logistic"}
