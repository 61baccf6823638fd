"""``skbackprop._engine.embeddings``: every front layer against its equations
(written out per feature with plain numpy) and finite differences (float64)
for every parameter and the input, the specs, and the quantile bin edges."""

import math
import pickle

import numpy as np
import pytest

from skbackprop._engine.embeddings import (
    CategoricalEmbedding,
    CategoricalSpec,
    Columns,
    ColumnsSpec,
    OneHotSpec,
    PeriodicEmbedding,
    PeriodicSpec,
    PiecewiseLinearEncoding,
    PiecewiseLinearSpec,
    Scale,
    ScaleSpec,
    build_layers,
    check_front,
    front_shapes,
    init_front,
    quantile_bin_edges,
)

MAX_REL_ERROR = 1e-6


def _with_grads(spec, seed=0, dtype=np.float64):
    """A layer of ``spec`` with random parameters and zeroed gradient arrays."""
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=s).astype(dtype) for s in spec.shapes]
    grads = [np.zeros_like(p) for p in params]
    return spec.build(params, grads), params, grads


def _check_gradients(layer, X, params, grads, numeric_gradient, relative_error):
    """Finite differences of ``sum(G * A)`` for every parameter and for X."""
    G = np.random.default_rng(5).normal(size=layer.forward(X)[0].shape)

    def f():
        return float((G * layer.forward(X, training=True)[0]).sum())

    _, cache = layer.forward(X, training=True)
    dX = layer.backward(G.copy(), cache)
    assert dX.shape == X.shape
    analytic = [g.copy() for g in grads] + [dX]
    for a, wrt in zip(analytic, params + [X]):
        err = relative_error(a, numeric_gradient(f, wrt))
        assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
    assert layer.backward(G.copy(), cache, need_dX=False) is None


# ------------------------------------------------------------------ Scale
def test_scale_forward_and_gradient(numeric_gradient, relative_error):
    layer, (s,), grads = _with_grads(ScaleSpec(4))
    X = np.random.default_rng(1).normal(size=(7, 4))
    np.testing.assert_allclose(layer.forward(X)[0], X * s, rtol=1e-15)
    _check_gradients(layer, X, [s], grads, numeric_gradient, relative_error)


# --------------------------------------------------------------- Periodic
def _periodic_by_hand(X, w, b, L, c):
    """[x_j, cos(2 pi w_j x_j + b_j) L_j + c_j] for each feature j, in order."""
    columns = []
    for j in range(X.shape[1]):
        V = np.cos(2 * math.pi * X[:, j : j + 1] * w[j] + b[j])  # (n, k)
        columns += [X[:, j : j + 1], V @ L[j] + c[j]]
    return np.hstack(columns)


def test_periodic_forward_matches_its_equation():
    spec = PeriodicSpec(3, n_frequencies=5, n_dims=2)
    layer, params, _ = _with_grads(spec)
    X = np.random.default_rng(2).normal(size=(6, 3))
    A, _ = layer.forward(X)
    assert A.shape == (6, spec.n_out) == (6, 9)
    np.testing.assert_allclose(A, _periodic_by_hand(X, *params), rtol=1e-12)
    out = np.empty_like(A)
    assert layer.forward(X, out=out)[0] is out
    np.testing.assert_array_equal(out, A)


def test_periodic_gradient(numeric_gradient, relative_error):
    layer, params, grads = _with_grads(PeriodicSpec(3, n_frequencies=4, n_dims=2))
    X = np.random.default_rng(3).normal(size=(5, 3))
    _check_gradients(layer, X, params, grads, numeric_gradient, relative_error)


