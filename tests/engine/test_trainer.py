"""``skbackprop._engine.trainer``: why ``Trainer.fit`` and ``fit_lbfgs`` end,
what ``TrainingState`` records across calls, ``Monitor``'s improvement rule
(sklearn's), the schedule's plateau rule, gradient clipping and the BLAS
thread choice."""

import math

import numpy as np
import pytest

from skbackprop._engine.initializers import glorot_uniform
from skbackprop._engine.network import Network
from skbackprop._engine.optimizers import SGD, Adam
from skbackprop._engine.schedules import Adaptive, Constant
from skbackprop._engine.trainer import (
    Monitor,
    Stop,
    Trainer,
    TrainingResult,
    TrainingState,
    blas_threads,
    fit_lbfgs,
)

N = 64  # samples
BATCH = 16


def make_problem(seed=0):
    """A small regression network with sklearn's initial weights, and data."""
    rng = np.random.RandomState(seed)
    net = Network([4, 6, 1], "tanh", "squared_error", np.float64)
    weights = [glorot_uniform(a, b, rng, np.float64) for a, b in [(4, 6), (6, 1)]]
    net.set_weights([W for W, _ in weights], [b for _, b in weights])
    X = rng.normal(size=(N, 4))
    Y = (X @ rng.normal(size=(4, 1))) + 0.1 * rng.normal(size=(N, 1))
    return net, X, Y


def make_trainer(net, *, lr=0.01, schedule=None, optimizer=None, **settings):
    settings = {"alpha": 1e-4, "batch_size": BATCH, "shuffle": True} | settings
    return Trainer(
        net,
        optimizer or Adam(net.params.size, np.float64),
        schedule or Constant(lr),
        rng=np.random.RandomState(0),
        **settings,
    )


class Events:
    """Records the epochs; asks to stop after epoch ``stop_at``."""

    def __init__(self, net, stop_at=None):
        self.net, self.stop_at = net, stop_at
        self.begun, self.records, self.params = 0, [], []
        self.calls = []

    def fit_begin(self):
        self.calls.append("begin")

    def fit_end(self):
        self.calls.append("end")

    def epoch_begin(self):
        self.begun += 1

    def epoch_end(self, record):
        self.records.append(record)
        self.params.append(self.net.params.copy())
        return record["epoch"] == self.stop_at


# ----------------------------------------------------- why training ends
def test_fit_runs_max_epochs():
    net, X, Y = make_problem()
    trainer, state = make_trainer(net), TrainingState()
    events = Events(net)
    result = trainer.fit(X, Y, None, state, Monitor(events=events), 5)
    assert result.stop is Stop.MAX_ITER
    assert state.n_iter == 5 and state.t == 5 * N
    assert len(state.loss_curve) == 5 and state.loss == state.loss_curve[-1]
    assert [r["epoch"] for r in state.history] == [1, 2, 3, 4, 5]
    assert events.begun == 5 and events.records == state.history
    assert state.loss_curve[-1] < state.loss_curve[0]
    record = state.history[-1]
    assert record["loss"] == state.loss_curve[-1]
    assert record["learning_rate"] == 0.01
    assert record["grad_norm"] > 0 and record["seconds"] >= 0
    assert math.isnan(record["val_loss"]) and math.isnan(record["val_score"])
    # the first batch's loss, at the initial weights
    fresh, _, _ = make_problem()
    order = np.random.RandomState(0).permutation(N)[:BATCH]
    expected = fresh.loss_and_grads(X[order], Y[order], None, 1e-4)
    np.testing.assert_allclose(result.initial_loss, expected, rtol=1e-12)
    assert result.losses == state.loss_curve and events.calls == ["begin", "end"]


def test_fit_converges_on_a_plateau_with_the_constant_schedule():
    # tol larger than any progress: every epoch after the first fails to
    # improve, and more than n_iter_no_change = 2 such epochs is a plateau
    net, X, Y = make_problem()
    state = TrainingState()
    monitor = Monitor(tol=1e3, n_iter_no_change=2)
    result = make_trainer(net).fit(X, Y, None, state, monitor, 50)
    assert result.stop is Stop.CONVERGED
    assert state.n_iter == 4 and len(state.loss_curve) == 4
    assert state.no_improvement_count == 3


