"""Front layers for tables: feature scales and embeddings of numbers and categories.

They sit before a network's first :class:`~.layers.Dense` layer and follow the
layers' contract: ``forward(X, training, out) -> (A, cache)`` and
``backward(dA, cache, need_dX, out) -> dX``, no state between calls,
parameters and their gradients given as arrays (views into the network's flat
vectors). Every layer maps ``(n, n_in)`` to ``(n, n_out)``; a layer that
embeds each input column in several outputs writes them side by side, column
``j``'s outputs contiguous.

A *spec* describes a front layer before its parameters exist: its widths
``n_in`` and ``n_out``, the ``shapes`` of its parameters, ``init(rng, dtype)``
drawing their initial values in that order, and ``build(params, grads)``
making the layer from views of them. Specs are plain, picklable values, what
an estimator keeps to rebuild its front at prediction.
"""

import math
from dataclasses import dataclass

import numpy as np

TWO_PI = 2 * math.pi
# per-feature matrix products: optimize lets einsum hand them to BLAS as a
# batch of matrix products instead of running its generic elementwise loop
BATCHED = {"optimize": True}


def _result(A, out):
    """``A`` itself, or copied into the caller's buffer ``out``."""
    if out is None:
        return A
    out[...] = A
    return out


def _unpack(arrays, n):
    """``n`` arrays, or ``n`` Nones for a layer built without gradients."""
    return tuple(arrays) if arrays is not None else (None,) * n


# ---------------------------------------------------------------- Scale
class Scale:
    """A learnable scale per feature, :math:`A = X \\odot s`.

    Notes
    -----
    .. math::

        \\frac{\\partial L}{\\partial s_j} = \\sum_i \\delta_{ij} x_{ij},
        \\qquad
        \\frac{\\partial L}{\\partial X} = \\delta \\odot s
    """

    def __init__(self, s, ds=None):
        self.s, self.ds = s, ds

    def forward(self, X, training=False, out=None):
        return np.multiply(X, self.s, out=out), X  # (n, d) * (d,)

    def backward(self, dA, X, need_dX=True, out=None):
        np.einsum("ij,ij->j", dA, X, out=self.ds)  # (d,)
        return np.multiply(dA, self.s, out=out) if need_dX else None


@dataclass(frozen=True)
class ScaleSpec:
    """A :class:`Scale` over ``n_in`` features, every scale starting at 1."""

    n_in: int

    @property
    def n_out(self):
        return self.n_in

    @property
    def shapes(self):
        return [(self.n_in,)]

    def init(self, rng, dtype):
        return [np.ones(self.n_in, dtype)]

    def build(self, params, grads=None):
        return Scale(*params, *_unpack(grads, 1))


