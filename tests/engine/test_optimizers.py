"""``skbackprop._engine.optimizers``: every step against hand-computed arrays
or the update rule written out with temporaries (the registry against the
estimators' ``solver`` options: ``tests/test_base.py``)."""

import numpy as np
import pytest

from skbackprop._engine.optimizers import (
    OPTIMIZERS,
    SGD,
    Adam,
    AdamW,
    RMSprop,
)

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


# ------------------------------------------ against the rule with temporaries
def reference_adam(params, grads_seq, lr, b1=0.9, b2=0.999, eps=1e-8):
    """sklearn's AdamOptimizer, written out with temporaries."""
    m, v = np.zeros_like(params), np.zeros_like(params)
    for t, g in enumerate(grads_seq, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        # a Python float, so that float32 stays float32
        lr_t = float(lr * np.sqrt(1 - b2**t) / (1 - b1**t))
        params = params + (-lr_t * m / (np.sqrt(v) + eps))
    return params


# the scratch-buffer steps round in another order than the textbook formula
ROUNDING = {np.float64: 1e-13, np.float32: 1e-5}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adam_equals_reference(dtype):
    rng = np.random.default_rng(0)
    n = 1000
    params = rng.normal(size=n).astype(dtype)
    grads_seq = [rng.normal(size=n).astype(dtype) for _ in range(4)]
    opt = Adam(n, dtype)
    got = params.copy()
    for g in grads_seq:
        opt.step(got, g, 1e-2)
    expected = reference_adam(params, grads_seq, 1e-2)
    np.testing.assert_allclose(got, expected, rtol=ROUNDING[dtype])
    assert got.dtype == dtype


@pytest.mark.parametrize("nesterov", [True, False])
def test_sgd_equals_reference(nesterov):
    rng = np.random.default_rng(0)
    params, v = rng.normal(size=50), np.zeros(50)
    got, opt = params.copy(), SGD(50, np.float64, momentum=0.9, nesterov=nesterov)
    for _ in range(3):
        g = rng.normal(size=50)
        v = 0.9 * v - 0.1 * g
        params = params + (0.9 * v - 0.1 * g if nesterov else v)
        opt.step(got, g, 0.1)
    np.testing.assert_allclose(got, params, rtol=ROUNDING[np.float64])


# -------------------------------------------------------------- RMSprop
def test_rmsprop_hand_computed():
    # rho = 0.5, epsilon = 0, lr = 1, g1 = [2], g2 = [-2]:
    # v1 = 0.5 * 4 = 2,        p1 = 1 - 2 / sqrt(2)
    # v2 = 0.5 * 2 + 0.5 * 4 = 3, p2 = p1 + 2 / sqrt(3)
    opt = RMSprop(1, np.float64, rho=0.5, epsilon=0.0)
    params = np.array([1.0])
    opt.step(params, np.array([2.0]), 1.0)
    np.testing.assert_allclose(params, [1 - np.sqrt(2)], rtol=1e-14)
    np.testing.assert_allclose(opt.v, [2.0], rtol=1e-14)
    opt.step(params, np.array([-2.0]), 1.0)
    np.testing.assert_allclose(params, [1 - np.sqrt(2) + 2 / np.sqrt(3)], rtol=1e-14)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_rmsprop_equals_reference(dtype):
    rng = np.random.default_rng(1)
    params = rng.normal(size=200).astype(dtype)
    got, v, opt = params.copy(), np.zeros(200, dtype), RMSprop(200, dtype, rho=0.8)
    for _ in range(4):
        g = rng.normal(size=200).astype(dtype)
        v = 0.8 * v + 0.2 * g**2
        params = params - 0.01 * g / (np.sqrt(v) + 1e-8)
        opt.step(got, g, 0.01)
    np.testing.assert_allclose(got, params, rtol=ROUNDING[dtype])


# ---------------------------------------------------------------- AdamW
def test_adamw_decays_only_the_weights():
    # W <- (1 - lr wd) W on the first n_decay entries, then the Adam step
    rng = np.random.default_rng(2)
    params = rng.normal(size=6)
    grads_seq = [rng.normal(size=6) for _ in range(3)]
    opt = AdamW(6, np.float64, weight_decay=0.1, n_decay=4)
    got, expected = params.copy(), params.copy()
    reference = Adam(6, np.float64)
    for g in grads_seq:
        opt.step(got, g, 0.05)
        expected[:4] *= 1 - 0.05 * 0.1
        reference.step(expected, g, 0.05)
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    # the biases did not decay: they differ from a fully decayed run
    full = params.copy()
    decay_all = AdamW(6, np.float64, weight_decay=0.1)
    for g in grads_seq:
        decay_all.step(full, g, 0.05)
    np.testing.assert_allclose(full[:4], got[:4], rtol=1e-14)
    assert (full[4:] != got[4:]).all()


def test_adamw_without_decay_is_adam():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=5), None
    b = a.copy()
    adamw, adam = AdamW(5, np.float64, weight_decay=0.0), Adam(5, np.float64)
    for _ in range(3):
        g = rng.normal(size=5)
        adamw.step(a, g, 0.01)
        adam.step(b, g, 0.01)
    np.testing.assert_array_equal(a, b)
