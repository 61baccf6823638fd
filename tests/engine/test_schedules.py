"""``skbackprop._engine.schedules``: every learning-rate schedule against its
formula, the warm-up, the plateau rule, the state round trip and the registry
against the estimators' ``learning_rate`` constraint."""

import math

import numpy as np
import pytest

from skbackprop._engine.schedules import (
    FACTORS,
    SCHEDULES,
    Adaptive,
    Constant,
    Cosine,
    Coslog4,
    FlatCosine,
    InvScaling,
    Warmup,
    make_schedule,
)
from skbackprop._engine.state import from_state, to_state


def test_constant_schedule():
    s = Constant(0.01, power_t=0.5)
    for t in (100, 200, 300):
        s.epoch_end(t)
        assert s.learning_rate == 0.01
    assert s.on_plateau() is False
    assert s.learning_rate == 0.01


@pytest.mark.parametrize("power_t", [0.5, 0.25])
def test_invscaling_schedule(power_t):
    s = InvScaling(0.1, power_t=power_t)
    assert s.learning_rate == 0.1
    for t in (150, 300, 450):
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


@pytest.mark.parametrize("n_epochs", [4, 10])
def test_cosine_schedule(n_epochs):
    # eta_e = eta_0 / 2 (1 + cos(pi e / E)), e counting finished epochs
    s = Cosine(0.2, n_epochs=n_epochs)
    assert s.learning_rate == 0.2
    for epoch in range(1, n_epochs + 3):
        s.epoch_end(100 * epoch)
        progress = min(epoch / n_epochs, 1.0)
        expected = 0.1 * (1 + math.cos(math.pi * progress))
        np.testing.assert_allclose(s.learning_rate, expected, rtol=1e-14, atol=1e-17)
    assert s.learning_rate < 1e-16  # annealed to 0 and held there
    assert s.on_plateau() is False


@pytest.mark.parametrize(
    "t, expected",
    [
        # 0.5 (1 - cos(2 pi log2(1 + 15 t))): zeros where log2(1 + 15 t) is whole
        (0.0, 0.0),
        (1 / 15, 0.0),  # log2 2 = 1
        (3 / 15, 0.0),  # log2 4 = 2
        (7 / 15, 0.0),
        (1.0, 0.0),  # log2 16 = 4
        ((2**0.5 - 1) / 15, 1.0),  # log2 = 1/2: the first peak
        ((2**3.5 - 1) / 15, 1.0),  # the last peak
        ((2**0.25 - 1) / 15, 0.5),  # log2 = 1/4: cos(pi / 2) = 0
    ],
)
def test_coslog4_factor(t, expected):
    np.testing.assert_allclose(FACTORS["coslog4"](t), expected, atol=1e-15)


@pytest.mark.parametrize(
    "t, expected",
    [
        (0.0, 1.0),
        (0.3, 1.0),
        (0.5, 1.0),
        (0.75, 0.5),
        (0.625, 0.5 + 0.5**1.5),
        (1.0, 0.0),
    ],
)
def test_flat_cos_factor(t, expected):
    # flat to t = 1/2, then (1 + cos(pi (2 t - 1))) / 2; cos(pi / 4) = 2^-1/2
    np.testing.assert_allclose(FACTORS["flat_cos"](t), expected, atol=1e-15)


def test_factors_name_the_annealing_schedules():
    assert FACTORS["constant"](0.7) == 1.0
    assert FACTORS["cosine"](0.5) == pytest.approx(0.5)
    for name in ("cosine", "flat_cos", "coslog4"):
        assert SCHEDULES[name].factor is FACTORS[name]


def _rates(schedule, n_epochs):
    """The rate of each of ``n_epochs`` epochs of 10 samples."""
    rates = []
    for epoch in range(n_epochs):
        rates.append(schedule.learning_rate)
        schedule.epoch_end(10 * (epoch + 1))
    return rates


def test_coslog4_schedule_takes_each_epoch_at_its_middle():
    # E = 4: epoch e runs at t = (e + 1/2) / 4, so no epoch has rate 0
    s = Coslog4(0.1, n_epochs=4)
    rates = _rates(s, 6)
    t = np.minimum((np.arange(6) + 0.5) / 4, 1.0)
    expected = 0.05 * (1 - np.cos(2 * np.pi * np.log2(1 + 15 * t)))
    np.testing.assert_allclose(rates, expected, rtol=1e-14, atol=1e-17)
    assert min(rates[:4]) > 0 and rates[4:] == pytest.approx([0, 0], abs=1e-16)
    assert s.on_plateau() is False


def test_flat_cosine_schedule():
    # E = 4: 1, 1, 1 (t = 1/2), then cos: (1 + cos(pi / 2)) / 2, 0
    rates = _rates(FlatCosine(0.2, n_epochs=4), 5)
    np.testing.assert_allclose(rates, [0.2, 0.2, 0.2, 0.1, 0.0], atol=1e-16)


@pytest.mark.parametrize("name", ["coslog4", "flat_cos"])
def test_new_schedules_resume_from_their_state(name):
    s = make_schedule(name, 0.1, n_epochs=10, warmup_epochs=2)
    for epoch in range(4):
        s.epoch_end(epoch)
    restored = from_state(to_state(s))
    for epoch in range(4, 10):
        s.epoch_end(epoch)
        restored.epoch_end(epoch)
        assert restored.learning_rate == s.learning_rate


def test_warmup_ramps_then_hands_over():
    # epoch e < W uses eta_0 (e + 1) / (W + 1); then the wrapped schedule runs,
    # counting its epochs from the end of the warm-up
    s = make_schedule("cosine", 0.3, n_epochs=7, warmup_epochs=3)
    assert isinstance(s, Warmup) and isinstance(s.schedule, Cosine)
    assert s.schedule.n_epochs == 4  # cosine anneals over the epochs left
    rates = []
    for epoch in range(7):
        rates.append(s.learning_rate)
        s.epoch_end(10 * (epoch + 1))
    ramp = [0.3 * (e + 1) / 4 for e in range(3)]
    cosine = [0.15 * (1 + math.cos(math.pi * e / 4)) for e in range(4)]
    np.testing.assert_allclose(rates, ramp + cosine, rtol=1e-14)
    assert s.schedule.epoch == 4  # the wrapped schedule saw only its 7 - 3 epochs


def test_warmup_passes_the_plateau_rule_on():
    s = make_schedule("adaptive", 1e-3, warmup_epochs=2)
    assert s.on_plateau() is True
    np.testing.assert_allclose(s.schedule.learning_rate, 2e-4, rtol=1e-14)
    assert make_schedule("constant", 1e-3, warmup_epochs=2).on_plateau() is False


def test_make_schedule_without_warmup_is_the_bare_schedule():
    for name, cls in SCHEDULES.items():
        s = make_schedule(name, 0.01, power_t=0.3, n_epochs=50)
        assert type(s) is cls
        assert (s.learning_rate_init, s.power_t, s.n_epochs) == (0.01, 0.3, 50)
