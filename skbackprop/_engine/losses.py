"""Output activations fused with their losses.

A :class:`Loss` knows three things about the output layer:

``link(Z) -> P``
    the output activation, applied in place to the engine-owned ``Z``;
``pointwise(Y, P) -> L``
    the loss of each sample and output, shape ``(n_samples, n_outputs)``;
    ``value(Y, P)`` sums it over the outputs, one loss per sample. The
    training step averages ``L`` over the whole batch in one reduction;
``gradient(Y, P, out=None) -> dZ``
    the derivative of ``l`` with respect to the output pre-activation ``Z``;
    the training step passes ``out=P`` to write it over the output it no
    longer needs.

The identity-link losses (absolute error, Huber, quantile) differentiate the
loss alone, since :math:`P = Z`. For the canonical pairs (softmax with log
loss, logistic with binary log loss, identity with squared error, exp with
Poisson deviance) the chain rule through the link collapses to the same
expression:

.. math::

    \\frac{\\partial \\ell}{\\partial Z} = P - Y

which is why training never differentiates the output activation on its own.
The network averages ``l`` and ``dZ`` over the batch with the sample weights.

Differentiating the output itself (for gradients with respect to the input,
not the loss) needs the link alone: ``LINK_BACKWARD[out_activation](G, P)``
is the vector-Jacobian product :math:`\\partial \\sum G \\odot P / \\partial Z`
for an upstream gradient ``G`` of the same shape as ``P``:

.. math::

    \\text{identity: } G, \\qquad \\text{exp: } G \\odot P, \\qquad
    \\text{logistic: } G \\odot P \\odot (1 - P), \\qquad
    \\text{softmax: }
    P \\odot \\bigl(G - (G \\odot P) \\mathbf{1} \\mathbf{1}^\\top\\bigr)
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
from scipy.special import xlogy

from .activations import identity, logistic


@dataclass(frozen=True)
class Loss:
    """An output activation (``link``) with its per-sample loss and gradient."""

    link: Callable
    pointwise: Callable
    gradient: Callable
    out_activation: str
    params: tuple = field(default=())

    def value(self, Y, P):
        """The loss of each sample, summed over the outputs: ``(n_samples,)``."""
        return self.pointwise(Y, P).sum(axis=1)

    def bind(self, **params):
        """This loss with its parameters (e.g. huber's ``delta``) fixed."""
        used = {k: v for k, v in params.items() if k in self.params}
        if not used:
            return self
        return replace(
            self,
            pointwise=partial(self.pointwise, **used),
            gradient=partial(self.gradient, **used),
        )


def _exp(Z):
    return np.exp(Z, out=Z)


def _softmax(Z):
    Z -= Z.max(axis=1, keepdims=True)  # a per-row shift keeps exp from overflowing
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
    # (two ufuncs: np.clip's Python wrapper costs more than both)
    eps = np.finfo(P.dtype).eps
    return np.minimum(np.maximum(P, eps), 1 - eps)


def squared_error(Y, P):
    L = np.subtract(P, Y)
    np.square(L, out=L)
    L *= 0.5
    return L


def poisson_deviance(Y, P):
    # half the Poisson deviance: y log(y / p) - y + p, zero at p = y
    return xlogy(Y, Y / P) - Y + P


# Once P is clipped away from 0 and 1 the logs are finite and y log p equals
# xlogy(y, p), also at y = 0, and np.log is cheaper than scipy's xlogy.
def log_loss(Y, P):
    L = np.log(_clip_probability(P))
    L *= Y
    return np.negative(L, out=L)


def binary_log_loss(Y, P):
    P = _clip_probability(P)
    return -(Y * np.log(P) + (1 - Y) * np.log(1 - P))


def absolute_error(Y, P):
    return np.abs(P - Y)


def absolute_error_gradient(Y, P, out=None):
    R = np.subtract(P, Y, out=out)
    return np.sign(R, out=R)


def huber(Y, P, delta=1.0):
    # quadratic within delta of the target, linear (slope delta) beyond
    r = np.abs(P - Y)
    return np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))


def huber_gradient(Y, P, delta=1.0, out=None):
    R = np.subtract(P, Y, out=out)
    return np.clip(R, -delta, delta, out=R)


def pinball(Y, P, quantile=0.5):
    # the quantile (pinball) loss: q r for r = y - p >= 0, (q - 1) r below
    r = Y - P
    return np.maximum(quantile * r, (quantile - 1) * r)


def pinball_gradient(Y, P, quantile=0.5, out=None):
    # d/dp: -q where y > p, 1 - q where y < p (0.5 - q at the kink)
    G = ((P > Y) - quantile + 0.5 * (P == Y)).astype(P.dtype, copy=False)
    if out is None:
        return G
    out[...] = G
    return out


LOSSES = {
    "squared_error": Loss(identity, squared_error, residual, "identity"),
    "poisson": Loss(_exp, poisson_deviance, residual, "exp"),
    "log_loss": Loss(_softmax, log_loss, residual, "softmax"),
    "binary_log_loss": Loss(logistic, binary_log_loss, residual, "logistic"),
    "absolute_error": Loss(
        identity, absolute_error, absolute_error_gradient, "identity"
    ),
    "huber": Loss(identity, huber, huber_gradient, "identity", ("delta",)),
    "quantile": Loss(identity, pinball, pinball_gradient, "identity", ("quantile",)),
}

# Output activations by name, for prediction from fitted coefficients.
OUT_ACTIVATIONS = {loss.out_activation: loss.link for loss in LOSSES.values()}


# ----------------------------------------------- the links on their own
def _identity_backward(G, P):
    return G


def _exp_backward(G, P):
    # d e^z / dz = e^z = p
    return G * P


def _logistic_backward(G, P):
    # d sigma(z) / dz = p (1 - p)
    return G * P * (1 - P)


def _softmax_backward(G, P):
    # the Jacobian diag(p) - p p^T applied to each row of G
    return P * (G - (G * P).sum(axis=1, keepdims=True))  # (n, k)


# Vector-Jacobian products of the output activations: dZ from G = d(.)/dP.
LINK_BACKWARD = {
    "identity": _identity_backward,
    "exp": _exp_backward,
    "logistic": _logistic_backward,
    "softmax": _softmax_backward,
}