# ---------------------------------------------------- PeriodicEmbedding
class PeriodicEmbedding:
    """Periodic features of each number, mapped linearly, the number kept.

    For feature ``j`` with frequencies :math:`w_{j\\cdot}` and phases
    :math:`b_{j\\cdot}` (``k`` of each), a map :math:`M_j` of shape (k, m) and
    a bias :math:`c_j`, the layer outputs the ``m + 1`` values
    :math:`[x_j, e_j]` (the raw value first, "densenet" style), for every
    feature side by side: (n, d) -> (n, d (m + 1)). This is RealMLP's PBLD
    embedding (Holzmüller et al. 2024), after Gorishniy et al. (2022).

    Notes
    -----
    .. math::

        u_{jt} = 2 \\pi w_{jt} x_j + b_{jt}, \\qquad
        v_{jt} = \\cos u_{jt}, \\qquad
        e_j = v_j M_j + c_j

    With :math:`\\delta_j = \\partial L / \\partial e_j` and
    :math:`g_{jt} = -\\sin(u_{jt}) \\, (\\delta_j M_j^\\top)_t`,

    .. math::

        \\frac{\\partial L}{\\partial M_j} = \\sum_i v_j^\\top \\delta_j, \\quad
        \\frac{\\partial L}{\\partial c_j} = \\sum_i \\delta_j, \\quad
        \\frac{\\partial L}{\\partial w_{jt}} = 2 \\pi \\sum_i g_{jt} x_j, \\quad
        \\frac{\\partial L}{\\partial b_{jt}} = \\sum_i g_{jt}

    and :math:`\\partial L / \\partial x_j = \\delta_{x_j} + 2 \\pi
    \\sum_t g_{jt} w_{jt}`, the first term from the raw value passed on.
    """

    def __init__(self, w, b, M, c, grads=None):
        self.w, self.b, self.M, self.c = w, b, M, c  # (d,k) (d,k) (d,k,m) (d,m)
        self.dw, self.db, self.dM, self.dc = _unpack(grads, 4)

    def forward(self, X, training=False, out=None):
        n, d = X.shape
        m = self.M.shape[2]
        U = X[:, :, None] * (TWO_PI * self.w)  # (n, d, k)
        U += self.b
        V = np.cos(U)  # (n, d, k)
        A = np.empty((n, d * (m + 1)), self.w.dtype) if out is None else out
        per_feature = A.reshape(n, d, m + 1)  # a view: feature j's outputs together
        per_feature[:, :, 0] = X
        np.einsum("ndk,dkm->ndm", V, self.M, out=per_feature[:, :, 1:], **BATCHED)
        per_feature[:, :, 1:] += self.c
        return A, (X, U, V)

    def backward(self, dA, cache, need_dX=True, out=None):
        X, U, V = cache
        n, d = X.shape
        dO = dA.reshape(n, d, -1)  # (n, d, m + 1)
        dE = dO[:, :, 1:]  # (n, d, m)
        dE.sum(axis=0, out=self.dc)  # (d, m)
        np.einsum("ndk,ndm->dkm", V, dE, out=self.dM, **BATCHED)  # (d, k, m)
        G = np.einsum("ndm,dkm->ndk", dE, self.M, **BATCHED)  # dL/dV, (n, d, k)
        G *= -np.sin(U)  # dL/dU
        G.sum(axis=0, out=self.db)  # (d, k)
        np.einsum("ndk,nd->dk", G, X, out=self.dw)
        self.dw *= TWO_PI
        if not need_dX:
            return None
        dX = np.einsum("ndk,dk->nd", G, self.w, out=out)  # (n, d)
        dX *= TWO_PI
        dX += dO[:, :, 0]  # the raw value's own path
        return dX


@dataclass(frozen=True)
class PeriodicSpec:
    """A :class:`PeriodicEmbedding` of ``n_in`` numbers.

    Frequencies start at :math:`w \\sim N(0, \\sigma^2)`, phases at
    :math:`b \\sim U(-\\pi, \\pi)` (as in RealMLP), the linear map and its bias
    at :math:`U(-1/\\sqrt{k}, 1/\\sqrt{k})` (torch's default for a linear layer
    of fan-in ``k``).
    """

    n_in: int
    n_frequencies: int = 16
    n_dims: int = 3
    sigma: float = 0.1

    @property
    def n_out(self):
        return self.n_in * (self.n_dims + 1)

    @property
    def shapes(self):
        d, k, m = self.n_in, self.n_frequencies, self.n_dims
        return [(d, k), (d, k), (d, k, m), (d, m)]

    def init(self, rng, dtype):
        w_shape, b_shape, M_shape, c_shape = self.shapes
        bound = 1 / math.sqrt(self.n_frequencies)
        arrays = [
            rng.normal(0.0, self.sigma, w_shape),
            rng.uniform(-math.pi, math.pi, b_shape),
            rng.uniform(-bound, bound, M_shape),
            rng.uniform(-bound, bound, c_shape),
        ]
        return [a.astype(dtype, copy=False) for a in arrays]

    def build(self, params, grads=None):
        return PeriodicEmbedding(*params, grads=grads)


# ------------------------------------------------ PiecewiseLinearEncoding
def quantile_bin_edges(X, n_bins):
    """Bin edges of each column at its quantiles ``0, 1/T, ..., 1``.

    Returns a (n_features, n_bins + 1) float64 array, each row non-decreasing.
    Ties give repeated edges, bins of zero width, which
    :class:`PiecewiseLinearEncoding` encodes as 0; a constant column has only
    such bins. NaN is ignored; a column of NaN only gets edges 0.
    """
    X = np.asarray(X, dtype=np.float64)
    levels = np.linspace(0.0, 1.0, n_bins + 1)
    observed = ~np.isnan(X).all(axis=0)
    edges = np.zeros((X.shape[1], n_bins + 1))
    if observed.any():
        # (n_bins + 1, d_observed) -> one row of edges per column
        edges[observed] = np.nanquantile(X[:, observed], levels, axis=0).T
    return edges


