"""The training loop: epochs of minibatches for the stochastic solvers, and L-BFGS.

The loop owns what happens between epochs, in sklearn's order: the loss
curve, validation and early stopping, the schedule's step and plateau rule,
the best weights, divergence rollback, the history record and the events
callbacks hang on, recorded in a :class:`TrainingState` the caller keeps. A
call ends by returning one :class:`TrainingResult` that says why it ended
(a :class:`Stop`), never by raising; L-BFGS is stopped from its callback by
scipy's own protocol (``StopIteration``), which scipy catches.

A stochastic fit has diverged when an epoch's loss is not finite or exceeds
``DIVERGENCE`` times both the best epoch loss and the loss at the call's
initial weights: growth by orders of magnitude, which a healthy fit's noise
never shows. The best sane weights are then restored.
"""

import enum
import math
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.optimize
import scipy.sparse as sp

DIVERGENCE = 1e3
# scipy's OptimizeResult.status when a callback stopped the minimisation
_SCIPY_STOPPED_BY_CALLBACK = 99


class Stop(enum.Enum):
    """Why a training call ended."""

    MAX_ITER = "max_iter"  # the epoch (iteration) budget ran out
    CONVERGED = "converged"  # a plateau (or L-BFGS's own convergence test)
    STOPPED = "stopped"  # an event handler asked to stop
    DIVERGED = "diverged"  # the loss blew up: the best sane weights are back
    INTERRUPTED = "interrupted"  # KeyboardInterrupt: the last complete epoch kept


@dataclass
class TrainingResult:
    """What one training call returns.

    ``initial_loss`` is the loss at the weights the call started from (the
    first batch's for the stochastic solvers, the full objective for L-BFGS);
    ``losses`` the epoch (iteration) losses the call added to the curve;
    ``solver_result`` scipy's ``OptimizeResult`` for L-BFGS (None if
    interrupted or stochastic).
    """

    stop: Stop
    initial_loss: float
    losses: list
    solver_result: object = None

    def never_improved(self):
        """No epoch beat the loss at the initial weights: the first batch's, which
        for one-batch data is the whole first epoch, so later epochs are compared."""
        curve, first = self.losses, self.initial_loss
        if not curve:
            return False
        return min(curve) > first or min(curve[1:], default=-np.inf) >= first


