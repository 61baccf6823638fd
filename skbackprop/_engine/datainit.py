"""Data-dependent initialisation: weights rescaled on a batch of training data.

A network initialised for inputs of unit variance may see inputs that are far
from it (a front's embeddings, unscaled columns): its pre-activations then
start saturated or tiny. Rescaling each hidden layer on a batch, in order,
gives every hidden unit pre-activations of unit variance whatever the input
(LSUV, Mishkin and Matas 2016, with one pass per layer).
"""

import numpy as np

from .layers import Dense


def scale_to_unit_variance(network, X, min_std=1e-8):
    """Rescale every hidden Dense layer of ``network`` in place so that each
    of its units has pre-activations of standard deviation 1 on ``X``.

    Each unit's weights and bias are divided by the standard deviation of its
    pre-activations, computed after the layers before it were rescaled; a
    unit whose pre-activations vary by less than ``min_std`` is left as it
    is. The output layer is not changed.

    Notes
    -----
    For hidden unit ``j`` with pre-activations :math:`z_j = A w_j + b_j` on
    the batch,

    .. math::

        w_j \\leftarrow w_j / \\sigma(z_j), \\qquad b_j \\leftarrow b_j / \\sigma(z_j)

    so :math:`\\sigma(z_j) = 1` afterwards; the mean keeps its sign.
    """
    A = X
    for layer in network.layers[:-1]:  # the output layer is left alone
        A, _ = layer.forward(A)  # prediction mode: no dropout
        if isinstance(layer, Dense):
            std = A.std(axis=0)  # (units,)
            scale = np.where(std > min_std, 1 / np.maximum(std, min_std), 1.0)
            layer.W *= scale.astype(layer.W.dtype, copy=False)
            layer.b *= scale.astype(layer.b.dtype, copy=False)
            A *= scale.astype(A.dtype, copy=False)  # what the next layer sees
    return network