class PiecewiseLinearEncoding:
    """Each number as ``T`` ramps between its bin edges (Gorishniy et al. 2022).

    With the edges :math:`e_0 \\le \\dots \\le e_T` of feature ``j``, component
    ``t`` rises from 0 to 1 across bin ``t``: (n, d) -> (n, d T). As in the
    paper, the first component is not clipped below and the last not above,
    so values outside the training range extrapolate linearly. A bin of zero
    width (ties, a constant column) always encodes 0. No parameters.

    Notes
    -----
    .. math::

        r_{jt} = \\frac{x_j - e_{j,t-1}}{e_{jt} - e_{j,t-1}}, \\qquad
        a_{jt} = \\min(\\max(r_{jt}, l_t), h_t),

    :math:`l = (-\\infty, 0, \\dots, 0)`, :math:`h = (1, \\dots, 1, \\infty)`;
    :math:`\\partial L / \\partial x_j = \\sum_t \\delta_{jt}
    [l_t < r_{jt} < h_t] / (e_{jt} - e_{j,t-1})`.
    """

    def __init__(self, edges):
        widths = np.diff(edges, axis=1)  # (d, T)
        self.left = edges[:, :-1]
        self.inv_width = np.divide(
            1.0, widths, out=np.zeros_like(widths), where=widths > 0
        )
        T = widths.shape[1]
        self.low = np.r_[-np.inf, np.zeros(T - 1)]  # (T,)
        self.high = np.r_[np.ones(T - 1), np.inf]

    def forward(self, X, training=False, out=None):
        n, d = X.shape
        left = self.left.astype(X.dtype, copy=False)
        inv_width = self.inv_width.astype(X.dtype, copy=False)
        R = X[:, :, None] - left  # (n, d, T)
        R *= inv_width
        ramp = (R > self.low) & (R < self.high)  # where dA/dx is not 0
        A = np.clip(R, self.low, self.high, out=R).reshape(n, -1)  # (n, d T)
        return _result(A, out), (ramp, inv_width)

    def backward(self, dA, cache, need_dX=True, out=None):
        if not need_dX:
            return None
        ramp, inv_width = cache
        n, d, _ = ramp.shape
        dR = dA.reshape(n, d, -1) * ramp  # (n, d, T)
        return np.einsum("ndt,dt->nd", dR, inv_width, out=out)


@dataclass(frozen=True, eq=False)
class PiecewiseLinearSpec:
    """A :class:`PiecewiseLinearEncoding` with ``edges`` of shape (d, T + 1),
    e.g. from :func:`quantile_bin_edges` on the training data."""

    edges: np.ndarray

    @property
    def n_in(self):
        return self.edges.shape[0]

    @property
    def n_out(self):
        return self.edges.shape[0] * (self.edges.shape[1] - 1)

    shapes = ()

    def init(self, rng, dtype):
        return []

    def build(self, params, grads=None):
        return PiecewiseLinearEncoding(self.edges)


# ----------------------------------------------------------- categories
def category_codes(X, n_levels):
    """The integer codes in ``X`` (n, c): ``1 .. n_levels[j]`` as given in
    column ``j``, 0 for 0, NaN and any other value (unknown or missing)."""
    known = (X >= 1) & (X <= n_levels) & (X == np.floor(X))  # NaN: False
    return np.where(known, X, 0).astype(np.intp)


class OneHotEncoding:
    """Codes (n, c) -> indicators (n, sum(n_levels)), column ``j``'s
    ``n_levels[j]`` indicators side by side; an unknown or missing code
    (see :func:`category_codes`) sets none. No parameters.

    Notes
    -----
    .. math::

        a_{j\\ell} = [x_j = \\ell], \\quad \\ell = 1, \\dots, n_j, \\qquad
        \\frac{\\partial L}{\\partial x_j} = 0

    (codes are labels: a code has no neighbours to differentiate towards).
    """

    def __init__(self, n_levels):
        self.n_levels = np.asarray(n_levels)  # (c,)
        self.first = np.r_[0, np.cumsum(self.n_levels)[:-1]]  # column of code 1

    def forward(self, X, training=False, out=None):
        codes = category_codes(X, self.n_levels)  # (n, c)
        A = np.zeros((X.shape[0], self.n_levels.sum()), X.dtype)
        i, j = np.nonzero(codes)  # the known codes
        A[i, self.first[j] + codes[i, j] - 1] = 1
        return _result(A, out), X.shape

    def backward(self, dA, shape, need_dX=True, out=None):
        return _result(np.zeros(shape, dA.dtype), out) if need_dX else None


