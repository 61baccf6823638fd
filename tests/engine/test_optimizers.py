"""Optimizer steps and learning-rate schedules against hand-computed values,
and the registries against the estimators' parameter constraints."""

import numpy as np
import pytest

from skbackprop import BackpropClassifier, BackpropRegressor
from skbackprop._engine.activations import ACTIVATIONS
from skbackprop._engine.losses import LOSSES
from skbackprop._engine.optimizers import OPTIMIZERS, SGD, Adam
from skbackprop._engine.schedules import SCHEDULES, Adaptive, Constant, InvScaling
from skbackprop._sklearn_compat import StrOptions

P0 = np.array([1.0, -2.0, 0.5])
G1 = np.array([0.5, -1.0, 2.0])
G2 = np.array([1.0, 0.0, -1.0])
G3 = np.array([-0.25, 3.0, 0.5])


def run_steps(optimizer, steps):
    params = P0.copy()
    buffer = params  # updated in place: the very same array
    history = []
    for grads, lr in steps:
        optimizer.step(params, grads.copy(), lr)
        history.append(params.copy())
    assert params is buffer
    return history


# ------------------------------------------------------------------ SGD
def test_sgd_momentum_hand_computed():
    # v1 = -0.1 g1                = [-0.05, 0.1, -0.2];   p1 = p0 + v1
    # v2 = 0.9 v1 - 0.1 g2        = [-0.145, 0.09, -0.08]; p2 = p1 + v2
    # v3 = 0.9 v2 - 0.05 g3       = [-0.118, -0.069, -0.097]; p3 = p2 + v3
    opt = SGD(3, np.float64, momentum=0.9, nesterov=False)
    p1, p2, p3 = run_steps(opt, [(G1, 0.1), (G2, 0.1), (G3, 0.05)])
    np.testing.assert_allclose(p1, [0.95, -1.9, 0.3], rtol=1e-14)
    np.testing.assert_allclose(p2, [0.805, -1.81, 0.22], rtol=1e-14)
    np.testing.assert_allclose(opt.velocity, [-0.118, -0.069, -0.097], rtol=1e-14)
    np.testing.assert_allclose(p3, [0.687, -1.879, 0.123], rtol=1e-14)


def test_sgd_nesterov_hand_computed():
    # same velocities as above; the step is mu v_t - lr g_t:
    # p1 = p0 + 0.9 [-0.05, 0.1, -0.2] - 0.1 g1     = [0.905, -1.81, 0.12]
    # p2 = p1 + 0.9 [-0.145, 0.09, -0.08] - 0.1 g2  = [0.6745, -1.729, 0.148]
    # p3 = p2 + 0.9 [-0.118, -0.069, -0.097] - 0.05 g3
    opt = SGD(3, np.float64, momentum=0.9, nesterov=True)
    p1, p2, p3 = run_steps(opt, [(G1, 0.1), (G2, 0.1), (G3, 0.05)])
    np.testing.assert_allclose(p1, [0.905, -1.81, 0.12], rtol=1e-14)
    np.testing.assert_allclose(p2, [0.6745, -1.729, 0.148], rtol=1e-14)
    np.testing.assert_allclose(p3, [0.5808, -1.9411, 0.0357], rtol=1e-13)


def test_sgd_without_momentum_is_gradient_descent():
    for nesterov in (False, True):
        opt = SGD(3, np.float64, momentum=0.0, nesterov=nesterov)
        p1, p2 = run_steps(opt, [(G1, 0.1), (G2, 0.2)])
        np.testing.assert_allclose(p1, P0 - 0.1 * G1, rtol=1e-14)
        np.testing.assert_allclose(p2, P0 - 0.1 * G1 - 0.2 * G2, rtol=1e-14)


# ----------------------------------------------------------------- Adam
def adam_reference(steps, beta_1, beta_2, epsilon):
    """Adam written out step by step, bias correction folded into the rate."""
    p, m, v, out = P0.copy(), np.zeros(3), np.zeros(3), []
    for t, (g, lr) in enumerate(steps, start=1):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g * g
        lr_t = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        p = p - lr_t * m / (np.sqrt(v) + epsilon)
        out.append(p)
    return out, m, v


@pytest.mark.parametrize(
    "beta_1, beta_2, epsilon", [(0.9, 0.999, 1e-8), (0.5, 0.75, 0.1)]
)
def test_adam_hand_computed(beta_1, beta_2, epsilon):
    steps = [(G1, 0.01), (G2, 0.01), (G3, 0.002)]
    opt = Adam(3, np.float64, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    got = run_steps(opt, steps)
    expected, m, v = adam_reference(steps, beta_1, beta_2, epsilon)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-13)
    np.testing.assert_allclose(opt.m, m, rtol=1e-14)
    np.testing.assert_allclose(opt.v, v, rtol=1e-14)
    assert opt.t == 3


