"""Parametric activations: a learned mix of an activation and the identity.

RealMLP (Holzmüller et al. 2024) lets every hidden unit learn how much of its
nonlinearity to use. With :math:`\\alpha = 1`, the starting value, the layer
is the activation itself; with :math:`\\alpha = 0` it is the identity.
"""

import numpy as np


class ParametricActivation:
    """:math:`A = Z + \\alpha \\odot (f(Z) - Z)`, one :math:`\\alpha` per unit.

    ``activation`` is an :class:`~.activations.Activation`; ``alpha`` and its
    gradient ``dalpha`` are (units,) arrays, views into the network's flat
    vectors.

    Notes
    -----
    With :math:`\\delta = \\partial L / \\partial A`,

    .. math::

        \\frac{\\partial L}{\\partial \\alpha_j}
        = \\sum_i \\delta_{ij} (f(z_{ij}) - z_{ij}), \\qquad
        \\frac{\\partial L}{\\partial Z}
        = \\delta \\odot (1 - \\alpha) + (\\delta \\odot \\alpha) \\odot f'(Z)
    """

    def __init__(self, activation, alpha, dalpha=None):
        self.activation, self.alpha, self.dalpha = activation, alpha, dalpha

    def forward(self, Z, training=False, out=None):
        # f works in place unless its backward needs Z: then Z is safe
        F = self.activation.forward(Z if self.activation.uses_z else Z.copy())
        D = F - Z  # (n, units), what alpha multiplies
        A = np.multiply(D, self.alpha, out=out)
        A += Z
        return A, (Z, F, D)

    def backward(self, dA, cache, need_dX=True, out=None):
        Z, F, D = cache
        np.einsum("ij,ij->j", dA, D, out=self.dalpha)  # (units,)
        # the activation's backward may overwrite its delta: give it its own
        dZ = self.activation.backward(dA * self.alpha, Z, F)
        dA *= 1 - self.alpha
        dZ += dA
        return dZ