@dataclass(frozen=True)
class OneHotSpec:
    """A :class:`OneHotEncoding` of columns with ``n_levels`` categories each."""

    n_levels: tuple

    @property
    def n_in(self):
        return len(self.n_levels)

    @property
    def n_out(self):
        return sum(self.n_levels)

    shapes = ()

    def init(self, rng, dtype):
        return []

    def build(self, params, grads=None):
        return OneHotEncoding(self.n_levels)


class CategoricalEmbedding:
    """A learned vector per category: codes (n, c) -> (n, c dim).

    Column ``j`` holds codes ``1 .. n_levels[j]`` as floats; 0, NaN and any
    other value (a category unseen in training, see :func:`category_codes`)
    share row 0 of the column's table. The tables of all columns are stacked
    in one (sum(n_levels + 1), dim) array, column ``j``'s from ``offsets[j]``.

    Notes
    -----
    The output is a row lookup in the stacked table :math:`T`, so the
    gradient of a row sums the deltas of every sample that looked it up:

    .. math::

        a_{ij} = T_{o_j + x_{ij}}, \\qquad
        \\frac{\\partial L}{\\partial T_r} = \\sum_{(i, j):\\, o_j + x_{ij} = r}
        \\delta_{ij}, \\qquad
        \\frac{\\partial L}{\\partial x_{ij}} = 0
    """

    def __init__(self, table, n_levels, dtable=None):
        self.table, self.dtable = table, dtable
        self.n_levels = np.asarray(n_levels)  # (c,)
        self.offsets = np.r_[0, np.cumsum(self.n_levels + 1)[:-1]]  # (c,)

    def rows(self, X):
        """The table rows of codes ``X``; unknown and missing codes map to 0."""
        return self.offsets + category_codes(X, self.n_levels)  # (n, c)

    def forward(self, X, training=False, out=None):
        rows = self.rows(X)
        A = self.table[rows].reshape(X.shape[0], -1)  # (n, c, dim) -> (n, c dim)
        return _result(A, out), rows

    def backward(self, dA, rows, need_dX=True, out=None):
        dim = self.table.shape[1]
        self.dtable[...] = 0
        # a row looked up by several samples gathers all their deltas
        np.add.at(self.dtable, rows.ravel(), dA.reshape(-1, dim))
        if not need_dX:
            return None
        return _result(np.zeros(rows.shape, dA.dtype), out)


@dataclass(frozen=True)
class CategoricalSpec:
    """A :class:`CategoricalEmbedding` of columns with ``n_levels`` categories
    each (a tuple), in ``dim`` dimensions; rows start at :math:`N(0, 1)`, as
    torch's embeddings do."""

    n_levels: tuple
    dim: int = 8

    @property
    def n_in(self):
        return len(self.n_levels)

    @property
    def n_out(self):
        return len(self.n_levels) * self.dim

    @property
    def shapes(self):
        return [(sum(self.n_levels) + len(self.n_levels), self.dim)]

    def init(self, rng, dtype):
        return [rng.normal(size=self.shapes[0]).astype(dtype, copy=False)]

    def build(self, params, grads=None):
        return CategoricalEmbedding(*params, self.n_levels, *_unpack(grads, 1))