def test_periodic_spec_initialisation():
    spec = PeriodicSpec(50, n_frequencies=16, n_dims=3, sigma=0.1)
    w, b, L, c = spec.init(np.random.default_rng(0), np.float32)
    assert [a.shape for a in (w, b, L, c)] == spec.shapes
    assert all(a.dtype == np.float32 for a in (w, b, L, c))
    assert abs(w.std() - 0.1) < 0.01 and abs(w.mean()) < 0.01  # N(0, 0.1^2)
    assert -math.pi <= b.min() and b.max() <= math.pi and b.std() > 1.5
    assert np.abs(L).max() <= 0.25 and np.abs(c).max() <= 0.25  # 1 / sqrt(16)


# ---------------------------------------------------------- piecewise linear
def test_piecewise_linear_values():
    # edges 0, 1, 3, 4: ramps of widths 1, 2, 1; first open below, last above
    edges = np.array([[0.0, 1.0, 3.0, 4.0]])
    layer = PiecewiseLinearEncoding(edges)
    X = np.array([[-1.0], [0.5], [2.0], [3.5], [6.0]])
    expected = [
        [-1.0, 0.0, 0.0],
        [0.5, 0.0, 0.0],
        [1.0, 0.5, 0.0],
        [1.0, 1.0, 0.5],
        [1.0, 1.0, 3.0],
    ]
    np.testing.assert_allclose(layer.forward(X)[0], expected, rtol=1e-15)
    dX = layer.backward(np.ones((5, 3)), layer.forward(X)[1])
    np.testing.assert_allclose(dX.ravel(), [1.0, 1.0, 0.5, 1.0, 1.0])


def test_piecewise_linear_gradient(numeric_gradient, relative_error):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(8, 3))
    spec = PiecewiseLinearSpec(quantile_bin_edges(rng.normal(size=(40, 3)), 4))
    layer = spec.build([])
    assert spec.shapes == () and spec.init(rng, np.float64) == []
    assert layer.forward(X)[0].shape == (8, spec.n_out) == (8, 12)
    # no parameters: the input gradient alone, away from the edges (kinks)
    _check_gradients(layer, X, [], [], numeric_gradient, relative_error)


def test_piecewise_linear_zero_width_bins_encode_zero():
    # a constant column and a tie: zero-width bins encode 0 and pass no gradient
    edges = np.array([[2.0, 2.0, 2.0], [0.0, 1.0, 1.0]])
    layer = PiecewiseLinearEncoding(edges)
    X = np.array([[1.0, 0.5], [2.0, 1.0], [5.0, 3.0]])
    A, cache = layer.forward(X)
    np.testing.assert_array_equal(A[:, :2], 0.0)
    np.testing.assert_allclose(A[:, 2:], [[0.5, 0.0], [1.0, 0.0], [1.0, 0.0]])
    dX = layer.backward(np.ones_like(A), cache)
    np.testing.assert_array_equal(dX, [[0.0, 1.0], [0.0, 0.0], [0.0, 0.0]])


@pytest.mark.parametrize("n_bins", [1, 4])
def test_quantile_bin_edges(n_bins):
    rng = np.random.default_rng(0)
    X = np.c_[rng.normal(size=101), np.full(101, 3.0), rng.integers(0, 2, 101)]
    X[::10, 0] = np.nan
    edges = quantile_bin_edges(X, n_bins)
    assert edges.shape == (3, n_bins + 1) and edges.dtype == np.float64
    assert (np.diff(edges, axis=1) >= 0).all()
    observed = X[~np.isnan(X[:, 0]), 0]
    np.testing.assert_array_equal(edges[0, [0, -1]], [observed.min(), observed.max()])
    np.testing.assert_array_equal(edges[1], 3.0)  # constant: every bin empty
    assert set(edges[2]) <= {0.0, 1.0}  # ties: repeated edges
    np.testing.assert_array_equal(quantile_bin_edges(np.full((5, 1), np.nan), 3), 0)


