"""Stochastic optimizers: ``step(params, grads, lr)`` updates ``params`` in place.

Each optimizer works on the network's flat parameter vector, so one step is a
handful of vector operations whatever the number of layers. Its state (moments,
velocities, step count) is a few arrays and numbers, kept between steps and
across ``partial_fit`` calls; the constructor takes it back (``velocity=``,
``m=``, ...), which is how a saved optimizer is restored.
"""

import math

import numpy as np


class SGD:
    """Stochastic gradient descent with (Nesterov) momentum.

    Notes
    -----
    .. math::

        v \\leftarrow \\mu v - \\eta g, \\qquad
        \\theta \\leftarrow \\theta + v
        \\quad\\text{or, with Nesterov,}\\quad
        \\theta \\leftarrow \\theta + \\mu v - \\eta g
    """

    def __init__(
        self, n_params=0, dtype=None, momentum=0.9, nesterov=True, *, velocity=None
    ):
        self.momentum, self.nesterov = momentum, nesterov
        self.velocity = _zeros_or(velocity, n_params, dtype)

    def step(self, params, grads, lr):
        v, mu = self.velocity, self.momentum
        v *= mu
        v -= lr * grads  # v = mu v - lr g
        if self.nesterov:
            params += mu * v - lr * grads
        else:
            params += v


class Adam:
    """Adam (Kingma and Ba, 2014) with the bias correction folded into the rate.

    Notes
    -----
    .. math::

        m \\leftarrow \\beta_1 m + (1 - \\beta_1) g, \\qquad
        v \\leftarrow \\beta_2 v + (1 - \\beta_2) g^2

        \\theta \\leftarrow \\theta - \\eta_t \\frac{m}{\\sqrt{v} + \\epsilon},
        \\qquad
        \\eta_t = \\eta \\frac{\\sqrt{1 - \\beta_2^t}}{1 - \\beta_1^t}

    Each term is computed into one scratch vector the optimizer owns, so a
    step allocates nothing: on wide networks a temporary per term is a
    vector of every parameter, made and freed several times per batch.
    """

    def __init__(
        self,
        n_params=0,
        dtype=None,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        *,
        m=None,
        v=None,
        t=0,
    ):
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.m = _zeros_or(m, n_params, dtype)
        self.v = _zeros_or(v, n_params, dtype)
        self.t = t
        self._s = np.empty_like(self.m)  # scratch, not part of the state

    def step(self, params, grads, lr):
        self.t += 1
        b1, b2, s = self.beta_1, self.beta_2, self._s
        lr_t = lr * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        _moving_average(self.m, b1, grads, s)
        _moving_average(self.v, b2, np.square(grads, out=s), s)  # of g^2
        _rms_step(params, self.m, self.v, self.epsilon, lr_t, s)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019).

    The decay shrinks the weights directly instead of entering the gradient,
    so Adam's per-parameter scaling does not weaken it. Only the first
    ``n_decay`` entries (the weight matrices, not the biases) decay.

    Notes
    -----
    .. math::

        W \\leftarrow (1 - \\eta \\lambda) W, \\quad\\text{then the Adam step}
    """

    def __init__(self, n_params=0, dtype=None, weight_decay=0.0, n_decay=None, **adam):
        super().__init__(n_params, dtype, **adam)
        self.weight_decay = weight_decay
        self.n_decay = self.m.size if n_decay is None else n_decay

    def step(self, params, grads, lr):
        params[: self.n_decay] *= 1 - lr * self.weight_decay
        super().step(params, grads, lr)


class RMSprop:
    """RMSprop (Tieleman and Hinton, 2012): scale steps by a running RMS.

    Notes
    -----
    .. math::

        v \\leftarrow \\rho v + (1 - \\rho) g^2, \\qquad
        \\theta \\leftarrow \\theta - \\eta \\frac{g}{\\sqrt{v} + \\epsilon}
    """

    def __init__(self, n_params=0, dtype=None, rho=0.9, epsilon=1e-8, *, v=None):
        self.rho, self.epsilon = rho, epsilon
        self.v = _zeros_or(v, n_params, dtype)
        self._s = np.empty_like(self.v)  # scratch, not part of the state

    def step(self, params, grads, lr):
        _moving_average(self.v, self.rho, np.square(grads, out=self._s), self._s)
        _rms_step(params, grads, self.v, self.epsilon, lr, self._s)


def _zeros_or(state, n_params, dtype):
    """A restored state vector as it is, or a fresh one of zeros."""
    return np.zeros(n_params, dtype=dtype) if state is None else state


def _moving_average(avg, decay, x, scratch):
    """``avg = decay avg + (1 - decay) x`` in place, through ``scratch``."""
    avg *= decay
    avg += np.multiply(x, 1 - decay, out=scratch)


def _rms_step(params, direction, v, epsilon, lr, scratch):
    """``params -= lr direction / (sqrt(v) + epsilon)`` through ``scratch``."""
    np.sqrt(v, out=scratch)
    scratch += epsilon
    np.divide(direction, scratch, out=scratch)
    scratch *= lr
    params -= scratch


OPTIMIZERS = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop}