# ---------------------------------------------------------------- Columns
class Columns:
    """Layers applied to groups of columns, the other columns passed through.

    ``items`` is a list of ``(indices, layer)``; the output is every layer's
    output on ``X[:, indices]`` side by side, in order, then
    ``X[:, passthrough]``. Columns in neither are dropped.

    Notes
    -----
    With group :math:`g` reading columns :math:`I_g` through layer
    :math:`f_g`, and :math:`P` the passed-through columns,

    .. math::

        A = [f_1(X_{:, I_1}), \\dots, f_G(X_{:, I_G}), X_{:, P}], \\qquad
        \\frac{\\partial L}{\\partial X_{:, c}}
        = \\sum_{g:\\, c \\in I_g} \\frac{\\partial L}{\\partial X^{(g)}_{:, c}}
        + [c \\in P] \\, \\delta_{:, c}

    so a column read by two groups gets the sum of both gradients.
    """

    def __init__(self, items, passthrough=()):
        self.items = [(np.asarray(idx, dtype=np.intp), layer) for idx, layer in items]
        self.passthrough = np.asarray(passthrough, dtype=np.intp)

    def forward(self, X, training=False, out=None):
        parts, caches = [], []
        for idx, layer in self.items:
            A, cache = layer.forward(X[:, idx], training)
            parts.append(A)
            caches.append(cache)
        parts.append(X[:, self.passthrough])
        ends = np.cumsum([A.shape[1] for A in parts])
        return np.concatenate(parts, axis=1, out=out), (X.shape, ends, caches)

    def backward(self, dA, cache, need_dX=True, out=None):
        shape, ends, caches = cache
        pieces = np.split(dA, ends[:-1], axis=1)
        dX = None
        if need_dX:
            dX = np.zeros(shape, dA.dtype) if out is None else out
            dX[...] = 0
            dX[:, self.passthrough] += pieces[-1]
        for (idx, layer), piece, layer_cache in zip(self.items, pieces, caches):
            # each layer gets its own contiguous delta, which it may overwrite
            d = layer.backward(np.ascontiguousarray(piece), layer_cache, need_dX)
            if need_dX:
                dX[:, idx] += d
        return dX


@dataclass(frozen=True)
class ColumnsSpec:
    """A :class:`Columns` over ``n_in`` columns: ``items`` is a tuple of
    ``(indices, spec)``, each spec's ``n_in`` equal to its number of indices
    (no index twice in a group), ``passthrough`` the columns passed on."""

    n_in: int
    items: tuple
    passthrough: tuple = ()

    def __post_init__(self):
        groups = [tuple(idx) for idx, _ in self.items] + [tuple(self.passthrough)]
        for idx, spec in self.items:
            if len(idx) != spec.n_in:
                raise ValueError(
                    f"A group of {len(idx)} columns cannot feed a layer of "
                    f"{spec.n_in} inputs; give it exactly n_in column indices."
                )
        for idx in groups:
            if len(set(idx)) != len(idx) or any(not 0 <= i < self.n_in for i in idx):
                raise ValueError(
                    f"Column indices {list(idx)} must be distinct and in "
                    f"[0, {self.n_in}) for n_in={self.n_in}."
                )

    @property
    def n_out(self):
        return sum(spec.n_out for _, spec in self.items) + len(self.passthrough)

    @property
    def shapes(self):
        return [shape for _, spec in self.items for shape in spec.shapes]

    def init(self, rng, dtype):
        return [a for _, spec in self.items for a in spec.init(rng, dtype)]

    def build(self, params, grads=None):
        specs = [spec for _, spec in self.items]
        layers = build_layers(specs, params, grads)
        items = [(idx, layer) for (idx, _), layer in zip(self.items, layers)]
        return Columns(items, self.passthrough)


# ----------------------------------------------------------------- fronts
def build_layers(specs, params, grads=None):
    """The layers of ``specs``, each taking its ``len(spec.shapes)`` arrays
    from the flat lists ``params`` (and ``grads``, None for no gradients)."""
    layers, start = [], 0
    for spec in specs:
        stop = start + len(spec.shapes)
        layer_grads = None if grads is None else grads[start:stop]
        layers.append(spec.build(params[start:stop], layer_grads))
        start = stop
    return layers


def init_front(front, rng, dtype):
    """Initial values of every parameter of the specs ``front``, in order."""
    return [a for spec in front for a in spec.init(rng, dtype)]


def front_shapes(front):
    """The shapes of every parameter of the specs ``front``, in order."""
    return [shape for spec in front for shape in spec.shapes]


def check_front(front, n_out):
    """Raise if consecutive specs' widths differ or the last's ``n_out`` is not
    ``n_out`` (the first Dense layer's input width)."""
    widths = [spec.n_in for spec in front[1:]] + [n_out]
    for k, (spec, width) in enumerate(zip(front, widths)):
        if spec.n_out != width:
            raise ValueError(
                f"front layer {k} ({type(spec).__name__}) outputs {spec.n_out} "
                f"columns but what follows it takes {width}; make layer_units[0] "
                "the front's output width."
            )