# ------------------------------------------------------------ categorical
def test_categorical_lookup_and_unknown_codes():
    spec = CategoricalSpec(n_levels=(2, 3), dim=2)
    layer, (table,), _ = _with_grads(spec)
    assert table.shape == (3 + 4, 2) and spec.n_out == 4
    # codes 1..n_levels are levels; 0, NaN, too large, negative, fractional: row 0
    X = np.array([[1.0, 3.0], [2.0, 0.0], [np.nan, 4.0], [-1.0, 1.5]])
    A, _ = layer.forward(X)
    first, second = [1, 2, 0, 0], [3 + 3, 3 + 0, 3 + 0, 3 + 0]  # table rows
    expected = np.hstack([table[first], table[second]])
    np.testing.assert_array_equal(A, expected)


def test_categorical_gradient(numeric_gradient, relative_error):
    layer, params, grads = _with_grads(CategoricalSpec(n_levels=(3, 2), dim=4))
    X = np.array([[1, 2], [3, 2], [1, 0], [0, 1], [2, 7], [1, 2]], dtype=float)
    G = np.random.default_rng(5).normal(size=(6, 8))

    def f():
        return float((G * layer.forward(X, training=True)[0]).sum())

    _, cache = layer.forward(X, training=True)
    dX = layer.backward(G.copy(), cache)
    np.testing.assert_array_equal(dX, np.zeros_like(X))  # codes: no gradient
    err = relative_error(grads[0], numeric_gradient(f, params[0]))
    assert err < MAX_REL_ERROR
    # row 1 (level 1 of the first column) was looked up by samples 0, 2 and 5
    np.testing.assert_allclose(grads[0][1], G[[0, 2, 5], :4].sum(axis=0))


def test_one_hot_indicators():
    layer = OneHotSpec((2, 3)).build([])
    X = np.array([[1.0, 3.0], [2.0, 0.0], [np.nan, 4.0], [0.5, 1.0]])
    A, cache = layer.forward(X)
    expected = [
        [1, 0, 0, 0, 1],
        [0, 1, 0, 0, 0],  # 0: unknown, no indicator set
        [0, 0, 0, 0, 0],  # NaN and a code past the levels
        [0, 0, 1, 0, 0],  # 0.5 is no code
    ]
    np.testing.assert_array_equal(A, expected)
    np.testing.assert_array_equal(
        layer.backward(np.ones_like(A), cache), np.zeros((4, 2))
    )
    assert layer.backward(np.ones_like(A), cache, need_dX=False) is None


# ---------------------------------------------------------------- Columns
def _columns_spec():
    return ColumnsSpec(
        n_in=6,
        items=(
            ((0, 2), PeriodicSpec(2, n_frequencies=3, n_dims=2)),
            ((4,), CategoricalSpec((3,), dim=2)),
            ((1, 0), ScaleSpec(2)),  # a column may feed two groups
        ),
        passthrough=(5, 3),
    )


def _columns_data(seed=6):
    X = np.random.default_rng(seed).normal(size=(7, 6))
    X[:, 4] = [1, 2, 3, 0, 1, 2, 3]
    return X


def test_columns_output_is_the_groups_side_by_side():
    spec = _columns_spec()
    layer, params, _ = _with_grads(spec)
    assert spec.n_out == 6 + 2 + 2 + 2
    assert front_shapes([spec]) == [(2, 3), (2, 3), (2, 3, 2), (2, 2), (4, 2), (2,)]
    X = _columns_data()
    w, b, L, c, table, s = params
    expected = np.hstack(
        [
            _periodic_by_hand(X[:, [0, 2]], w, b, L, c),
            table[X[:, 4].astype(int)],
            X[:, [1, 0]] * s,
            X[:, [5, 3]],
        ]
    )
    np.testing.assert_allclose(layer.forward(X)[0], expected, rtol=1e-12)


def test_columns_gradient(numeric_gradient, relative_error):
    layer, params, grads = _with_grads(_columns_spec())
    X = _columns_data()
    G = np.random.default_rng(8).normal(size=(7, 12))

    def f():
        return float((G * layer.forward(X, training=True)[0]).sum())

    _, cache = layer.forward(X, training=True)
    dX = layer.backward(G.copy(), cache)
    for analytic, wrt in zip([*grads, dX], [*params, X]):
        numeric = numeric_gradient(f, wrt)
        if wrt is X:
            numeric[:, 4] = 0  # codes are not differentiable: dX is 0 there
        err = relative_error(analytic, numeric)
        assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
    assert layer.backward(G.copy(), cache, need_dX=False) is None
    assert np.abs(grads[0]).sum() > 0  # the groups still get their gradients


