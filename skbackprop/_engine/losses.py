"""Output activations fused with their losses.

A :class:`Loss` knows three things about the output layer:

``link(Z) -> P``
    the output activation, applied in place to the engine-owned ``Z``;
``value(Y, P) -> l``
    the loss of each sample, summed over the outputs, shape ``(n_samples,)``;
``gradient(Y, P) -> dZ``
    the derivative of ``l`` with respect to the output pre-activation ``Z``.

For the canonical pairs (softmax with log loss, logistic with binary log loss,
identity with squared error, exp with Poisson deviance) the chain rule through
the link collapses to the same expression:

.. math::

    \\frac{\\partial \\ell}{\\partial Z} = P - Y

which is why the output activation is never differentiated on its own.
The network averages ``l`` and ``dZ`` over the batch with the sample weights.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import expit, xlogy


@dataclass(frozen=True)
class Loss:
    """An output activation (``link``) with its per-sample loss and gradient."""

    link: Callable
    value: Callable
    gradient: Callable
    out_activation: str


def _identity(Z):
    return Z


def _exp(Z):
    return np.exp(Z, out=Z)


def _logistic(Z):
    return expit(Z, out=Z)


def _softmax(Z):
    # shift by the row maximum so that exp never overflows
    Z -= Z.max(axis=1, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=1, keepdims=True)
    return Z


def residual(Y, P, out=None):
    """dl/dZ = P - Y: the gradient of every canonical link/loss pair.

    ``out=P`` overwrites the (engine-owned) output, which the training step
    no longer needs once the loss value is taken.
    """
    return np.subtract(P, Y, out=out)


def _clip_probability(P):
    # log(0) would give inf: clip as sklearn does, at the dtype's resolution
    eps = np.finfo(P.dtype).eps
    return np.clip(P, eps, 1 - eps)


def squared_error(Y, P):
    return 0.5 * ((P - Y) ** 2).sum(axis=1)


def poisson_deviance(Y, P):
    # half the Poisson deviance: y log(y / p) - y + p, zero at p = y
    return (xlogy(Y, Y / P) - Y + P).sum(axis=1)


def log_loss(Y, P):
    return -xlogy(Y, _clip_probability(P)).sum(axis=1)


def binary_log_loss(Y, P):
    P = _clip_probability(P)
    return -(xlogy(Y, P) + xlogy(1 - Y, 1 - P)).sum(axis=1)


LOSSES = {
    "squared_error": Loss(_identity, squared_error, residual, "identity"),
    "poisson": Loss(_exp, poisson_deviance, residual, "exp"),
    "log_loss": Loss(_softmax, log_loss, residual, "softmax"),
    "binary_log_loss": Loss(_logistic, binary_log_loss, residual, "logistic"),
}

# Output activations by name, for prediction from fitted coefficients.
OUT_ACTIVATIONS = {loss.out_activation: loss.link for loss in LOSSES.values()}
