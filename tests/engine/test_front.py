"""``skbackprop._engine.front``: the front a table gets, column by column."""

import numpy as np
import pytest

from skbackprop._engine.embeddings import (
    CategoricalSpec,
    ColumnsSpec,
    OneHotSpec,
    PeriodicSpec,
    PiecewiseLinearSpec,
    ScaleSpec,
    build_layers,
    init_front,
    quantile_bin_edges,
)
from skbackprop._engine.front import tabular_front
from skbackprop._engine.network import Network

MAX_REL_ERROR = 1e-6


def _forward(front, X):
    A = X
    params = init_front(front, np.random.default_rng(0), np.float64)
    for layer in build_layers(front, params):
        A, _ = layer.forward(A)
    return A


def test_nothing_to_do_is_no_front():
    assert tabular_front(4) == []
    assert tabular_front(4, scale=True) == [ScaleSpec(4)]


def test_numbers_embedded_few_levels_one_hot_many_embedded():
    front = tabular_front(5, {3: 20, 1: 3}, numeric="periodic", scale=True)
    columns, scale = front
    assert columns == ColumnsSpec(
        5,
        (
            ((0, 2, 4), PeriodicSpec(3)),
            ((1,), OneHotSpec((3,))),
            ((3,), CategoricalSpec((20,), 8)),
        ),
    )
    assert scale == ScaleSpec(3 * 4 + 3 + 8)


def test_numbers_pass_through_last_without_an_embedding():
    front = tabular_front(3, {1: 2})
    X = np.array([[0.5, 2.0, -1.0], [1.5, 1.0, 4.0]])
    np.testing.assert_array_equal(
        _forward(front, X), [[0, 1, 0.5, -1.0], [1, 0, 1.5, 4.0]]
    )


def test_piecewise_linear_numbers_need_their_edges():
    X = np.random.default_rng(0).normal(size=(50, 3))
    edges = quantile_bin_edges(X[:, [0, 2]], 4)
    (columns,) = tabular_front(3, {1: 12}, numeric="piecewise_linear", edges=edges)
    assert isinstance(columns.items[0][1], PiecewiseLinearSpec)
    assert columns.n_out == 2 * 4 + 8
    with pytest.raises(ValueError, match=r"one row per number column \(2\); got None"):
        tabular_front(3, {1: 12}, numeric="piecewise_linear")
    with pytest.raises(ValueError, match="got 3 rows"):
        tabular_front(3, {1: 12}, numeric="piecewise_linear", edges=edges[[0, 1, 1]])


def test_unknown_numeric_embedding_is_named():
    with pytest.raises(ValueError, match="'periodic', 'piecewise_linear'.*'fourier'"):
        tabular_front(3, numeric="fourier")


def test_only_categories_or_only_numbers():
    (columns,) = tabular_front(2, {0: 4, 1: 30})
    assert [idx for idx, _ in columns.items] == [(0,), (1,)]
    assert columns.passthrough == ()
    (columns,) = tabular_front(2, numeric="periodic")
    assert columns.n_out == 8


def test_network_on_a_tabular_front_has_exact_gradients(network_rel_error):
    front = tabular_front(4, {1: 3, 2: 11}, numeric="periodic", scale=True)
    net = Network(
        [front[-1].n_out, 6, 2],
        "mish",
        "log_loss",
        np.float64,
        front=front,
        parametric_activation=True,
    )
    rng = np.random.default_rng(3)
    net.params[...] = rng.uniform(-0.8, 0.8, net.params.size)
    X = rng.normal(size=(9, 4))
    X[:, 1], X[:, 2] = rng.integers(0, 4, 9), rng.integers(0, 12, 9)
    Y = np.eye(2)[rng.integers(0, 2, 9)]
    err, _ = network_rel_error(net, X, Y, None, 0.1)
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
