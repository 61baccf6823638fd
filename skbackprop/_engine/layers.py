"""Layers as forward / backward pairs.

Every layer has ``forward(X, training) -> (out, cache)`` and
``backward(dout, cache) -> dX``. The cache holds exactly what backward needs
and is the only thing passed between the two: a layer keeps no state between
calls. A :class:`Dense` layer holds views into the network's flat parameter and
gradient buffers; its backward writes the gradients into them.
"""

import numpy as np
import scipy.sparse as sp


class Dense:
    """Affine map :math:`Z = X W + b`.

    Notes
    -----
    With :math:`\\delta = \\partial L / \\partial Z` of shape (n, n_out):

    .. math::

        \\frac{\\partial L}{\\partial W} = X^\\top \\delta, \\qquad
        \\frac{\\partial L}{\\partial b} = \\mathbf{1}^\\top \\delta, \\qquad
        \\frac{\\partial L}{\\partial X} = \\delta W^\\top
    """

    def __init__(self, W, b, dW, db):
        self.W, self.b, self.dW, self.db = W, b, dW, db

    def forward(self, X, training=False):
        Z = X @ self.W  # (n, n_in) @ (n_in, n_out) -> (n, n_out)
        Z += self.b
        return Z, X

    def backward(self, dZ, X, need_dX=True):
        if sp.issparse(X):
            self.dW[...] = X.T @ dZ
        else:
            np.dot(X.T, dZ, out=self.dW)  # (n_in, n) @ (n, n_out)
        dZ.sum(axis=0, out=self.db)
        if need_dX:
            return dZ @ self.W.T  # (n, n_out) @ (n_out, n_in) -> (n, n_in)
        return None


class ActivationLayer:
    """Elementwise :math:`A = f(Z)`; backward is :math:`dZ = dA \\odot f'(Z)`."""

    def __init__(self, activation):
        self.activation = activation

    def forward(self, Z, training=False):
        if self.activation.uses_z:
            A = self.activation.forward(Z.copy())
            return A, (Z, A)
        A = self.activation.forward(Z)  # in place: backward needs only A
        return A, (None, A)

    def backward(self, dA, cache, need_dX=True):
        Z, A = cache
        return self.activation.backward(dA, Z, A)


class Dropout:
    """Inverted dropout: keep each unit with probability ``1 - rate``.

    Kept units are scaled by :math:`1 / (1 - rate)` during training so that the
    expected activation is unchanged and prediction needs no rescaling.
    The masks come from the fit's random generator ``rng``.
    """

    def __init__(self, rate, rng):
        self.rate, self.rng = rate, rng

    def forward(self, A, training=False):
        if not training or self.rate == 0:
            return A, None
        keep = 1.0 - self.rate
        mask = (self.rng.random(A.shape) < keep).astype(A.dtype)
        mask /= keep
        # a new array: the activation layer below caches A for its backward
        return A * mask, mask

    def backward(self, dA, mask, need_dX=True):
        if mask is not None:
            dA *= mask
        return dA
