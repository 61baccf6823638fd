"""``skbackprop._engine.network``: the network's gradients, its input gradient,
prediction in chunks and the per-batch-size workspaces.

Every hidden activation in ``ACTIVATIONS`` and every loss in ``LOSSES`` is
checked by finite differences, in float64, through a network of three hidden
layers, with and without the L2 penalty and sample weights.
``Network.input_gradient(X, G)``, the vector-Jacobian product
``d sum(G * P) / dX`` behind the attributions of ``skbackprop.inspection``, is
compared with central differences of the network's prediction.
"""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp

from skbackprop._engine.activations import ACTIVATIONS
from skbackprop._engine.embeddings import (
    CategoricalSpec,
    Columns,
    ColumnsSpec,
    OneHotSpec,
    PeriodicSpec,
    PiecewiseLinearSpec,
    Scale,
    ScaleSpec,
    init_front,
)
from skbackprop._engine.layers import ActivationLayer, Dense, Dropout
from skbackprop._engine.losses import LOSSES
from skbackprop._engine.network import (
    Network,
    default_chunk_rows,
    extra_shapes,
    n_parameters,
    predict,
)
from skbackprop._engine.parametric import ParametricActivation

MAX_REL_ERROR = 1e-6
H = 1e-6  # central-difference step


# ------------------------------------------------------- whole network
@pytest.mark.parametrize("use_sample_weight", [False, True])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_network_gradient(
    activation, loss_case, alpha, use_sample_weight, make_problem, network_rel_error
):
    loss, n_out = loss_case
    net, X, Y, sw = make_problem(activation, loss, n_out)
    X0, Y0, sw0 = X.copy(), Y.copy(), sw.copy()
    err, analytic = network_rel_error(
        net, X, Y, sw if use_sample_weight else None, alpha
    )
    assert np.linalg.norm(analytic) > 1e-6  # a check of a zero gradient proves little
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
    # the caller's data is never modified
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)
    np.testing.assert_array_equal(sw, sw0)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_network_gradient_with_dropout(activation, make_problem, network_rel_error):
    # the masks are redrawn from the same seed at every evaluation, so the
    # objective is a fixed smooth function of the parameters
    net, X, Y, sw = make_problem(activation, "squared_error", 2, dropout=0.4)
    dropouts = [layer for layer in net.layers if isinstance(layer, Dropout)]
    assert len(dropouts) == 3  # one per hidden layer

    def reset_rng():
        rng = np.random.RandomState(42)
        for layer in dropouts:
            layer.rng = rng

    err, _ = network_rel_error(net, X, Y, sw, 0.3, reset_rng=reset_rng)
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
    # dropout is really active in training and off in prediction
    reset_rng()
    train_loss = net.loss_and_grads(X, Y, sw, 0.0, training=True)
    eval_loss = net.loss_and_grads(X, Y, sw, 0.0, training=False)
    assert train_loss != eval_loss


