"""Finite-difference gradient checks of the engine, in float64.

Every hidden activation in ``ACTIVATIONS`` and every loss in ``LOSSES`` is
checked through a network of three hidden layers, with and without the L2
penalty and sample weights; each layer is checked on its own against a random
linear functional ``sum(G * out)``; and the loss values are compared with a
direct numpy computation of the documented objective.
"""

import numpy as np
import pytest

from skbackprop._engine.activations import ACTIVATIONS
from skbackprop._engine.layers import ActivationLayer, Dense, Dropout
from skbackprop._engine.losses import LOSSES
from skbackprop._engine.network import Network

H = 1e-6  # central-difference step
MAX_REL_ERROR = 1e-6
HIDDEN = [4, 5, 4, 3]  # n_features, then three hidden layers
N_SAMPLES = 9
KINK_MARGIN = 1e-4  # distance kept from kinks (relu at 0, |p - y| at p = y)
LARGEST = {"rel_error": 0.0}  # largest error seen, for reports


def relative_error(analytic, numeric):
    """Norm-based relative error of two gradient vectors."""
    analytic, numeric = np.ravel(analytic), np.ravel(numeric)
    scale = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-300)
    err = np.linalg.norm(analytic - numeric) / scale
    LARGEST["rel_error"] = max(LARGEST["rel_error"], err)
    return err


def numeric_gradient(f, x, h=H):
    """Central differences of the scalar ``f()`` with respect to ``x``, in place."""
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    assert np.shares_memory(flat, x)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = f()
        flat[i] = old - h
        f_minus = f()
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


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


def _targets(loss):
    return TARGETS[LOSSES[loss].out_activation]


LOSS_CASES = [
    (loss, n_out)
    for loss in sorted(LOSSES)
    for n_out in TARGETS.get(LOSSES[loss].out_activation, (None, (2,)))[1]
]


def test_every_link_has_targets():
    links = {loss.out_activation for loss in LOSSES.values()}
    assert links <= set(TARGETS), "add a target builder to TARGETS for each link"


def _hidden_preactivations(net, X):
    """Pre-activations of every hidden layer, computed with plain numpy."""
    A, out = X, []
    act = ACTIVATIONS[net.activation].forward
    for W, b in zip(net.coefs[:-1], net.intercepts[:-1]):
        Z = A @ W + b
        out.append(Z.copy())
        A = act(Z)
    return out


def make_problem(activation, loss, n_out, seed=0, dropout=0.0):
    """A network with random weights, data X, targets Y and sample weights.

    The seed is advanced until no hidden pre-activation lies within
    KINK_MARGIN of 0 and no output within KINK_MARGIN of its target, so that
    relu-like activations and absolute-error-like losses are differentiable
    at every point the finite differences visit.
    """
    builder = _targets(loss)[0]
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


def network_rel_error(net, X, Y, sw, alpha, reset_rng=None):
    def objective():
        if reset_rng is not None:
            reset_rng()
        return net.loss_and_grads(X, Y, sw, alpha)

    objective()
    analytic = net.grads.copy()
    numeric = numeric_gradient(objective, net.params)
    return relative_error(analytic, numeric), analytic


# ------------------------------------------------------- whole network
@pytest.mark.parametrize("use_sample_weight", [False, True])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("loss, n_out", LOSS_CASES)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_network_gradient(activation, loss, n_out, alpha, use_sample_weight):
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
def test_network_gradient_with_dropout(activation):
    # the masks are redrawn from the same seed at every evaluation, so the
    # objective is a fixed smooth function of the parameters
    net, X, Y, sw = make_problem(activation, "squared_error", 2, dropout=0.4)
    dropouts = [layer for layer in net.layers if isinstance(layer, Dropout)]
    assert len(dropouts) == len(HIDDEN) - 1

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