def test_adaptive_schedule_lowers_the_rate_at_a_plateau_instead_of_stopping():
    net, X, Y = make_problem()
    state = TrainingState()
    monitor = Monitor(tol=1e3, n_iter_no_change=2)
    result = make_trainer(net, schedule=Adaptive(0.01)).fit(
        X, Y, None, state, monitor, 8
    )
    assert result.stop is Stop.MAX_ITER and state.n_iter == 8
    # the rate of each epoch: divided by 5 after epochs 4 and 7, the count
    # of epochs without improvement starting over each time
    rates = [record["learning_rate"] for record in state.history]
    np.testing.assert_allclose(rates, [0.01] * 4 + [0.002] * 3 + [4e-4], rtol=1e-12)
    assert state.no_improvement_count == 1


def test_fit_stops_when_an_event_handler_asks():
    net, X, Y = make_problem()
    events, state = Events(net, stop_at=3), TrainingState()
    result = make_trainer(net).fit(X, Y, None, state, Monitor(events=events), 10)
    assert result.stop is Stop.STOPPED
    assert state.n_iter == 3 and events.begun == 3 and len(state.history) == 3
    # the weights of the epoch that asked to stop
    np.testing.assert_array_equal(net.params, events.params[-1])


@pytest.mark.parametrize("lr", [1e3, 1e8])
def test_fit_rolls_back_a_divergence(lr):
    net, X, Y = make_problem()
    initial = net.params.copy()
    events, state = Events(net), TrainingState()
    optimizer = SGD(net.params.size, np.float64, momentum=0.9)
    trainer = make_trainer(net, lr=lr, optimizer=optimizer)
    with np.errstate(all="raise"):  # the engine silences its own overflow
        result = trainer.fit(X, Y, None, state, Monitor(events=events), 20)
    assert result.stop is Stop.DIVERGED
    assert np.isfinite(net.params).all() and np.isfinite(state.loss_curve).all()
    # back on the weights of a completed epoch or the initial ones, whose loss
    # on all the data is state.loss
    assert any(np.array_equal(net.params, p) for p in [initial, *events.params])
    np.testing.assert_allclose(state.loss, net.objective(X, Y, None, 1e-4))
    first = make_problem()[0].objective(X, Y, None, 1e-4)
    assert state.loss <= first


class InterruptingAdam(Adam):
    """Adam that raises KeyboardInterrupt at step ``at``."""

    def __init__(self, n_params, at):
        super().__init__(n_params, np.float64)
        self.at, self.steps = at, 0

    def step(self, params, grads, lr):
        self.steps += 1
        if self.steps == self.at:
            raise KeyboardInterrupt
        super().step(params, grads, lr)


def test_fit_returns_interrupted_on_the_last_complete_epoch():
    net, X, Y = make_problem()
    steps_per_epoch = N // BATCH
    optimizer = InterruptingAdam(net.params.size, at=2 * steps_per_epoch + 2)
    events, state = Events(net), TrainingState()
    trainer = make_trainer(net, optimizer=optimizer)
    result = trainer.fit(X, Y, None, state, Monitor(events=events), 10)
    assert result.stop is Stop.INTERRUPTED
    assert state.n_iter == 2 and len(state.loss_curve) == 2
    # the steps of the interrupted epoch are undone
    np.testing.assert_array_equal(net.params, events.params[-1])


# ------------------------------------------------- the record across calls
def test_training_state_accumulates_across_calls():
    net, X, Y = make_problem()
    trainer, state = make_trainer(net), TrainingState()
    assert trainer.fit(X, Y, None, state, Monitor(), 3).stop is Stop.MAX_ITER
    first_curve = list(state.loss_curve)
    assert trainer.fit(X, Y, None, state, Monitor(), 2).stop is Stop.MAX_ITER
    assert state.n_iter == 2  # the epochs of the last call, as in sklearn
    assert state.t == 5 * N
    assert state.loss_curve[:3] == first_curve and len(state.loss_curve) == 5
    assert [record["epoch"] for record in state.history] == [1, 2, 3, 4, 5]


# ------------------------------------------------------------- the Monitor
def scripted(scores):
    """A validate() returning the given scores, with loss = 1 - score."""
    scores = iter(scores)

    def validate():
        score = next(scores)
        return 1.0 - score, score

    return validate