def test_adam_first_step_is_sign_step():
    # at t = 1 the corrected moments are g and g^2, so the step is lr * sign(g)
    # (up to epsilon); the middle gradient entry is 0 and must not move
    opt = Adam(3, np.float64)
    params = P0.copy()
    opt.step(params, np.array([0.5, 0.0, -2.0]), 0.01)
    np.testing.assert_allclose(params, [0.99, -2.0, 0.51], rtol=1e-6)
    assert params[1] == -2.0


def test_adam_second_step_hand_computed():
    # beta_1 = beta_2 = 0.5, epsilon = 0, lr = 1, g1 = [2], g2 = [-2]:
    # m1 = 1, v1 = 2, step1 = -sqrt(0.5)/0.5 * 1/sqrt(2) = -1    -> p = 0
    # m2 = -0.5, v2 = 3, step2 = -sqrt(0.75)/0.75 * -0.5/sqrt(3) = 1/3 -> p = 1/3
    opt = Adam(1, np.float64, beta_1=0.5, beta_2=0.5, epsilon=0.0)
    params = np.array([1.0])
    opt.step(params, np.array([2.0]), 1.0)
    np.testing.assert_allclose(params, [0.0], atol=1e-15)
    opt.step(params, np.array([-2.0]), 1.0)
    np.testing.assert_allclose(params, [1.0 / 3.0], rtol=1e-14)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_keeps_float32(name):
    opt = OPTIMIZERS[name](3, np.float32)
    params = P0.astype(np.float32)
    opt.step(params, G1.astype(np.float32), 0.01)
    assert params.dtype == np.float32


# ------------------------------------------------------------- schedules
def test_constant_schedule():
    s = Constant(0.01, power_t=0.5)
    for epoch, t in [(1, 100), (2, 200), (3, 300)]:
        s.epoch_end(t)
        assert s.learning_rate == 0.01
    assert s.on_plateau() is False
    assert s.learning_rate == 0.01


@pytest.mark.parametrize("power_t", [0.5, 0.25])
def test_invscaling_schedule(power_t):
    s = InvScaling(0.1, power_t=power_t)
    assert s.learning_rate == 0.1
    for epoch, t in [(1, 150), (2, 300), (3, 450)]:
        s.epoch_end(t)
        np.testing.assert_allclose(
            s.learning_rate, 0.1 / (t + 1) ** power_t, rtol=1e-15
        )
    s = InvScaling(0.1, power_t=0.5)
    s.epoch_end(99)
    np.testing.assert_allclose(s.learning_rate, 0.01, rtol=1e-15)
    assert s.on_plateau() is False


def test_adaptive_schedule():
    s = Adaptive(1e-3)
    s.epoch_end(100)
    assert s.learning_rate == 1e-3  # constant between plateaus
    expected = [2e-4, 4e-5, 8e-6, 1.6e-6, 3.2e-7]
    for lr in expected:
        assert s.on_plateau() is True
        np.testing.assert_allclose(s.learning_rate, lr, rtol=1e-12)
    # 3.2e-7 <= 1e-6: stop, and leave the rate alone
    assert s.on_plateau() is False
    np.testing.assert_allclose(s.learning_rate, 3.2e-7, rtol=1e-12)


def test_adaptive_schedule_stops_at_threshold():
    s = Adaptive(1e-6)
    assert s.on_plateau() is False
    assert s.learning_rate == 1e-6
    s = Adaptive(2e-6)
    assert s.on_plateau() is True
    assert s.on_plateau() is False


# ------------------------------------------------------------ registries
def _str_options(estimator, param):
    options = [
        c for c in estimator._parameter_constraints[param] if isinstance(c, StrOptions)
    ]
    assert len(options) == 1, param
    return set(options[0].options)


@pytest.mark.parametrize("estimator", [BackpropClassifier, BackpropRegressor])
def test_registries_match_parameter_constraints(estimator):
    assert _str_options(estimator, "activation") == set(ACTIVATIONS)
    assert _str_options(estimator, "solver") == set(OPTIMIZERS) | {"lbfgs"}
    assert _str_options(estimator, "learning_rate") == set(SCHEDULES)


def test_regressor_losses_are_registered():
    assert _str_options(BackpropRegressor, "loss") <= set(LOSSES)