@pytest.mark.parametrize(
    "items, passthrough, match",
    [
        ((((0, 1), ScaleSpec(3)),), (), "cannot feed a layer of 3"),
        ((((0, 0), ScaleSpec(2)),), (), "distinct"),
        ((((0, 9), ScaleSpec(2)),), (), r"in \[0, 4\)"),
        ((), (1, 1), "distinct"),
    ],
)
def test_columns_spec_rejects_bad_groups(items, passthrough, match):
    with pytest.raises(ValueError, match=match):
        ColumnsSpec(4, items, passthrough)


# ------------------------------------------------------------------ fronts
def test_build_layers_hands_each_spec_its_views():
    front = [_columns_spec(), ScaleSpec(12)]
    params = init_front(front, np.random.default_rng(0), np.float64)
    assert [p.shape for p in params] == front_shapes(front)
    grads = [np.zeros_like(p) for p in params]
    columns, scale = build_layers(front, params, grads)
    assert isinstance(columns, Columns) and isinstance(scale, Scale)
    assert scale.s is params[-1] and scale.ds is grads[-1]
    periodic = columns.items[0][1]
    assert isinstance(periodic, PeriodicEmbedding) and periodic.M is params[2]
    assert isinstance(columns.items[1][1], CategoricalEmbedding)
    np.testing.assert_array_equal(scale.s, 1.0)  # scales start at 1
    assert build_layers(front, params)[1].ds is None  # no gradients


def test_specs_pickle_and_rebuild_the_same_layers():
    # an estimator keeps its front's specs and parameters to predict later
    edges = quantile_bin_edges(np.random.default_rng(2).normal(size=(30, 12)), 3)
    front = [_columns_spec(), ScaleSpec(12), PiecewiseLinearSpec(edges)]
    params = init_front(front, np.random.default_rng(0), np.float64)
    restored = pickle.loads(pickle.dumps(front))
    outputs = []
    for specs in (front, restored):
        A = _columns_data()
        for layer in build_layers(specs, params):
            A, _ = layer.forward(A)
        outputs.append(A)
    assert outputs[0].shape == (7, 36)
    np.testing.assert_array_equal(outputs[0], outputs[1])


def test_check_front_names_the_mismatch():
    check_front([ScaleSpec(3), PeriodicSpec(3)], 12)
    with pytest.raises(ValueError, match="front layer 0 .ScaleSpec. outputs 3"):
        check_front([ScaleSpec(3), PeriodicSpec(4)], 16)
    with pytest.raises(ValueError, match="layer_units"):
        check_front([ScaleSpec(3)], 4)


@pytest.mark.parametrize(
    "spec",
    [
        ScaleSpec(3),
        PeriodicSpec(3, n_frequencies=4, n_dims=2),
        PiecewiseLinearSpec(np.array([[0.0, 1, 2]] * 3)),
        CategoricalSpec((2, 3, 1), dim=2),
        OneHotSpec((2, 3, 1)),
    ],
    ids=lambda spec: type(spec).__name__,
)
def test_float32_stays_float32(spec):
    rng = np.random.default_rng(0)
    params = [p.astype(np.float32) for p in spec.init(rng, np.float32)]
    layer = spec.build(params, [np.zeros_like(p) for p in params])
    X = np.abs(rng.normal(size=(5, 3))).astype(np.float32).round()
    A, cache = layer.forward(X, training=True)
    assert A.dtype == np.float32 and A.shape == (5, spec.n_out)
    assert layer.backward(np.ones_like(A), cache).dtype == np.float32
