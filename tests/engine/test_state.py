"""``skbackprop._engine.state``: optimizers and schedules as plain dicts that
restore to objects continuing exactly where they stopped."""

import copy

import numpy as np
import pytest

from skbackprop._engine.optimizers import OPTIMIZERS
from skbackprop._engine.schedules import SCHEDULES, make_schedule
from skbackprop._engine.state import KINDS, from_state, to_state

OPTIMIZER_ARGS = {
    "sgd": {"momentum": 0.8, "nesterov": False},
    "adam": {"beta_1": 0.8, "beta_2": 0.99},
    "adamw": {"weight_decay": 0.1, "n_decay": 5},
    "rmsprop": {"rho": 0.7},
}


def test_every_optimizer_has_arguments_here():
    assert set(OPTIMIZER_ARGS) == set(OPTIMIZERS)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_state_round_trip_continues_exactly(name):
    rng = np.random.default_rng(4)
    opt = OPTIMIZERS[name](8, np.float64, **OPTIMIZER_ARGS[name])
    params = rng.normal(size=8)
    for _ in range(2):
        opt.step(params, rng.normal(size=8), 0.01)
    state = to_state(opt)
    assert state["kind"] == name
    # plain arrays and numbers; scratch buffers are not part of the state
    assert not any(key.startswith("_") for key in state)
    # stored and loaded (pickle, skops): the arrays are copies
    restored = from_state(copy.deepcopy(state))
    assert type(restored) is type(opt)
    for key, value in vars(opt).items():
        if not key.startswith("_"):
            np.testing.assert_array_equal(vars(restored)[key], value)
    continued = params.copy()
    for _ in range(3):
        g = rng.normal(size=8)
        opt.step(params, g, 0.01)
        restored.step(continued, g, 0.01)
    np.testing.assert_array_equal(continued, params)


@pytest.mark.parametrize("warmup_epochs", [0, 3])
@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_state_round_trip(name, warmup_epochs):
    s = make_schedule(name, 0.05, power_t=0.4, n_epochs=12, warmup_epochs=warmup_epochs)
    for epoch in range(1, 5):
        s.epoch_end(37 * epoch)
    if name == "adaptive":
        s.on_plateau()
    state = to_state(s)
    assert state["kind"] == ("warmup" if warmup_epochs else name)
    restored = from_state(state)
    assert type(restored) is type(s)
    assert to_state(restored) == state
    # the restored schedule continues exactly where this one stopped
    for epoch in range(5, 14):
        assert restored.learning_rate == s.learning_rate
        s.epoch_end(37 * epoch)
        restored.epoch_end(37 * epoch)


def test_schedule_state_is_plain_numbers():
    state = to_state(make_schedule("invscaling", 0.1, warmup_epochs=2))
    inner = state["schedule"]
    assert inner["kind"] == "invscaling"
    for value in list(inner.values()) + [
        v for k, v in state.items() if k != "schedule"
    ]:
        assert isinstance(value, (int, float, str)), value


def test_every_kind_is_an_optimizer_a_schedule_or_the_warmup():
    assert set(KINDS) == set(OPTIMIZERS) | set(SCHEDULES) | {"warmup"}
