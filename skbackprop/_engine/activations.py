"""Hidden-layer activations as forward / backward pairs.

Each activation is an :class:`Activation` holding two functions:

``forward(Z) -> A``
    may overwrite ``Z`` (the engine owns it) when the backward pass does not
    need ``Z``;
``backward(dA, Z, A) -> dZ``
    the chain rule through the activation, ``dZ = dA * f'(Z)``; it may
    overwrite ``dA`` (also engine-owned).

``uses_z`` says whether ``backward`` needs the pre-activation ``Z``. When it
does not, ``forward`` works in place and only ``A`` is kept, so tanh, logistic
and relu cost one array per layer, not two.

``kink`` says whether the derivative jumps at :math:`z = 0` (relu and
leaky_relu): a fixed-step integral of the gradient along a path converges only
as :math:`1/m` across such a jump, so path integrals split there.

.. math::

    \\tanh'(z) = 1 - a^2, \\qquad \\sigma'(z) = a (1 - a), \\qquad
    \\mathrm{relu}'(z) = [a > 0], \\qquad
    \\mathrm{elu}'(z) = [a > 0] + [a \\le 0](a + 1)

    \\mathrm{softplus}'(z) = \\sigma(z) = 1 - e^{-a}, \\qquad
    \\mathrm{gelu}'(z) = \\Phi(z) + z \\varphi(z), \\qquad
    \\mathrm{silu}'(z) = \\sigma(z) (1 + z (1 - \\sigma(z)))
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import erf, expit


@dataclass(frozen=True)
class Activation:
    """A hidden-layer activation: its forward map and its chain-rule backward."""

    forward: Callable
    backward: Callable
    uses_z: bool = False
    kink: bool = False


def identity(Z):
    return Z


def identity_backward(dA, Z, A):
    return dA


def logistic(Z):
    return expit(Z, out=Z)


def logistic_backward(dA, Z, A):
    # sigma'(z) = a (1 - a): reuse the cached output
    dA *= A
    dA *= 1 - A
    return dA


def tanh(Z):
    return np.tanh(Z, out=Z)


def tanh_backward(dA, Z, A):
    dA *= 1 - A**2
    return dA


def relu(Z):
    return np.maximum(Z, 0, out=Z)


def relu_backward(dA, Z, A):
    # a > 0 exactly where z > 0; multiply by the mask rather than fancy-index
    dA *= A > 0
    return dA


LEAKY_SLOPE = 0.01


def leaky_relu(Z):
    # max(z, 0.01 z) keeps a small gradient for negative inputs
    return np.maximum(Z, LEAKY_SLOPE * Z, out=Z)


def leaky_relu_backward(dA, Z, A):
    dA *= np.where(A > 0, 1.0, LEAKY_SLOPE).astype(dA.dtype, copy=False)
    return dA


def elu(Z):
    negative = Z < 0
    Z[negative] = np.expm1(Z[negative])
    return Z


def elu_backward(dA, Z, A):
    # for z <= 0, d/dz (e^z - 1) = e^z = a + 1; a > 0 exactly where z > 0
    dA *= np.where(A > 0, 1.0, A + 1)
    return dA


def _softplus(Z):
    # log(1 + e^z) = max(z, 0) + log(1 + e^{-|z|}): no overflow for large z,
    # and plain ufuncs, several times faster than logaddexp
    out = np.log1p(np.exp(-np.abs(Z)))
    out += np.maximum(Z, 0)
    return out


def softplus(Z):
    return _softplus(Z)


def softplus_backward(dA, Z, A):
    # softplus'(z) = sigma(z) = 1 - e^{-a}
    dA *= -np.expm1(-A)
    return dA


def _normal_cdf(Z):
    return 0.5 * (1 + erf(Z * math.sqrt(0.5)))


def gelu(Z):
    # exact GELU, z * Phi(z), with the erf-based normal CDF
    return Z * _normal_cdf(Z)


def gelu_backward(dA, Z, A):
    pdf = np.exp(-0.5 * Z**2) * (1 / math.sqrt(2 * math.pi))
    dA *= _normal_cdf(Z) + Z * pdf
    return dA


def silu(Z):
    return Z * expit(Z)


def silu_backward(dA, Z, A):
    sigma = expit(Z)
    dA *= sigma * (1 + Z * (1 - sigma))
    return dA


# Klambauer et al. (2017): the fixed point of mean 0 and variance 1
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def selu(Z):
    # lambda (max(z, 0) + alpha (e^{min(z, 0)} - 1)): each term 0 on the other
    # side, and no e^z of a large z to overflow
    negative = np.expm1(np.minimum(Z, 0))
    negative *= SELU_ALPHA
    np.maximum(Z, 0, out=Z)
    Z += negative
    Z *= SELU_SCALE
    return Z


def selu_backward(dA, Z, A):
    # for z <= 0, d/dz lambda alpha (e^z - 1) = lambda alpha e^z = a + lambda alpha
    dA *= np.where(A > 0, SELU_SCALE, A + SELU_SCALE * SELU_ALPHA)
    return dA


def mish(Z):
    # z tanh(softplus(z)) (Misra, 2019)
    return Z * np.tanh(_softplus(Z))


def mish_backward(dA, Z, A):
    s = _softplus(Z)
    t = np.tanh(s)
    sigma = -np.expm1(-s)  # softplus'(z) = sigma(z) = 1 - e^{-softplus(z)}
    slope = t * t
    np.subtract(1, slope, out=slope)  # tanh'(s) = 1 - t^2
    slope *= Z
    slope *= sigma
    slope += t
    dA *= slope
    return dA


ACTIVATIONS = {
    "identity": Activation(identity, identity_backward),
    "logistic": Activation(logistic, logistic_backward),
    "tanh": Activation(tanh, tanh_backward),
    "relu": Activation(relu, relu_backward, kink=True),
    "leaky_relu": Activation(leaky_relu, leaky_relu_backward, kink=True),
    "elu": Activation(elu, elu_backward),
    "softplus": Activation(softplus, softplus_backward),
    "gelu": Activation(gelu, gelu_backward, uses_z=True),
    "silu": Activation(silu, silu_backward, uses_z=True),
    "selu": Activation(selu, selu_backward, kink=True),
    "mish": Activation(mish, mish_backward, uses_z=True),
}