def blas_threads(layer_units, batch_size, max_threads, work_per_thread=4_000_000):
    """BLAS threads for one batch: one per ``work_per_thread`` multiply-adds of
    its largest product (a thread costs more to wake), at most ``max_threads``."""
    widest = max(a * b for a, b in zip(layer_units[:-1], layer_units[1:]))
    return int(max(1, min(max_threads, batch_size * widest // work_per_thread)))


@dataclass
class TrainingState:
    """What training has recorded and what continues it.

    ``n_iter`` counts the epochs (iterations) of the last call; ``t``,
    ``loss_curve`` and ``history`` grow over every call; the validation
    fields stay None without a validation set. ``optimizer`` and ``schedule``
    (stochastic solvers) carry their moments and rate across ``partial_fit``
    calls and warm starts.
    """

    n_iter: int = 0
    t: int = 0
    loss: float = math.nan
    loss_curve: list = field(default_factory=list)
    best_loss: float = math.inf
    no_improvement_count: int = 0
    validation_scores: list = None
    validation_loss_curve: list = None
    best_validation_score: float = None
    best_iteration: int = None
    best_params: np.ndarray = None
    history: list = field(default_factory=list)
    optimizer: object = None
    schedule: object = None

    def start_validation(self, params):
        """Curves and best weights for a call that scores a validation set."""
        if self.validation_scores is None:
            self.validation_scores, self.validation_loss_curve = [], []
            self.best_validation_score = -math.inf
        if self.best_params is None:
            self.best_params = params.copy()


@dataclass
class Monitor:
    """Judges each epoch: validation, improvement, events.

    ``validate() -> (val_loss, score)`` scores the current weights (higher is
    better). sklearn's rule: an epoch improves when the score rises by
    ``tol`` (``early_stopping``, which needs ``validate``), else when the
    training loss falls by ``tol``; more than ``n_iter_no_change`` epochs in a
    row without improvement is a plateau. ``events`` hears ``fit_begin()``
    and ``fit_end()`` around a training call, ``epoch_begin()`` before an
    epoch and ``epoch_end(record)`` after it, True asking to stop.
    ``verbose=1`` prints sklearn's lines.
    """

    validate: object = None
    tol: float = 1e-4
    n_iter_no_change: float = 10
    early_stopping: bool = False
    events: object = None
    verbose: int = 0

    def __post_init__(self):
        if self.early_stopping and self.validate is None:
            raise ValueError(
                "Monitor(early_stopping=True) needs validate(), the function that "
                "scores the validation set."
            )

    def _notify(self, event, *args):
        if self.events is not None:
            return getattr(self.events, event)(*args)

    def fit_begin(self):
        self._notify("fit_begin")

    def fit_end(self):
        self._notify("fit_end")

    def epoch_begin(self):
        self._notify("epoch_begin")

    def epoch_end(
        self,
        state,
        params,
        loss,
        seconds,
        learning_rate=math.nan,
        grad_norm=math.nan,
        judged=True,
    ):
        """Record an epoch in ``state``; True when an event handler asks to stop.

        An epoch that is not ``judged`` (one that diverged) is recorded
        without validation or improvement count, so the curve shows it.
        """
        state.n_iter += 1
        state.loss_curve.append(float(loss))
        if judged:
            self.observe(state, params)
        record = {
            "epoch": len(state.loss_curve),
            "loss": float(loss),
            "val_loss": _last(state.validation_loss_curve) if judged else math.nan,
            "val_score": _last(state.validation_scores) if judged else math.nan,
            "learning_rate": float(learning_rate),
            "grad_norm": float(grad_norm),
            "seconds": seconds,
        }
        state.history.append(record)
        return bool(self._notify("epoch_end", record))

    def observe(self, state, params):
        """Count the epochs without improvement and keep the best weights."""
        if self.validate is not None:
            val_loss, score = self.validate()
            state.validation_loss_curve.append(float(val_loss))
            state.validation_scores.append(score)
            if self.verbose == 1:
                print(f"Validation score: {score:f}")
        if self.early_stopping:
            improved = score >= state.best_validation_score + self.tol
        else:
            best = math.inf if state.best_loss is None else state.best_loss
            improved = state.loss_curve[-1] <= best - self.tol
            state.best_loss = min(best, state.loss_curve[-1])
        state.no_improvement_count = 0 if improved else state.no_improvement_count + 1
        if self.validate is not None and score > state.best_validation_score:
            state.best_validation_score = score
            state.best_iteration = len(state.validation_scores)
            state.best_params[...] = params

    def plateaued(self, state):
        return state.no_improvement_count > self.n_iter_no_change

    def plateau_message(self):
        what = "Validation score" if self.early_stopping else "Training loss"
        return (
            f"{what} did not improve more than tol={self.tol:f} for "
            f"{self.n_iter_no_change} consecutive epochs."
        )


def _last(curve):
    return float(curve[-1]) if curve else math.nan


def _gather(A, idx, buffer):
    """Rows ``A[idx]``, into a preallocated buffer for dense A (None: sparse)."""
    if buffer is None:
        return A[idx]
    # idx is in range (a permutation): 'clip' skips the copy 'raise' makes
    return A.take(idx, axis=0, out=buffer[: len(idx)], mode="clip")


@dataclass
class _Epoch:
    """One pass over the data: its mean batch loss, the loss of its first
    batch (measured before any step of the epoch) and its mean gradient norm."""

    loss: float
    first_batch_loss: float
    grad_norm: float


class Trainer:
    """Minibatch training of a :class:`~.network.Network`.

    ``optimizer.step(params, grads, lr)`` updates the weights at the rate of
    ``schedule``; ``alpha`` is the L2 penalty; ``shuffle`` redraws the sample
    order from ``rng`` before every epoch (cumulatively, as sklearn does);
    ``max_grad_norm`` rescales each batch gradient whose L2 norm exceeds it.
    """

    def __init__(self, network, optimizer, schedule, **settings):
        self.network, self.optimizer, self.schedule = network, optimizer, schedule
        self.alpha, self.batch_size = settings["alpha"], settings["batch_size"]
        self.shuffle, self.rng = settings["shuffle"], settings["rng"]
        self.max_grad_norm = settings.get("max_grad_norm")

    def epoch(self, X, Y, sample_weight, order):
        """One pass over the data in ``order``."""
        net, n, bs = self.network, X.shape[0], self.batch_size
        X_buf = None if sp.issparse(X) else np.empty((bs, X.shape[1]), X.dtype)
        Y_buf = np.empty((bs, Y.shape[1]), Y.dtype)
        total, norms, first = 0.0, 0.0, None
        for start in range(0, n, bs):
            idx = order[start : start + bs]
            sw = None if sample_weight is None else sample_weight[idx]
            loss = net.loss_and_grads(
                _gather(X, idx, X_buf), _gather(Y, idx, Y_buf), sw, self.alpha
            )
            first = loss if first is None else first
            total += loss * len(idx)
            norms += self._clip(net.grads)
            self.optimizer.step(net.params, net.grads, self.schedule.learning_rate)
        return _Epoch(total / n, first, norms / -(-n // bs))

    def _clip(self, grads):
        """Global gradient norm; rescale the gradient in place above the limit."""
        norm = float(np.sqrt(grads @ grads))
        if self.max_grad_norm is not None and norm > self.max_grad_norm:
            grads *= self.max_grad_norm / norm
        return norm

    def fit(self, X, Y, sample_weight, state, monitor, max_epochs):
        """Train up to ``max_epochs`` epochs, recording them in ``state``.

        Returns a :class:`TrainingResult`. An interrupt keeps the last
        complete epoch, a divergence the best sane weights; otherwise, with a
        validation set, the network ends on the best validation score's.
        """
        params, order, stop = self.network.params, np.arange(X.shape[0]), Stop.MAX_ITER
        first, last, best = params.copy(), params.copy(), params.copy()
        best_loss = min(filter(math.isfinite, state.loss_curve), default=math.inf)
        initial_loss = None
        curve_start, state.n_iter = len(state.loss_curve), 0
        if monitor.validate is not None:
            state.start_validation(params)
        monitor.fit_begin()
        for _ in range(max_epochs):
            try:  # an interrupt anywhere in an epoch keeps the last complete one
                monitor.epoch_begin()
                started = time.perf_counter()
                epoch = self._shuffled_epoch(X, Y, sample_weight, order)
                if initial_loss is None:
                    initial_loss = epoch.first_batch_loss
                state.t += X.shape[0]
                if self.diverged(epoch.loss, best_loss, initial_loss):
                    self._record_divergence(state, monitor, epoch, started)
                    stop = Stop.DIVERGED
                    break
                state.loss = epoch.loss
                last[...] = params
                if epoch.loss < best_loss:
                    best[...], best_loss = params, epoch.loss
                seconds = time.perf_counter() - started
                stop = self._epoch_end(state, monitor, seconds, epoch.grad_norm)
            except KeyboardInterrupt:
                params[...], stop = last, Stop.INTERRUPTED
            if stop is not Stop.MAX_ITER:
                break
        if stop not in (Stop.DIVERGED, Stop.INTERRUPTED) and self._final_step_diverged(
            X, Y, sample_weight, order, best_loss, initial_loss
        ):
            stop = Stop.DIVERGED
        if stop is Stop.DIVERGED:
            candidates = [state.best_params] if monitor.validate is not None else []
            state.loss = self._rollback(
                X, Y, sample_weight, [*candidates, best, first], initial_loss
            )
        elif monitor.validate is not None:
            params[...] = state.best_params
        monitor.fit_end()
        return TrainingResult(stop, initial_loss, state.loss_curve[curve_start:])

    def _final_step_diverged(self, X, Y, sample_weight, order, best_loss, initial):
        """Whether the weights after the last step, which no epoch loss has
        measured, diverge on one batch of the data."""
        rows = order[: self.batch_size]
        sw = None if sample_weight is None else sample_weight[rows]
        loss = self.network.objective(X[rows], Y[rows], sw, self.alpha)
        return self.diverged(loss, best_loss, initial)

    def _shuffled_epoch(self, X, Y, sample_weight, order):
        if self.shuffle:
            order[...] = order[self.rng.permutation(len(order))]
        # overflow is detected by diverged() and rolled back: no numpy warnings
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return self.epoch(X, Y, sample_weight, order)

    def _rollback(self, X, Y, sample_weight, candidates, initial_loss):
        """Restore the first candidate weights whose loss on all the data is
        sane (an epoch's loss is measured before each step, so the weights
        after its last step are unjudged); return the loss there."""
        for weights in candidates:
            self.network.params[...] = weights
            loss = self.network.objective(X, Y, sample_weight, self.alpha)
            if not self.diverged(loss, math.inf, initial_loss):
                break
        return loss

    def diverged(self, loss, best_loss, initial_loss):
        """Non-finite, or over ``DIVERGENCE`` times the best and the initial loss."""
        if not (np.isfinite(loss) and np.isfinite(self.network.params).all()):
            return True
        reference = initial_loss if math.isinf(best_loss) else best_loss
        return loss > DIVERGENCE * max(reference, initial_loss)

    def _record_divergence(self, state, monitor, epoch, started):
        """The epoch that blew up goes on the curve and in the history, unjudged,
        so that a fit that diverges at once still shows what happened."""
        with np.errstate(over="ignore", invalid="ignore"):
            monitor.epoch_end(
                state,
                self.network.params,
                epoch.loss,
                time.perf_counter() - started,
                self.schedule.learning_rate,
                epoch.grad_norm,
                judged=False,
            )

    def _epoch_end(self, state, monitor, seconds, grad_norm):
        """Book-keeping after a good epoch, in sklearn's order."""
        if monitor.verbose == 1:
            print(f"Iteration {state.n_iter + 1}, loss = {state.loss:.8f}")
        learning_rate = self.schedule.learning_rate  # the rate of this epoch
        stop = monitor.epoch_end(
            state, self.network.params, state.loss, seconds, learning_rate, grad_norm
        )
        self.schedule.epoch_end(state.t)
        if monitor.plateaued(state):
            if not self.schedule.on_plateau():
                if monitor.verbose:
                    print(monitor.plateau_message() + " Stopping.")
                return Stop.CONVERGED
            if monitor.verbose:
                rate = self.schedule.learning_rate
                print(monitor.plateau_message() + f" Setting learning rate to {rate:f}")
            state.no_improvement_count = 0
        return Stop.STOPPED if stop else Stop.MAX_ITER


def fit_lbfgs(
    network, X, Y, sample_weight, state, monitor, *, alpha, max_iter, max_fun, tol
):
    """Minimise the full-batch objective with scipy's L-BFGS-B.

    Each iteration is recorded in ``state`` like an epoch; with a validation
    set and ``monitor.early_stopping`` a plateau of the validation score stops
    the minimisation. The network ends on the solution, or on the last finite
    iterate if the objective became non-finite, and ``state.loss`` is the loss
    there. Returns a :class:`TrainingResult` holding scipy's result.
    """
    params, curve_start, state.n_iter = network.params, len(state.loss_curve), 0
    last_good, clock, initial = params.copy(), [time.perf_counter()], []
    if monitor.validate is not None:
        state.start_validation(params)

    def fun(theta):
        params[...] = theta
        loss = network.loss_and_grads(X, Y, sample_weight, alpha, training=False)
        if not initial:  # the loss at the weights training started from
            initial.append(loss)
        return loss, network.grads.astype(np.float64)

    def callback(intermediate_result):
        # the network holds the last line-search trial: put the iterate back
        params[...] = intermediate_result.x
        if np.isfinite(intermediate_result.fun):
            last_good[...] = intermediate_result.x
        seconds, clock[0] = time.perf_counter() - clock[0], time.perf_counter()
        stop = monitor.epoch_end(state, params, intermediate_result.fun, seconds)
        if stop or (monitor.early_stopping and monitor.plateaued(state)):
            raise StopIteration  # scipy's protocol: it ends with status 99

    monitor.fit_begin()
    result = _minimize(fun, params, callback, max_iter, max_fun, tol)
    stop = _lbfgs_stop(result)
    params[...] = last_good if stop in (Stop.DIVERGED, Stop.INTERRUPTED) else result.x
    if monitor.validate is not None:
        params[...] = state.best_params
    state.loss = network.objective(X, Y, sample_weight, alpha)
    state.best_loss = min(filter(math.isfinite, state.loss_curve), default=math.inf)
    state.n_iter = min(state.n_iter, max_iter)
    monitor.fit_end()
    initial_loss = initial[0] if initial else state.loss
    return TrainingResult(stop, initial_loss, state.loss_curve[curve_start:], result)


def _lbfgs_stop(result):
    if result is None:
        return Stop.INTERRUPTED
    if not (np.isfinite(result.fun) and np.isfinite(result.x).all()):
        return Stop.DIVERGED
    if result.status == 0:
        return Stop.CONVERGED
    if result.status == _SCIPY_STOPPED_BY_CALLBACK:
        return Stop.STOPPED
    return Stop.MAX_ITER


def _minimize(fun, params, callback, max_iter, max_fun, tol):
    """scipy's L-BFGS-B from ``params``; None if interrupted."""
    options = {"maxfun": max_fun, "maxiter": max_iter, "gtol": tol}
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            x0 = params.astype(np.float64)
            return scipy.optimize.minimize(
                fun, x0, method="L-BFGS-B", jac=True, callback=callback, options=options
            )
    except KeyboardInterrupt:  # scipy lets it through from fun or callback
        return None