def test_monitor_keeps_the_best_validation_weights_and_counts_like_sklearn():
    # sklearn: no improvement when score < best + tol; a new best whenever
    # score > best. tol = 0.25: 0.75 == 0.5 + tol improves; 0.875 is a new
    # best without improving enough
    scores = [0.5, 0.75, 0.875, 0.25, 1.125]
    monitor = Monitor(validate=scripted(scores), tol=0.25, early_stopping=True)
    state, params = TrainingState(), np.zeros(3)
    state.start_validation(params)
    counts, bests = [], []
    for epoch, _ in enumerate(scores, start=1):
        params[...] = epoch
        monitor.epoch_end(state, params, loss=1.0 / epoch, seconds=0.0)
        counts.append(state.no_improvement_count)
        bests.append(state.best_params[0])
    assert counts == [0, 0, 1, 2, 0]
    assert bests == [1, 2, 3, 3, 5]
    assert state.validation_scores == scores
    np.testing.assert_allclose(state.validation_loss_curve, [1 - s for s in scores])
    assert state.best_validation_score == 1.125 and state.best_iteration == 5
    assert [r["val_score"] for r in state.history] == scores


def test_monitor_judges_the_training_loss_without_early_stopping():
    # an epoch improves when the loss falls by at least tol below the best
    monitor = Monitor(tol=0.25, n_iter_no_change=1)
    state, params = TrainingState(), np.zeros(2)
    counts, plateaus = [], []
    for loss in [2.0, 1.75, 1.625, 1.5, 1.0]:
        monitor.epoch_end(state, params, loss, seconds=0.0)
        counts.append(state.no_improvement_count)
        plateaus.append(monitor.plateaued(state))
    # the best loss follows every new minimum: 1.5 is not 0.25 below 1.625
    assert counts == [0, 0, 1, 2, 0]
    assert plateaus == [False, False, False, True, False]
    assert state.best_loss == 1.0
    monitor.epoch_end(state, params, 1.0, seconds=0.0)
    monitor.epoch_end(state, params, 0.9, seconds=0.0)
    assert state.no_improvement_count == 2 and monitor.plateaued(state)
    assert state.validation_scores is None and state.best_params is None


def test_fit_ends_on_the_best_validation_weights():
    net, X, Y = make_problem()
    events, state = Events(net), TrainingState()
    scores = [0.1, 0.3, 0.2, 0.25, 0.0]
    monitor = Monitor(validate=scripted(scores), events=events)
    assert make_trainer(net).fit(X, Y, None, state, monitor, 5).stop is Stop.MAX_ITER
    assert state.best_iteration == 2
    np.testing.assert_array_equal(net.params, events.params[1])
    assert not np.array_equal(net.params, events.params[-1])


# ---------------------------------------------------------------- clipping
def test_max_grad_norm_clips_each_step():
    net, X, Y = make_problem()
    before = net.params.copy()
    optimizer = SGD(net.params.size, np.float64, momentum=0.0)
    trainer = make_trainer(
        net, lr=1.0, optimizer=optimizer, batch_size=N, max_grad_norm=1e-3
    )
    state = TrainingState()
    trainer.fit(X, Y, None, state, Monitor(), 1)
    # one full-batch step of lr 1 along a gradient of norm at most 1e-3
    np.testing.assert_allclose(np.linalg.norm(net.params - before), 1e-3, rtol=1e-9)
    assert state.history[-1]["grad_norm"] > 1e-3  # the norm before clipping


# ----------------------------------------------------------------- L-BFGS
def _lbfgs(net, X, Y, state, monitor, max_iter=100, tol=0):
    return fit_lbfgs(
        net,
        X,
        Y,
        None,
        state,
        monitor,
        alpha=1e-4,
        max_iter=max_iter,
        max_fun=15000,
        tol=tol,
    )


def test_fit_lbfgs_stops_at_max_iter_and_records_iterations():
    net, X, Y = make_problem()
    state = TrainingState()
    result = fit_lbfgs(
        net, X, Y, None, state, Monitor(), alpha=1e-4, max_iter=3, max_fun=1000, tol=0
    )
    assert result.stop is Stop.MAX_ITER and result.solver_result.nit == 3
    assert state.n_iter == 3 and len(state.loss_curve) == 3
    assert [r["epoch"] for r in state.history] == [1, 2, 3]
    np.testing.assert_array_equal(net.params, result.solver_result.x)
    np.testing.assert_allclose(state.loss, net.objective(X, Y, None, 1e-4))
    assert state.loss_curve[-1] < state.loss_curve[0]


def test_fit_lbfgs_converges():
    net, X, Y = make_problem()
    state = TrainingState()
    result = _lbfgs(net, X, Y, state, Monitor(), max_iter=500, tol=1e-2)
    assert result.stop is Stop.CONVERGED and result.solver_result.success
    assert 0 < state.n_iter == result.solver_result.nit < 500
    assert len(state.loss_curve) == state.n_iter
    assert state.best_loss == min(state.loss_curve)


