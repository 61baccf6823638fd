"""Layers as forward / backward pairs, and the stack a network is made of.

Every layer has ``forward(X, training, out) -> (A, cache)`` and
``backward(dA, cache, need_dX, out) -> dX``. The cache holds exactly what
backward needs and is all that passes between the two: a layer keeps no state
between calls. A :class:`Dense` layer holds ``W, b`` and, when trained, views
``dW, db`` into the network's flat gradient. ``out`` is an optional buffer
the result is written into (the network's per-batch-size workspace).
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

    def __init__(self, W, b, dW=None, db=None):
        self.W, self.b, self.dW, self.db = W, b, dW, db

    def forward(self, X, training=False, out=None):
        if out is None:
            out = np.empty((X.shape[0], self.W.shape[1]), self.W.dtype)
        if sp.issparse(X):
            out[...] = X @ self.W  # (n, n_in) @ (n_in, n_out)
        else:
            np.dot(X, self.W, out=out)  # (n, n_in) @ (n_in, n_out)
        out += self.b
        return out, X

    def backward(self, dZ, X, need_dX=True, out=None):
        if sp.issparse(X):
            self.dW[...] = X.T @ dZ  # (n_in, n) @ (n, n_out)
        else:
            np.dot(X.T, dZ, out=self.dW)
        dZ.sum(axis=0, out=self.db)  # (n_out,)
        if not need_dX:
            return None
        # np.dot, not matmul: for one output (an outer product) matmul falls
        # back to a loop that is several times slower than BLAS
        return np.dot(dZ, self.W.T, out=out)  # (n, n_out) @ (n_out, n_in)


class ActivationLayer:
    """Elementwise :math:`A = f(Z)`; backward is :math:`dZ = dA \\odot f'(Z)`."""

    def __init__(self, activation):
        self.activation = activation

    def forward(self, Z, training=False, out=None):
        if self.activation.uses_z:
            A = self.activation.forward(Z.copy())
            return A, (Z, A)
        A = self.activation.forward(Z)  # in place: backward needs only A
        return A, (None, A)

    def backward(self, dA, cache, need_dX=True, out=None):
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

    def forward(self, A, training=False, out=None):
        if not training or self.rate == 0:
            return A, None
        keep = 1.0 - self.rate
        mask = (self.rng.random(A.shape) < keep).astype(A.dtype)
        mask /= keep
        # a new array: the activation layer below caches A for its backward
        return A * mask, mask

    def backward(self, dA, mask, need_dX=True, out=None):
        if mask is not None:
            dA *= mask
        return dA


def layer_stack(coefs, intercepts, activation, *, grads=None, dropout=0.0, rng=None):
    """The layers of a network: Dense, then activation (and dropout) per hidden layer.

    ``grads`` is ``(dcoefs, dintercepts)`` for a network that is trained;
    without it the stack predicts and carries deltas, but has nowhere to put
    parameter gradients.
    """
    dcoefs, dintercepts = grads if grads is not None else ([None] * len(coefs),) * 2
    layers = []
    for k, (W, b, dW, db) in enumerate(zip(coefs, intercepts, dcoefs, dintercepts)):
        layers.append(Dense(W, b, dW, db))
        if k < len(coefs) - 1:
            layers.append(ActivationLayer(activation))
            if dropout > 0:
                layers.append(Dropout(dropout, rng))
    return layers
