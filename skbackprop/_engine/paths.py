"""The input gradient integrated along straight paths (integrated gradients).

For inputs :math:`x`, baselines :math:`b` and an output :math:`f = G \\cdot P`,

.. math::

    \\mathrm{IG}_j = (x_j - b_j) \\int_0^1
        \\frac{\\partial f}{\\partial x_j}\\bigl(b + \\alpha (x - b)\\bigr) d\\alpha,
    \\qquad \\sum_j \\mathrm{IG}_j = f(x) - f(b).

The midpoint rule over ``n_steps`` intervals errs as :math:`1/m^2` where the
gradient is smooth; with relu-like activations (``Activation.kink``) it jumps
where a hidden pre-activation crosses 0, and the rule converges only as
:math:`1/m`, so intervals are split at those crossings. On an interval where
no unit of the earlier layers crosses 0 a unit's pre-activation is affine in
:math:`\\alpha`: its crossing is found exactly by interpolation. Splitting at
the first crossing of the first layer that has one, until none is left, makes
the gradient smooth on every piece.
"""

import numpy as np

from .activations import ACTIVATIONS

MAX_SPLIT_ROUNDS = 200  # a safety bound: each round resolves one crossing per piece
EDGE = 1e-9  # crossings closer than this fraction to an end are not split off


def first_crossings(Zs_lo, Zs_hi, n):
    """Where, as a fraction of each of the ``n`` intervals, the first layer
    with a 0 crossing between the two ends crosses first; NaN for none."""
    at = np.full(n, np.nan)
    for Z_lo, Z_hi in zip(Zs_lo, Zs_hi):
        with np.errstate(divide="ignore", invalid="ignore"):
            t = Z_lo / (Z_lo - Z_hi)  # zero of the affine interpolation
        t[~((Z_lo * Z_hi < 0) & (t > EDGE) & (t < 1 - EDGE))] = np.inf
        t = t.min(axis=1)
        found = np.isnan(at) & np.isfinite(t)
        at[found] = t[found]
    return at


def _along(B, delta, rows, alpha):
    """Points ``b + alpha (x - b)`` of the paths of samples ``rows``."""
    return B[rows] + alpha[:, None] * delta[rows]  # (n_pieces, n_features)


def _grid_preactivations(network, B, delta, n_steps):
    """Hidden pre-activations at both ends of every piece of the initial grid."""
    n, grid = len(B), np.arange(n_steps + 1) / n_steps
    rows = np.repeat(np.arange(n), n_steps + 1)
    Zs = network.hidden_preactivations(_along(B, delta, rows, np.tile(grid, n)))
    Zs = [Z.reshape(n, n_steps + 1, -1) for Z in Zs]  # (n, n_steps + 1, units)
    lo = [Z[:, :-1].reshape(n * n_steps, -1) for Z in Zs]
    hi = [Z[:, 1:].reshape(n * n_steps, -1) for Z in Zs]
    return lo, hi


def integrated_gradients(network, X, B, G, n_steps):
    """Integrated gradients of ``sum(G * P)`` from baselines ``B`` to ``X``.

    ``X``, ``B`` of shape (n, n_features), ``G`` of shape (n, n_outputs);
    returns an array of X's shape. The pieces of all paths are evaluated
    together, one batch per round of splits.
    """
    delta = X - B
    rows = np.repeat(np.arange(len(X)), n_steps)  # one piece per step and sample
    lo = np.tile(np.arange(n_steps) / n_steps, len(X))
    hi = lo + 1.0 / n_steps
    total = np.zeros_like(X)
    kinked = ACTIVATIONS[network.activation].kink and len(network.coefs) > 1
    if kinked:
        Zs_lo, Zs_hi = _grid_preactivations(network, B, delta, n_steps)
    for round_ in range(MAX_SPLIT_ROUNDS + 1):
        split = np.full(len(rows), np.nan)
        if kinked and round_ < MAX_SPLIT_ROUNDS:
            split = lo + first_crossings(Zs_lo, Zs_hi, len(rows)) * (hi - lo)
        done, cut = np.isnan(split), ~np.isnan(split)
        dX = network.input_gradient(
            _along(B, delta, rows[done], (lo[done] + hi[done]) / 2), G[rows[done]]
        )
        np.add.at(total, rows[done], (hi[done] - lo[done])[:, None] * dX)
        if done.all():
            break
        # [lo, hi] becomes [lo, split] and [split, hi]
        Zs_at = network.hidden_preactivations(_along(B, delta, rows[cut], split[cut]))
        Zs_lo = [np.vstack([Z[cut], Z_at]) for Z, Z_at in zip(Zs_lo, Zs_at)]
        Zs_hi = [np.vstack([Z_at, Z[cut]]) for Z, Z_at in zip(Zs_hi, Zs_at)]
        lo, hi = np.r_[lo[cut], split[cut]], np.r_[split[cut], hi[cut]]
        rows = np.tile(rows[cut], 2)
    return total * delta