@pytest.mark.parametrize("loss, n_out", LOSS_CASES)
def test_unit_sample_weight_equals_none(loss, n_out):
    net, X, Y, _ = make_problem("tanh", loss, n_out)
    loss_none = net.loss_and_grads(X, Y, None, 0.3)
    grads_none = net.grads.copy()
    loss_ones = net.loss_and_grads(X, Y, np.ones(N_SAMPLES), 0.3)
    np.testing.assert_allclose(loss_ones, loss_none, rtol=1e-12)
    np.testing.assert_allclose(net.grads, grads_none, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------- loss values
def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _sigmoid(Z):
    return 1.0 / (1.0 + np.exp(-Z))


def _safe_ylog(y, x):
    return np.where(y == 0, 0.0, y * np.log(np.where(y == 0, 1.0, x)))


def _huber(R, delta=1.0):
    return np.where(np.abs(R) <= delta, 0.5 * R**2, delta * (np.abs(R) - 0.5 * delta))


def _pinball(R, quantile=0.5):
    # R = y - p: weight q above the prediction, 1 - q below
    return np.where(R >= 0, quantile * R, (quantile - 1) * R)


# per-sample reference loss from the output pre-activation Z, with each
# loss's default parameters; a loss added to LOSSES needs an entry here
# (test_loss_value says so)
REFERENCE_LOSSES = {
    "squared_error": lambda Y, Z: 0.5 * ((Z - Y) ** 2).sum(axis=1),
    "log_loss": lambda Y, Z: -(Y * np.log(_softmax(Z))).sum(axis=1),
    "binary_log_loss": lambda Y, Z: (
        -(Y * np.log(_sigmoid(Z)) + (1 - Y) * np.log(1 - _sigmoid(Z))).sum(axis=1)
    ),
    # half the Poisson deviance, with 0 log 0 = 0
    "poisson": lambda Y, Z: (_safe_ylog(Y, Y / np.exp(Z)) - Y + np.exp(Z)).sum(axis=1),
    "absolute_error": lambda Y, Z: np.abs(Z - Y).sum(axis=1),
    "huber": lambda Y, Z: _huber(Z - Y).sum(axis=1),
    "quantile": lambda Y, Z: _pinball(Y - Z).sum(axis=1),
}


def _reference_output_preactivation(net, X):
    A = X
    for W, b in zip(net.coefs[:-1], net.intercepts[:-1]):
        A = np.tanh(A @ W + b)
    return A @ net.coefs[-1] + net.intercepts[-1]


@pytest.mark.parametrize("use_sample_weight", [False, True])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("loss, n_out", LOSS_CASES)
def test_loss_value(loss, n_out, alpha, use_sample_weight):
    assert loss in REFERENCE_LOSSES, f"add a reference value for loss {loss!r}"
    net, X, Y, sw = make_problem("tanh", loss, n_out)
    s = sw if use_sample_weight else np.ones(N_SAMPLES)
    per_sample = REFERENCE_LOSSES[loss](Y, _reference_output_preactivation(net, X))
    penalty = 0.5 * alpha * sum((W**2).sum() for W in net.coefs)
    expected = (s @ per_sample + penalty) / s.sum()
    got = net.loss_and_grads(X, Y, sw if use_sample_weight else None, alpha)
    assert isinstance(got, float)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("loss, n_out", LOSS_CASES)
def test_loss_gradient_through_link(loss, n_out):
    # gradient(Y, link(Z)) is the derivative of value(Y, link(Z)) w.r.t. Z
    rng = np.random.RandomState(0)
    Y = _targets(loss)[0](rng, 6, n_out)
    # identity links: keep Z away from Y, where absolute-error-like losses kink
    Z = Y + rng.uniform(0.1, 1.5, Y.shape) * rng.choice([-1, 1], Y.shape)
    spec, G = LOSSES[loss], rng.normal(size=6)

    def f():
        return float(G @ spec.value(Y, spec.link(Z.copy())))

    analytic = G[:, None] * spec.gradient(Y, spec.link(Z.copy()))
    err = relative_error(analytic, numeric_gradient(f, Z))
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
    assert (spec.value(Y, spec.link(Z.copy())) >= 0).all()


# -------------------------------------------------------------- layers
@pytest.mark.parametrize("n_in, n_out", [(3, 4), (5, 1)])
def test_dense_gradient(n_in, n_out):
    rng = np.random.RandomState(1)
    W, b = rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    dW, db = np.zeros_like(W), np.zeros_like(b)
    layer = Dense(W, b, dW, db)
    X = rng.normal(size=(7, n_in))
    G = rng.normal(size=(7, n_out))

    def f():
        return float((G * layer.forward(X, training=True)[0]).sum())

    Z, cache = layer.forward(X, training=True)
    np.testing.assert_allclose(Z, X @ W + b, rtol=1e-13)
    dX = layer.backward(G.copy(), cache)
    for analytic, wrt in [(dW.copy(), W), (db.copy(), b), (dX, X)]:
        err = relative_error(analytic, numeric_gradient(f, wrt))
        assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
    assert layer.backward(G.copy(), cache, need_dX=False) is None


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_activation_layer_gradient(activation):
    rng = np.random.RandomState(2)
    # keep |Z| >= 0.1: away from relu's kink
    Z = rng.uniform(0.1, 2.0, size=(6, 4)) * rng.choice([-1, 1], size=(6, 4))
    G = rng.normal(size=Z.shape)
    layer = ActivationLayer(ACTIVATIONS[activation])

    def f():
        # forward may work in place: it gets a copy the engine owns
        return float((G * layer.forward(Z.copy(), training=True)[0]).sum())

    _, cache = layer.forward(Z.copy(), training=True)
    dZ = layer.backward(G.copy(), cache)
    assert dZ.shape == Z.shape
    err = relative_error(dZ, numeric_gradient(f, Z))
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"


@pytest.mark.parametrize("rate", [0.25, 0.6])
def test_dropout_gradient_with_fixed_mask(rate):
    rng = np.random.RandomState(3)
    A = rng.normal(size=(8, 5))
    G = rng.normal(size=A.shape)

    def layer():
        # a fresh generator with the same seed draws the same mask every time
        return Dropout(rate, np.random.RandomState(11))

    out, mask = layer().forward(A.copy(), training=True)
    assert set(np.unique(mask)) <= {0.0, 1.0 / (1.0 - rate)}
    assert 0 < (mask == 0).sum() < mask.size
    np.testing.assert_allclose(out, A * mask)

    def f():
        return float((G * layer().forward(A, training=True)[0]).sum())

    dA = layer().backward(G.copy(), mask)
    err = relative_error(dA, numeric_gradient(f, A))
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
    np.testing.assert_allclose(dA, G * mask)

    # prediction (training=False) and rate 0 are the identity
    same, cache = layer().forward(A, training=False)
    assert same is A and cache is None
    same, cache = Dropout(0.0, np.random.RandomState(0)).forward(A, training=True)
    assert same is A and cache is None
    np.testing.assert_array_equal(layer().backward(G.copy(), None), G)


# ------------------------------------- targets the estimators construct
@pytest.mark.parametrize(
    "loss, n_out", [("log_loss", 3), ("binary_log_loss", 1), ("binary_log_loss", 3)]
)
@pytest.mark.parametrize("smoothing", [0.1, 0.4])
def test_gradient_with_label_smoothing_and_class_weights(loss, n_out, smoothing):
    """Smoothed targets (not 0/1) and class-weighted samples, as the classifier
    builds them, keep the gradient of the fused link/loss pair exact."""
    net, X, Y, _ = make_problem("tanh", loss, n_out)
    n_classes = n_out if loss == "log_loss" else 2
    Y_smooth = Y * (1 - smoothing) + smoothing / n_classes
    class_weight = np.array([0.5, 2.0, 1.5])[: Y.shape[1]]
    sw = (Y * class_weight).sum(axis=1) + (Y.sum(axis=1) == 0)  # weight per class
    err, _ = network_rel_error(net, X, Y_smooth, sw, alpha=0.1)
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
