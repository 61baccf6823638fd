"""``skbackprop._engine.losses``: every loss's value against a direct numpy
computation of the documented objective, its gradient through its output link
by finite differences (float64), the links' own vector-Jacobian products
(``LINK_BACKWARD``) and the softmax's overflow guard."""

import numpy as np
import pytest

from skbackprop._engine.losses import LINK_BACKWARD, LOSSES, OUT_ACTIVATIONS

MAX_REL_ERROR = 1e-6

# one loss per output activation, to reach each link
LOSS_OF_LINK = {}
for _name, _loss in sorted(LOSSES.items()):
    LOSS_OF_LINK.setdefault(_loss.out_activation, _name)


def test_every_link_has_targets(target_builders):
    links = {loss.out_activation for loss in LOSSES.values()}
    assert links <= set(target_builders), (
        "add a target builder to TARGETS (tests/engine/conftest.py) for each link"
    )


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
def test_loss_value(loss_case, alpha, use_sample_weight, make_problem):
    loss, n_out = loss_case
    assert loss in REFERENCE_LOSSES, f"add a reference value for loss {loss!r}"
    net, X, Y, sw = make_problem("tanh", loss, n_out)
    s = sw if use_sample_weight else np.ones(len(X))
    per_sample = REFERENCE_LOSSES[loss](Y, _reference_output_preactivation(net, X))
    penalty = 0.5 * alpha * sum((W**2).sum() for W in net.coefs)
    expected = (s @ per_sample + penalty) / s.sum()
    got = net.loss_and_grads(X, Y, sw if use_sample_weight else None, alpha)
    assert isinstance(got, float)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "loss, params, R, expected",
    [
        # |r| <= delta: r^2 / 2; beyond: delta (|r| - delta / 2)
        ("huber", {"delta": 0.5}, [0.25, -2.0], [0.03125, 0.875]),
        # y - p = r: q r above, (q - 1) r below
        ("quantile", {"quantile": 0.9}, [2.0, -2.0], [1.8, 0.2]),
    ],
)
def test_bound_loss_parameters(loss, params, R, expected):
    # bind fixes a loss's parameters; unknown names leave the loss as it is
    bound = LOSSES[loss].bind(**params)
    Y = np.zeros((2, 1))
    P = -np.asarray(R, float)[:, None]  # r = y - p
    np.testing.assert_allclose(bound.value(Y, P), expected, rtol=1e-14)
    assert LOSSES[loss].bind(unrelated=1.0) is LOSSES[loss]
    assert LOSSES["squared_error"].bind(**params) is LOSSES["squared_error"]


def test_loss_gradient_through_link(
    loss_case, target_builder, numeric_gradient, relative_error
):
    # gradient(Y, link(Z)) is the derivative of value(Y, link(Z)) w.r.t. Z
    loss, n_out = loss_case
    rng = np.random.RandomState(0)
    Y = target_builder(loss)(rng, 6, n_out)
    # identity links: keep Z away from Y, where absolute-error-like losses kink
    Z = Y + rng.uniform(0.1, 1.5, Y.shape) * rng.choice([-1, 1], Y.shape)
    spec, G = LOSSES[loss], rng.normal(size=6)

    def f():
        return float(G @ spec.value(Y, spec.link(Z.copy())))

    analytic = G[:, None] * spec.gradient(Y, spec.link(Z.copy()))
    err = relative_error(analytic, numeric_gradient(f, Z))
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"
    assert (spec.value(Y, spec.link(Z.copy())) >= 0).all()


# ------------------------------------- targets the estimators construct
@pytest.mark.parametrize(
    "loss, n_out", [("log_loss", 3), ("binary_log_loss", 1), ("binary_log_loss", 3)]
)
@pytest.mark.parametrize("smoothing", [0.1, 0.4])
def test_gradient_with_label_smoothing_and_class_weights(
    loss, n_out, smoothing, make_problem, network_rel_error
):
    """Smoothed targets (not 0/1) and class-weighted samples, as the classifier
    builds them, keep the gradient of the fused link/loss pair exact."""
    net, X, Y, _ = make_problem("tanh", loss, n_out)
    n_classes = n_out if loss == "log_loss" else 2
    Y_smooth = Y * (1 - smoothing) + smoothing / n_classes
    class_weight = np.array([0.5, 2.0, 1.5])[: Y.shape[1]]
    sw = (Y * class_weight).sum(axis=1) + (Y.sum(axis=1) == 0)  # weight per class
    err, _ = network_rel_error(net, X, Y_smooth, sw, alpha=0.1)
    assert err < MAX_REL_ERROR, f"relative gradient error {err:.3g}"


# ------------------------------------------------- the links on their own
def test_link_backward_covers_every_output_activation():
    assert set(LINK_BACKWARD) == set(OUT_ACTIVATIONS)


@pytest.mark.parametrize("link", sorted(LOSS_OF_LINK))
def test_link_backward_matches_finite_differences(
    link, numeric_gradient, relative_error
):
    rng = np.random.RandomState(1)
    n_out = 3
    Z = rng.normal(size=(5, n_out))
    G = rng.normal(size=Z.shape)
    forward = OUT_ACTIVATIONS[link]

    def f():
        return (G * forward(Z.copy())).sum()  # the links work in place

    analytic = LINK_BACKWARD[link](G, forward(Z.copy()))
    assert relative_error(analytic, numeric_gradient(f, Z)) < MAX_REL_ERROR


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spread", [1.0, 1e3])
def test_softmax_row_shift_keeps_exp_finite(dtype, spread):
    # each row is shifted by its own maximum before exp: finite and exact
    # whether the logits are of order 1 or spread far past exp's range, and
    # for a row far below all the others
    rng = np.random.default_rng(0)
    Z = (rng.normal(size=(64, 5)) * spread).astype(dtype)
    Z[3] -= 5 * spread  # one row far below the others
    expected = np.exp(Z - Z.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    P = OUT_ACTIVATIONS["softmax"](Z.copy())
    assert np.isfinite(P).all()
    np.testing.assert_allclose(
        P, expected, rtol=1e-5 if dtype == np.float32 else 1e-12, atol=1e-30
    )
    np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-6)


@pytest.mark.parametrize("loss", ["log_loss", "binary_log_loss"])
def test_log_losses_are_finite_at_saturated_probabilities(loss):
    # P is clipped at the dtype's resolution before the log, as in sklearn
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    P = np.array([[0.0, 1.0], [1.0, 0.0]])  # confidently wrong
    L = LOSSES[loss].pointwise(Y, P)
    assert np.isfinite(L).all()
    np.testing.assert_allclose(L.max(), -np.log(np.finfo(np.float64).eps), rtol=1e-12)