def test_fit_lbfgs_stops_when_an_event_handler_asks():
    net, X, Y = make_problem()
    events, state = Events(net, stop_at=2), TrainingState()
    result = _lbfgs(net, X, Y, state, Monitor(events=events), max_iter=100, tol=0)
    assert result.stop is Stop.STOPPED and state.n_iter == 2


# ------------------------------------------------------------ BLAS threads
@pytest.mark.parametrize(
    "units, batch, max_threads, expected",
    [
        ([20, 100, 1], 200, 2, 1),  # S: tiny products, one thread
        ([50, 128, 64, 1], 128, 2, 1),  # R
        ([100, 256, 128, 10], 256, 2, 2),  # M: the largest product pays a second thread
        ([784, 512, 512, 10], 256, 2, 2),  # W
        ([784, 512, 512, 10], 256, 64, 25),  # many cores: one per 4e6 multiply-adds
        ([784, 512, 512, 10], 256, 1, 1),  # never above the limit
        ([3, 2], 1, 8, 1),  # never below one
    ],
)
def test_blas_threads(units, batch, max_threads, expected):
    assert blas_threads(units, batch, max_threads) == expected


class InterruptingEvents(Events):
    """Events whose epoch_end raises KeyboardInterrupt at epoch ``at``."""

    def __init__(self, net, at):
        super().__init__(net)
        self.at = at

    def epoch_end(self, record):
        super().epoch_end(record)
        if record["epoch"] == self.at:
            raise KeyboardInterrupt
        return False


def test_fit_lbfgs_returns_interrupted_on_the_last_iterate():
    net, X, Y = make_problem()
    events, state = InterruptingEvents(net, at=3), TrainingState()
    result = _lbfgs(net, X, Y, state, Monitor(events=events), max_iter=100, tol=0)
    assert result.stop is Stop.INTERRUPTED and result.solver_result is None
    assert state.n_iter == 3
    np.testing.assert_array_equal(net.params, events.params[-1])
    np.testing.assert_allclose(state.loss, net.objective(X, Y, None, 1e-4))


def test_fit_returns_interrupted_when_the_interrupt_comes_between_batches():
    net, X, Y = make_problem()
    events, state = InterruptingEvents(net, at=2), TrainingState()
    try:
        result = make_trainer(net).fit(X, Y, None, state, Monitor(events=events), 5)
    except KeyboardInterrupt:  # re-raised, it would end the whole pytest session
        pytest.fail("KeyboardInterrupt escaped Trainer.fit")
    assert result.stop is Stop.INTERRUPTED
    # epoch 2's batches completed and it is in the curve: its weights are kept
    assert state.n_iter == len(state.loss_curve) == 2
    np.testing.assert_array_equal(net.params, events.params[1])


def test_monitor_early_stopping_needs_a_validation_function():
    with pytest.raises(ValueError, match="needs validate"):
        Monitor(early_stopping=True)


@pytest.mark.parametrize(
    "losses, initial, expected",
    [
        ([0.5, 0.4], 1.0, False),
        ([2.0, 1.5], 1.0, True),
        ([0.9, 1.2], 1.0, True),
        ([1.0], 1.0, False),
        ([], 1.0, False),
    ],
)
def test_never_improved_compares_the_epochs_with_the_initial_loss(
    losses, initial, expected
):
    # a one-batch epoch's loss is the initial loss itself: later epochs decide
    result = TrainingResult(Stop.MAX_ITER, initial, losses)
    assert result.never_improved() is expected


@pytest.mark.parametrize("lr", [1e3, 1e8])
def test_the_epoch_that_diverges_is_recorded_unjudged(lr):
    net, X, Y = make_problem()
    state = TrainingState()
    optimizer = SGD(net.params.size, np.float64, momentum=0.9)
    trainer = make_trainer(net, lr=lr, optimizer=optimizer)
    result = trainer.fit(X, Y, None, state, Monitor(), 20)
    assert result.stop is Stop.DIVERGED
    # the blow-up is on the curve and in the history, counted by n_iter
    assert state.n_iter == len(state.loss_curve) == len(state.history) >= 1
    blowup = state.loss_curve[-1]
    assert not np.isfinite(blowup) or blowup > 1e3 * min(
        [result.initial_loss, *state.loss_curve[:-1]]
    )
    assert result.losses == state.loss_curve
    assert math.isnan(state.history[-1]["val_loss"])
    # the weights are a sane epoch's, whose loss is state.loss
    assert np.isfinite(net.params).all() and np.isfinite(state.loss)
