"""The epoch / minibatch loop of the stochastic solvers, and L-BFGS.

Training stops by return value, never by exception: ``fit`` returns why it
ended (``"max_iter"``, ``"stopped"``, ``"diverged"`` or ``"interrupted"``) and
always leaves finite weights from a completed epoch in the network.
"""

import numpy as np
import scipy.optimize
import scipy.sparse as sp


def _gather(A, idx, buffer):
    """Rows ``A[idx]`` into a preallocated contiguous buffer (dense input).

    ``idx`` is a slice of a permutation of the rows, so always in range:
    mode='clip' skips the buffered copy that numpy makes for mode='raise'
    (36 us instead of 46 us for 256 rows of 100 float64).
    """
    if buffer is None:  # sparse A
        return A[idx]
    return A.take(idx, axis=0, out=buffer[: len(idx)], mode="clip")


def blas_threads(layer_units, batch_size, max_threads, work_per_thread=4_000_000):
    """How many BLAS threads the products of one batch can use well.

    ``work_per_thread`` multiply-adds in the largest product of a batch buy
    one thread, up to ``max_threads``. Measured with 2 threads on 2 cores
    (training steps, float64 / float32): the (256 x 100 x 256, 256 x 256 x 128)
    products of workload M run 1.4x faster, the 784 x 512 x 512 ones of W 1.5x;
    below about 1e6 multiply-adds (S, R) a second thread gains nothing, and
    the elementwise work between the products stays single-threaded anyway.
    """
    widest = max(a * b for a, b in zip(layer_units[:-1], layer_units[1:]))
    wanted = batch_size * widest // work_per_thread
    return int(max(1, min(max_threads, wanted)))


class Trainer:
    """Minibatch training of a :class:`~.network.Network`.

    Parameters
    ----------
    network : Network
    optimizer : object with ``step(params, grads, lr)``
    schedule : object with ``learning_rate``
    alpha : float
        L2 penalty.
    batch_size : int
    shuffle : bool
        Reshuffle the sample order before every epoch.
    rng : numpy RandomState
        Draws the permutations (as sklearn's MLP does, cumulatively).
    max_grad_norm : float or None, default=None
        Rescale each batch gradient whose global L2 norm exceeds this.

    Attributes
    ----------
    grad_norm : float
        Mean global gradient norm (before clipping) over the last epoch.
    first_loss : float or None
        Loss of the very first batch, at the initial weights.
    """

    def __init__(
        self,
        network,
        optimizer,
        schedule,
        *,
        alpha,
        batch_size,
        shuffle,
        rng,
        max_grad_norm=None,
    ):
        self.network, self.optimizer, self.schedule = network, optimizer, schedule
        self.alpha, self.batch_size = alpha, batch_size
        self.shuffle, self.rng = shuffle, rng
        self.max_grad_norm = max_grad_norm
        self.grad_norm, self.first_loss = np.nan, None

    def epoch(self, X, Y, sample_weight, order):
        """One pass over the data in ``order``; returns the mean batch loss."""
        net, n, bs = self.network, X.shape[0], self.batch_size
        X_buf = None if sp.issparse(X) else np.empty((bs, X.shape[1]), X.dtype)
        Y_buf = np.empty((bs, Y.shape[1]), Y.dtype)
        total, norms = 0.0, 0.0
        for start in range(0, n, bs):
            idx = order[start : start + bs]
            sw = None if sample_weight is None else sample_weight[idx]
            loss = net.loss_and_grads(
                _gather(X, idx, X_buf), _gather(Y, idx, Y_buf), sw, self.alpha
            )
            if self.first_loss is None:
                self.first_loss = loss
            total += loss * len(idx)
            norms += self._clip(net.grads)
            self.optimizer.step(net.params, net.grads, self.schedule.learning_rate)
        self.grad_norm = norms / -(-n // bs)
        return total / n

    def _clip(self, grads):
        """Global gradient norm; rescale the gradient in place above the limit."""
        norm = float(np.sqrt(grads @ grads))
        if self.max_grad_norm is not None and norm > self.max_grad_norm:
            grads *= self.max_grad_norm / norm
        return norm

    def fit(self, X, Y, sample_weight, max_epochs, epoch_end, epoch_begin=None):
        """Train up to ``max_epochs`` epochs.

        ``epoch_begin()``, if given, is called before every epoch and
        ``epoch_end(loss)`` after it; the latter returns True to stop.
        Returns the number of epochs run and why training ended.
        """
        order = np.arange(X.shape[0])
        last_good = self.network.params.copy()
        for epoch in range(max_epochs):
            if epoch_begin is not None:
                epoch_begin()
            try:
                if self.shuffle:
                    order = order[self.rng.permutation(len(order))]
                # overflow is detected below and rolled back: no numpy warnings
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    loss = self.epoch(X, Y, sample_weight, order)
            except KeyboardInterrupt:
                self.network.params[...] = last_good
                return epoch, "interrupted"
            if not (np.isfinite(loss) and np.isfinite(self.network.params).all()):
                self.network.params[...] = last_good
                return epoch, "diverged"
            last_good[...] = self.network.params
            if epoch_end(loss):
                return epoch + 1, "stopped"
        return max_epochs, "max_iter"


def fit_lbfgs(
    network, X, Y, sample_weight, *, alpha, max_iter, max_fun, tol, iteration_end=None
):
    """Minimise the full-batch objective with scipy's L-BFGS-B.

    Returns scipy's ``OptimizeResult``; the network holds its solution, or
    the last finite iterate if the objective became non-finite. A
    ``KeyboardInterrupt`` ends the minimisation too: the network gets the last
    finite iterate back and the result has ``interrupted=True`` (``status=-1``).
    """
    params = network.params
    last_good = params.copy()
    done = {"nit": 0, "fun": np.nan}  # the last finite iterate: its count, its loss

    def fun(theta):
        params[...] = theta
        loss = network.loss_and_grads(X, Y, sample_weight, alpha, training=False)
        return loss, network.grads.astype(np.float64)

    def callback(intermediate_result):
        # the network holds the last line-search trial: put the iterate back
        params[...] = intermediate_result.x
        done["nit"] += 1
        if np.isfinite(intermediate_result.fun):
            last_good[...] = intermediate_result.x
            done["fun"] = float(intermediate_result.fun)
        if iteration_end is not None and iteration_end(intermediate_result.fun):
            raise StopIteration

    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            result = scipy.optimize.minimize(
                fun,
                params.astype(np.float64),
                method="L-BFGS-B",
                jac=True,
                callback=callback,
                options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
            )
    except KeyboardInterrupt:
        # scipy lets the interrupt through from inside fun or callback
        params[...] = last_good
        return scipy.optimize.OptimizeResult(
            x=last_good.astype(np.float64),
            fun=done["fun"],
            nit=done["nit"],
            status=-1,
            success=False,
            interrupted=True,
            message="interrupted by the user (KeyboardInterrupt)",
        )
    finite = np.isfinite(result.fun) and np.isfinite(result.x).all()
    params[...] = result.x if finite else last_good
    return result
