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

.. math::

    \\tanh'(z) = 1 - a^2, \\qquad \\sigma'(z) = a (1 - a), \\qquad
    \\mathrm{relu}'(z) = [a > 0]
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import expit


@dataclass(frozen=True)
class Activation:
    """A hidden-layer activation: its forward map and its chain-rule backward."""

    forward: Callable
    backward: Callable
    uses_z: bool = False


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


ACTIVATIONS = {
    "identity": Activation(identity, identity_backward),
    "logistic": Activation(logistic, logistic_backward),
    "tanh": Activation(tanh, tanh_backward),
    "relu": Activation(relu, relu_backward),
}
