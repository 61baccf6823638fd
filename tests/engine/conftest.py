"""Fixtures of the engine tests: networks with random weights, data, targets.

The helpers are fixtures that return functions (``make_problem(...)``), since
``--import-mode=importlib`` lets no test module import a sibling module.
"""

import numpy as np
import pytest

from skbackprop._engine.activations import ACTIVATIONS
from skbackprop._engine.losses import LOSSES
from skbackprop._engine.network import Network

HIDDEN = [4, 5, 4, 3]  # n_features, then three hidden layers
N_SAMPLES = 9
KINK_MARGIN = 1e-4  # distance kept from kinks (relu at 0, |p - y| at p = y)


# ---------------------------------------------------------------- targets
# Targets suited to each output activation (the loss's link), and the numbers
# of outputs to check: a loss added to LOSSES is checked automatically; a new
# output activation makes test_every_link_has_targets fail until a builder is
# added here.
def _one_hot(rng, n, k):
    return np.eye(k)[rng.randint(k, size=n)]


def _binary(rng, n, k):
    return rng.randint(2, size=(n, k)).astype(np.float64)


def _real(rng, n, k):
    return rng.normal(size=(n, k))


def _counts(rng, n, k):
    return rng.poisson(1.5, size=(n, k)).astype(np.float64)


TARGETS = {
    "softmax": (_one_hot, (3,)),
    "logistic": (_binary, (1, 3)),  # 1 output = binary, 3 = multilabel
    "identity": (_real, (1, 2)),
    "exp": (_counts, (1, 2)),
}

LOSS_CASES = [
    (loss, n_out)
    for loss in sorted(LOSSES)
    for n_out in TARGETS.get(LOSSES[loss].out_activation, (None, (2,)))[1]
]


def _target_builder(loss):
    return TARGETS[LOSSES[loss].out_activation][0]


@pytest.fixture
def target_builders():
    """``{out_activation: (builder(rng, n, k), numbers of outputs)}``."""
    return TARGETS


@pytest.fixture
def target_builder():
    """``target_builder(loss)``: the builder ``(rng, n, k) -> Y`` for a loss."""
    return _target_builder


@pytest.fixture(params=LOSS_CASES, ids=[f"{loss}-{k}" for loss, k in LOSS_CASES])
def loss_case(request):
    """Every loss in LOSSES with each number of outputs its link allows."""
    return request.param


# --------------------------------------------------------------- problems
def _hidden_preactivations(net, X):
    """Pre-activations of every hidden layer, computed with plain numpy."""
    A, out = X, []
    act = ACTIVATIONS[net.activation].forward
    for W, b in zip(net.coefs[:-1], net.intercepts[:-1]):
        Z = A @ W + b
        out.append(Z.copy())
        A = act(Z)
    return out


def _make_problem(activation, loss, n_out, seed=0, dropout=0.0):
    """A network with random weights, data X, targets Y and sample weights.

    The seed is advanced until no hidden pre-activation lies within
    KINK_MARGIN of 0 and no output within KINK_MARGIN of its target, so that
    relu-like activations and absolute-error-like losses are differentiable
    at every point the finite differences visit.
    """
    builder = _target_builder(loss)
    for s in range(seed, seed + 100):
        rng = np.random.RandomState(s)
        net = Network(
            HIDDEN + [n_out],
            activation,
            loss,
            np.float64,
            dropout=dropout,
            rng=np.random.RandomState(s),
        )
        net.params[...] = rng.uniform(-0.8, 0.8, net.params.size)
        X = rng.normal(size=(N_SAMPLES, HIDDEN[0]))
        Y = builder(rng, N_SAMPLES, n_out)
        sw = rng.uniform(0.2, 3.0, N_SAMPLES)
        Zs = _hidden_preactivations(net, X)
        residual = np.abs(net.predict(X) - Y).min()
        if min(np.abs(Z).min() for Z in Zs) > KINK_MARGIN and residual > KINK_MARGIN:
            return net, X, Y, sw
    raise AssertionError("every seed puts a point near a kink")  # pragma: no cover


@pytest.fixture
def make_problem():
    """``make_problem(activation, loss, n_out, seed=0, dropout=0.0)``:
    ``(net, X, Y, sample_weight)`` in float64, three hidden layers, 9 samples,
    every point the finite differences visit away from a kink."""
    return _make_problem


@pytest.fixture
def network_rel_error(numeric_gradient, relative_error):
    """``network_rel_error(net, X, Y, sw, alpha, reset_rng=None)``: the relative
    error of ``loss_and_grads``' gradient against central differences, and
    the analytic gradient."""

    def network_rel_error(net, X, Y, sw, alpha, reset_rng=None):
        def objective():
            if reset_rng is not None:
                reset_rng()
            return net.loss_and_grads(X, Y, sw, alpha)

        objective()
        analytic = net.grads.copy()
        numeric = numeric_gradient(objective, net.params)
        return relative_error(analytic, numeric), analytic

    return network_rel_error


def _make_network(units=(6, 9, 7, 3), loss="log_loss", dtype=np.float64, seed=0):
    net = Network(list(units), "relu", loss, dtype)
    net.params[:] = np.random.default_rng(seed).normal(scale=0.5, size=net.params.size)
    return net


def _make_data(n, n_features, n_out, seed=1, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features)).astype(dtype)
    Y = np.eye(n_out, dtype=dtype)[rng.integers(0, n_out, n)]
    return X, Y


@pytest.fixture
def make_network():
    """``make_network(units=(6, 9, 7, 3), loss="log_loss", dtype, seed)``: a relu
    network with normal(0, 0.5) weights."""
    return _make_network


@pytest.fixture
def make_data():
    """``make_data(n, n_features, n_out, seed=1, dtype)``: normal X, one-hot Y."""
    return _make_data
