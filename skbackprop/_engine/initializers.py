"""Weight initialisers: ``init(fan_in, fan_out, rng, dtype) -> (W, b)``.

The Glorot (Xavier) uniform initialiser draws both weights and biases from
:math:`U(-r, r)` with

.. math::

    r = \\sqrt{\\frac{k}{n_\\mathrm{in} + n_\\mathrm{out}}}

where :math:`k = 6` keeps the variance of activations and gradients across
tanh / relu layers, :math:`k = 2` for the logistic sigmoid (slope 1/4 at 0).
Draws in float64, in sklearn's order (weights, then biases), reproduce
``MLPClassifier``'s initial weights for a given ``random_state``.
"""

import numpy as np


def glorot_uniform(fan_in, fan_out, rng, dtype, factor=6.0):
    """Draw a ``(fan_in, fan_out)`` weight matrix and ``(fan_out,)`` bias."""
    bound = np.sqrt(factor / (fan_in + fan_out))
    W = rng.uniform(-bound, bound, (fan_in, fan_out))
    b = rng.uniform(-bound, bound, fan_out)
    return W.astype(dtype, copy=False), b.astype(dtype, copy=False)


def glorot_uniform_logistic(fan_in, fan_out, rng, dtype):
    return glorot_uniform(fan_in, fan_out, rng, dtype, factor=2.0)


def he_uniform(fan_in, fan_out, rng, dtype):
    """He et al. (2015): variance 2 / fan_in for the weights, zero biases."""
    bound = np.sqrt(6.0 / fan_in)
    W = rng.uniform(-bound, bound, (fan_in, fan_out))
    return W.astype(dtype, copy=False), np.zeros(fan_out, dtype=dtype)


INITIALIZERS = {
    "glorot_uniform": glorot_uniform,
    "glorot_uniform_logistic": glorot_uniform_logistic,
    "he_uniform": he_uniform,
}

# The initialiser sklearn's MLP uses for each hidden activation.
DEFAULT_INITIALIZER = {"logistic": "glorot_uniform_logistic"}