def test_unit_sample_weight_equals_none(loss_case, make_problem):
    loss, n_out = loss_case
    net, X, Y, _ = make_problem("tanh", loss, n_out)
    loss_none = net.loss_and_grads(X, Y, None, 0.3)
    grads_none = net.grads.copy()
    loss_ones = net.loss_and_grads(X, Y, np.ones(len(X)), 0.3)
    np.testing.assert_allclose(loss_ones, loss_none, rtol=1e-12)
    np.testing.assert_allclose(net.grads, grads_none, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------- parameter layout
def test_flat_parameters_are_laid_out_as_sklearn_packs_them():
    # every W (row-major), then every b; coefs and intercepts are views
    units = [3, 4, 2]
    net = Network(units, "tanh", "squared_error", np.float64)
    assert net.params.size == n_parameters(units) == 3 * 4 + 4 * 2 + 4 + 2
    net.params[...] = np.arange(net.params.size)
    np.testing.assert_array_equal(net.coefs[0], np.arange(12).reshape(3, 4))
    np.testing.assert_array_equal(net.coefs[1], np.arange(12, 20).reshape(4, 2))
    np.testing.assert_array_equal(net.intercepts[0], [20, 21, 22, 23])
    np.testing.assert_array_equal(net.intercepts[1], [24, 25])
    assert net.n_coef == 20
    for view in net.coefs + net.intercepts:
        assert np.shares_memory(view, net.params)
    dense = [layer for layer in net.layers if isinstance(layer, Dense)]
    for layer in dense:
        assert np.shares_memory(layer.dW, net.grads)
        assert np.shares_memory(layer.db, net.grads)


def test_set_weights_copies_into_the_flat_vector():
    net = Network([3, 4, 2], "tanh", "squared_error", np.float64)
    rng = np.random.RandomState(0)
    coefs = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
    intercepts = [rng.normal(size=4), rng.normal(size=2)]
    flat = net.params
    net.set_weights(coefs, intercepts)
    assert net.params is flat
    expected = np.concatenate([a.ravel() for a in coefs + intercepts])
    np.testing.assert_array_equal(net.params, expected)
    coefs[0][0, 0] = 99.0  # a copy, not a reference to the caller's array
    assert net.params[0] != 99.0


# ------------------------------------------------------------ prediction
@pytest.mark.parametrize("chunk_rows", [1, 7, 64, 1000])
@pytest.mark.parametrize("out_activation", ["softmax", "logistic", "identity", "exp"])
def test_chunked_predict_equals_unchunked(
    chunk_rows, out_activation, make_network, make_data
):
    net = make_network()
    X, _ = make_data(203, 6, 3)
    args = (net.coefs, net.intercepts, "relu", out_activation)
    whole = predict(X, *args, chunk_rows=len(X))
    # one-row chunks may go through BLAS's matrix-vector kernel: 1-ulp apart
    np.testing.assert_allclose(
        predict(X, *args, chunk_rows=chunk_rows), whole, rtol=1e-14, atol=1e-15
    )


def test_predict_matches_plain_forward(make_network, make_data):
    net = make_network()
    X, _ = make_data(50, 6, 3)
    A = X
    for k, (W, b) in enumerate(zip(net.coefs, net.intercepts)):
        Z = A @ W + b
        A = np.maximum(Z, 0) if k < len(net.coefs) - 1 else Z
    P = np.exp(A - A.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(net.predict(X), P, rtol=1e-12)


@pytest.mark.parametrize(
    "loss", ["log_loss", "binary_log_loss", "squared_error", "poisson"]
)
@pytest.mark.parametrize("activation", ["relu", "tanh", "gelu"])
def test_predict_from_weights_equals_network_predict(loss, activation, make_data):
    # the function the estimators' predict calls runs the network's own stack
    net = Network([6, 8, 5, 3], activation, loss, np.float64)
    net.params[...] = np.random.default_rng(3).normal(scale=0.5, size=net.params.size)
    X, _ = make_data(40, 6, 3)
    out_activation = LOSSES[loss].out_activation
    got = predict(X, net.coefs, net.intercepts, activation, out_activation)
    np.testing.assert_allclose(got, net.predict(X), rtol=1e-13, atol=1e-15)
    P, _ = net.forward(X, training=False)
    np.testing.assert_allclose(got, P, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_predict_sparse_chunks(fmt, make_network, make_data):
    net = make_network()
    X, _ = make_data(120, 6, 3)
    X[X < 0.3] = 0
    args = (net.coefs, net.intercepts, "relu", "softmax")
    expected = predict(X, *args)
    got = predict(sp.csr_matrix(X).asformat(fmt), *args, chunk_rows=17)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_predict_converts_other_dtype_chunkwise(make_network, make_data):
    net = make_network(dtype=np.float32)
    X, _ = make_data(300, 6, 3)
    args = (net.coefs, net.intercepts, "relu", "softmax")
    got = predict(X, *args, chunk_rows=64)
    assert got.dtype == np.float32
    # the same values as converting first, to float32 rounding (softmax shifts
    # each chunk by its own maximum)
    expected = predict(X.astype(np.float32), *args)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


def test_default_chunk_rows_bounded(make_network):
    # about 1 MiB for the widest activation, and never fewer than 256 rows
    assert default_chunk_rows(make_network(units=(50, 256, 2)).coefs) == 512
    assert default_chunk_rows(make_network(units=(50, 4096, 2)).coefs) == 256
    assert default_chunk_rows(make_network(units=(3, 2, 1)).coefs) == (1 << 20) // 16


def test_predict_extra_memory_bounded(make_network):
    net = make_network(units=(50, 64, 32, 1), loss="squared_error", dtype=np.float32)
    X = np.random.default_rng(0).normal(size=(100_000, 50)).astype(np.float32)
    predict(X[:10], net.coefs, net.intercepts, "relu", "identity")
    tracemalloc.start()
    predict(X, net.coefs, net.intercepts, "relu", "identity")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # the output column plus a few chunk buffers, far below the input's size
    assert peak <= X.nbytes / 2


@pytest.mark.parametrize("activation", ["relu", "tanh", "gelu", "identity"])
def test_hidden_preactivations_equal_the_dense_outputs(activation, make_data):
    net = Network([6, 8, 5, 2], activation, "squared_error", np.float64)
    net.params[...] = np.random.default_rng(4).normal(size=net.params.size)
    X, _ = make_data(30, 6, 2)
    Zs = net.hidden_preactivations(X)
    assert [Z.shape for Z in Zs] == [(30, 8), (30, 5)]
    # plain numpy: Z_k = A_{k-1} W_k + b_k, A_k = f(Z_k)
    A, forward = X, ACTIVATIONS[activation].forward
    for Z, W, b in zip(Zs, net.coefs[:-1], net.intercepts[:-1]):
        expected = A @ W + b
        np.testing.assert_allclose(Z, expected, rtol=1e-13, atol=1e-14)
        A = forward(expected.copy())
    # the list is of pre-activations, not of the activations computed in place
    if activation == "relu":
        assert min(Z.min() for Z in Zs) < 0


# ---------------------------------------------------------------- dtypes
@pytest.mark.parametrize("loss", ["log_loss", "squared_error", "binary_log_loss"])
def test_float32_stays_float32(loss, make_data):
    net = Network([6, 7, 3], "tanh", loss, np.float32)
    net.params[...] = np.random.default_rng(0).normal(size=net.params.size)
    assert net.params.dtype == net.grads.dtype == np.float32
    X, Y = make_data(20, 6, 3, dtype=np.float32)
    P, _ = net.forward(X, training=True)
    assert P.dtype == np.float32
    net.loss_and_grads(X, Y, np.ones(20, np.float32), alpha=0.1)
    assert net.grads.dtype == np.float32 and np.isfinite(net.grads).all()
    assert net.predict(X).dtype == np.float32
    assert all(Z.dtype == np.float32 for Z in net.hidden_preactivations(X))
    G = np.ones((20, 3), np.float32)
    assert net.input_gradient(X, G).dtype == np.float32


# ------------------------------------------------------------ workspaces
@pytest.mark.parametrize(
    "loss",
    [
        "log_loss",
        "binary_log_loss",
        "squared_error",
        "huber",
        "absolute_error",
        "quantile",
    ],
)
def test_loss_and_grads_independent_of_workspace_reuse(loss, make_network, make_data):
    # the same batch through a reused workspace gives the same loss and
    # gradient as through a fresh network, after batches of other sizes
    n_out = 1 if loss != "log_loss" else 3
    net = make_network(units=(6, 9, n_out), loss=loss)
    fresh = make_network(units=(6, 9, n_out), loss=loss)
    X, Y = make_data(40, 6, 3)
    Y = Y[:, :n_out]
    for n in (40, 13, 40, 7, 40):
        net.loss_and_grads(X[:n] * 2, Y[:n], None, alpha=0.1)
    loss_reused = net.loss_and_grads(X, Y, None, alpha=0.1)
    assert loss_reused == fresh.loss_and_grads(X, Y, None, alpha=0.1)
    np.testing.assert_array_equal(net.grads, fresh.grads)
    assert len(net._workspaces) <= 2


def test_workspace_is_made_once_per_batch_size(make_network):
    net = make_network(units=(6, 9, 7, 3))
    ws = net.workspace(16)
    assert net.workspace(16) is ws  # reused, not remade
    # a buffer per Dense output, and per input delta but the first layer's
    dense = [k for k, layer in enumerate(net.layers) if isinstance(layer, Dense)]
    for k, (fwd, bwd) in enumerate(zip(ws["forward"], ws["backward"])):
        assert (fwd is not None) == (k in dense)
        assert (bwd is not None) == (k in dense and k > 0)
    shapes = [ws["forward"][k].shape for k in dense]
    assert shapes == [(16, 9), (16, 7), (16, 3)]
    # a full batch and the short last one are kept; a third size starts over
    net.workspace(5)
    assert len(net._workspaces) == 2 and net.workspace(16) is ws
    net.workspace(3)
    assert 16 not in net._workspaces


def test_forward_without_workspace_returns_new_arrays(make_network, make_data):
    net = make_network()
    X, _ = make_data(10, 6, 3)
    P1, _ = net.forward(X)
    P2, _ = net.forward(X)
    assert P1 is not P2 and not np.shares_memory(P1, P2)


# -------------------------------------------------------- input gradient
LAYERS = [4, 5, 3]  # n_features, then two hidden layers
N_SAMPLES = 7
KINK_MARGIN = 1e-4  # distance of every hidden pre-activation from 0

# one loss per output activation: the loss does not enter the input gradient
LOSS_OF_LINK = {}
for _name, _loss in sorted(LOSSES.items()):
    LOSS_OF_LINK.setdefault(_loss.out_activation, _name)
LINK_CASES = [
    (link, n_out)
    for link in sorted(LOSS_OF_LINK)
    for n_out in ((3,) if link == "softmax" else (1, 3))
]


def numeric_input_gradient(numeric_gradient, net, X, G, h=H):
    """Central differences of ``sum(G * net.predict(X))`` with respect to X."""
    X = X.copy()  # numeric_gradient perturbs it in place
    return numeric_gradient(lambda: (G * net.predict(X)).sum(), X, h)


def make_link_network(activation, link, n_out, seed=0, dropout=0.0):
    """Random weights and inputs with no hidden pre-activation near a kink."""
    for s in range(seed, seed + 100):
        rng = np.random.RandomState(s)
        net = Network(
            LAYERS + [n_out],
            activation,
            LOSS_OF_LINK[link],
            np.float64,
            dropout=dropout,
            rng=np.random.RandomState(s),
        )
        net.params[...] = rng.uniform(-0.8, 0.8, net.params.size)
        X = rng.normal(size=(N_SAMPLES, LAYERS[0]))
        A, near_kink = X, False
        for W, b in zip(net.coefs[:-1], net.intercepts[:-1]):
            Z = A @ W + b
            near_kink |= np.abs(Z).min() < KINK_MARGIN
            A = ACTIVATIONS[activation].forward(Z)
        if not near_kink:
            return net, X, rng.normal(size=(N_SAMPLES, n_out))
    raise AssertionError("every seed puts a point near a kink")  # pragma: no cover


@pytest.mark.parametrize("link, n_out", LINK_CASES)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_input_gradient(numeric_gradient, activation, link, n_out, relative_error):
    net, X, G = make_link_network(activation, link, n_out)
    X0, G0 = X.copy(), G.copy()
    dX = net.input_gradient(X, G)
    assert dX.shape == X.shape and dX.dtype == np.float64
    assert np.linalg.norm(dX) > 1e-6  # a check of a zero gradient proves little
    err = relative_error(dX, numeric_input_gradient(numeric_gradient, net, X, G))
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
    # the caller's arrays are never modified
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(G, G0)


def test_one_hot_G_gives_the_gradient_of_one_output(numeric_gradient):
    # rows are independent: a one-hot G picks d p_ij / d x_i for each sample
    net, X, _ = make_link_network("tanh", "softmax", 3)
    j = np.array([0, 2, 1, 1, 0, 2, 2])
    G = np.eye(3)[j]
    dX = net.input_gradient(X, G)
    for i in range(N_SAMPLES):
        numeric = numeric_input_gradient(
            numeric_gradient, net, X[i : i + 1], G[i : i + 1]
        )
        np.testing.assert_allclose(dX[i], numeric[0], rtol=1e-6, atol=1e-9)


def test_input_gradient_ignores_dropout(numeric_gradient, relative_error):
    # attributions explain the prediction: dropout is off, as in predict
    net, X, G = make_link_network("relu", "identity", 2, dropout=0.5)
    dX = net.input_gradient(X, G)
    err = relative_error(dX, numeric_input_gradient(numeric_gradient, net, X, G))
    assert err < MAX_REL_ERROR
    np.testing.assert_array_equal(net.input_gradient(X, G), dX)


def test_backward_returns_input_gradient_only_when_asked():
    net, X, G = make_link_network("tanh", "identity", 2)
    P, caches = net.forward(X, training=True)
    assert net.backward(G.copy(), caches) is None
    grads = net.grads.copy()
    P, caches = net.forward(X, training=True)
    dX = net.backward(G.copy(), caches, to_input=True)
    assert dX.shape == X.shape
    # the parameter gradients are the same either way
    np.testing.assert_allclose(net.grads, grads, rtol=1e-13)


# ------------------------------------------------------------ front layers
# Five columns: two numbers embedded periodically, category codes (embedded
# and one-hot), a number encoded piecewise linearly and one passed through;
# then a scale on all 15.
FRONT_WIDTH = 2 * 3 + 2 + 3 + 3 + 1
FRONT_UNITS = [FRONT_WIDTH, 5, 4]


def _front():
    edges = np.array([[-1.0, -0.2, 0.3, 1.2]])
    columns = ColumnsSpec(
        5,
        items=(
            ((0, 1), PeriodicSpec(2, n_frequencies=3, n_dims=2)),
            ((2,), CategoricalSpec((3,), dim=2)),
            ((2,), OneHotSpec((3,))),
            ((3,), PiecewiseLinearSpec(edges)),
        ),
        passthrough=(4,),
    )
    return [columns, ScaleSpec(FRONT_WIDTH)]


def _front_data(rng, n=N_SAMPLES):
    X = rng.normal(size=(n, 5))
    X[:, 2] = rng.randint(0, 4, n)  # codes 1..3, and 0 for unknown
    return X


def make_front_problem(activation, loss, n_out, target_builder, parametric=True):
    """A network with a front and random weights, no hidden unit near a kink."""
    for seed in range(100):
        rng = np.random.RandomState(seed)
        net = Network(
            FRONT_UNITS + [n_out],
            activation,
            loss,
            np.float64,
            front=_front(),
            parametric_activation=parametric,
        )
        net.params[...] = rng.uniform(-0.8, 0.8, net.params.size)
        X = _front_data(rng)
        Y = target_builder(loss)(rng, N_SAMPLES, n_out)
        Zs = net.hidden_preactivations(X)
        if min(np.abs(Z).min() for Z in Zs) > 1e-4:
            return net, X, Y, rng.uniform(0.2, 3.0, N_SAMPLES)
    raise AssertionError("every seed puts a point near a kink")  # pragma: no cover


@pytest.mark.parametrize("parametric", [False, True])
@pytest.mark.parametrize("loss, n_out", [("log_loss", 3), ("squared_error", 2)])
@pytest.mark.parametrize("activation", ["tanh", "relu", "selu", "mish"])
def test_network_gradient_with_front(
    activation, loss, n_out, parametric, target_builder, network_rel_error
):
    net, X, Y, sw = make_front_problem(
        activation, loss, n_out, target_builder, parametric
    )
    X0 = X.copy()
    err, analytic = network_rel_error(net, X, Y, sw, 0.3)
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
    # every front parameter array and alpha has a gradient (none is cut off)
    shapes = extra_shapes(net.layer_units, net.front, parametric)
    starts = n_parameters(net.layer_units) + np.cumsum(
        [0] + [np.prod(s) for s in shapes]
    )
    assert starts[-1] == analytic.size
    for block in np.split(analytic, starts[:-1])[1:]:  # after sklearn's
        assert np.linalg.norm(block) > 1e-6
    np.testing.assert_array_equal(X, X0)


def test_input_gradient_through_the_front(
    numeric_gradient, target_builder, relative_error
):
    net, X, _, _ = make_front_problem("tanh", "log_loss", 3, target_builder)
    G = np.random.RandomState(1).normal(size=(N_SAMPLES, 3))
    dX = net.input_gradient(X, G)
    numeric = numeric_input_gradient(numeric_gradient, net, X, G)
    np.testing.assert_array_equal(dX[:, 2], 0.0)  # category codes
    numeric[:, 2] = 0.0  # a code moved by 1e-6 is no longer a level: a jump
    err = relative_error(dX, numeric)
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"


def test_front_parameters_follow_sklearns():
    units = FRONT_UNITS + [2]
    net = Network(
        units,
        "tanh",
        "squared_error",
        np.float64,
        front=_front(),
        parametric_activation=True,
    )
    plain = Network(units, "tanh", "squared_error", np.float64)
    n = n_parameters(units)
    assert net.n_coef == plain.n_coef
    front_sizes = [2 * 3, 2 * 3, 2 * 3 * 2, 2 * 2, 4 * 2, FRONT_WIDTH]
    assert net.params.size == n + sum(front_sizes) + 5 + 4
    net.params[...] = np.arange(net.params.size)
    plain.params[...] = np.arange(plain.params.size)
    for a, b in zip(net.coefs + net.intercepts, plain.coefs + plain.intercepts):
        np.testing.assert_array_equal(a, b)
    offsets = np.cumsum([n] + front_sizes)
    for view, start in zip(net.front_params + net.activation_params, offsets):
        assert view.ravel()[0] == start and np.shares_memory(view, net.params)
    # the layers: the front, then parametric activations between Dense layers
    types = [type(layer) for layer in net.layers]
    assert types == [
        Columns,
        Scale,
        Dense,
        ParametricActivation,
        Dense,
        ParametricActivation,
        Dense,
    ]


def test_fresh_front_values_and_set_weights():
    units = FRONT_UNITS + [2]
    net = Network(
        units,
        "selu",
        "squared_error",
        np.float64,
        front=_front(),
        parametric_activation=True,
    )
    assert [a.shape for a in net.activation_params] == [(5,), (4,)]
    assert all((alpha == 1).all() for alpha in net.activation_params)
    assert all((p == 0).all() for p in net.front_params)
    front_params = init_front(_front(), np.random.default_rng(0), np.float64)
    alphas = [np.full(5, 0.5), np.full(4, 0.25)]
    net.set_weights(net.coefs, net.intercepts, front_params, alphas)
    for view, value in zip(
        net.front_params + net.activation_params, front_params + alphas
    ):
        np.testing.assert_array_equal(view, value)
    net.set_weights(net.coefs, net.intercepts)  # the others are left alone
    np.testing.assert_array_equal(net.activation_params[1], 0.25)


def test_plain_network_has_no_extra_parameters():
    net = Network([3, 4, 2], "tanh", "squared_error", np.float64)
    assert net.front_params == [] and net.activation_params == []
    assert [type(layer) for layer in net.layers] == [Dense, ActivationLayer, Dense]


def test_dropout_follows_parametric_activations():
    net = Network(
        FRONT_UNITS + [2],
        "tanh",
        "squared_error",
        np.float64,
        dropout=0.2,
        rng=np.random.RandomState(0),
        front=_front(),
        parametric_activation=True,
    )
    types = [type(layer) for layer in net.layers]
    assert types[2:] == [
        Dense,
        ParametricActivation,
        Dropout,
        Dense,
        ParametricActivation,
        Dropout,
        Dense,
    ]


def test_network_rejects_a_front_of_the_wrong_width():
    with pytest.raises(ValueError, match="outputs 15 columns but what follows"):
        Network([14, 5, 2], "tanh", "squared_error", np.float64, front=_front())


@pytest.mark.parametrize("chunk_rows", [None, 7])
@pytest.mark.parametrize("parametric", [False, True])
def test_predict_from_weights_with_a_front(parametric, chunk_rows, target_builder):
    net, _, _, _ = make_front_problem("mish", "log_loss", 3, target_builder, parametric)
    X = _front_data(np.random.RandomState(2), n=40)
    got = predict(
        X,
        net.coefs,
        net.intercepts,
        "mish",
        "softmax",
        chunk_rows,
        front=net.front,
        front_params=net.front_params,
        activation_params=net.activation_params,
    )
    np.testing.assert_allclose(got, net.predict(X), rtol=1e-13, atol=1e-15)
    P, _ = net.forward(X)
    np.testing.assert_allclose(got, P, rtol=1e-13, atol=1e-15)


def test_front_float32_stays_float32():
    net = Network(
        FRONT_UNITS + [3],
        "selu",
        "log_loss",
        np.float32,
        front=_front(),
        parametric_activation=True,
    )
    rng = np.random.RandomState(0)
    net.params[...] = rng.uniform(-0.5, 0.5, net.params.size)
    X = _front_data(rng, 20).astype(np.float32)
    Y = np.eye(3, dtype=np.float32)[rng.randint(3, size=20)]
    net.loss_and_grads(X, Y, None, alpha=0.1)
    assert net.grads.dtype == np.float32 and np.isfinite(net.grads).all()
    assert net.predict(X).dtype == np.float32
    assert net.input_gradient(X, np.ones((20, 3), np.float32)).dtype == np.float32
