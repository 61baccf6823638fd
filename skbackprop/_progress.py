"""What a fit reports after every epoch: callbacks, history and verbose output.

One :class:`EpochReporter` serves a whole ``fit`` or ``partial_fit`` call. It
opens the estimator's root callback task (scikit-learn >= 1.9's
``sklearn.callback``), one subtask per epoch (per iteration for 'lbfgs'),
appends one record to ``history_`` per epoch and prints the verbose lines.
"""

import math
import time


class EpochReporter:
    """Callback tasks, ``history_`` records and verbose lines of one fit call.

    Parameters
    ----------
    estimator : BaseBackprop
        The estimator being fitted; ``history_`` grows on it.
    X, y : array-like
        Training data as validated by the estimator, handed to callbacks.
    sample_weight : ndarray or None
        Passed to callbacks as metadata.
    max_epochs : int
        Upper bound of the number of epochs (callback subtasks) of this call.
    """

    def __init__(self, estimator, X, y, sample_weight, max_epochs):
        self.estimator, self.X, self.y = estimator, X, y
        self.metadata = (
            {} if sample_weight is None else {"sample_weight": sample_weight}
        )
        self.context = estimator._init_callback_context(max_subtasks=max_epochs)
        self._call("call_on_fit_task_begin", self.context)
        self.task, self.started = None, time.perf_counter()
        if estimator.verbose >= 2:
            print(
                # sklearn's verbose lines name epochs "Iteration" (n_iter_)
                f"{'Iteration':>9} {'loss':>12} {'val_loss':>12} {'val_score':>10} "
                f"{'lr':>10} {'time':>8}"
            )

    def _call(self, hook, context, **kwargs):
        return getattr(context, hook)(
            estimator=self.estimator,
            X=self.X,
            y=self.y,
            metadata=self.metadata,
            **kwargs,
        )

    def epoch_begin(self):
        self.task = self.context.subcontext(task_name="epoch")
        self._call("call_on_fit_task_begin", self.task)
        self.started = time.perf_counter()

    def epoch_end(self, loss, learning_rate=math.nan, grad_norm=math.nan):
        """Record the epoch that just ended; True when a callback asks to stop."""
        est = self.estimator
        if self.task is None:  # lbfgs reports iterations after the fact
            self.epoch_begin()
        seconds = time.perf_counter() - self.started
        record = {
            "epoch": len(est.loss_curve_),
            "loss": float(loss),
            "val_loss": _last(est.validation_loss_curve_),
            "val_score": _last(est.validation_scores_),
            "learning_rate": float(learning_rate),
            "grad_norm": float(grad_norm),
            "seconds": seconds,
        }
        est.history_.append(record)
        if est.verbose >= 2:
            print(
                f"{record['epoch']:>9} {record['loss']:>12.6f} "
                f"{record['val_loss']:>12.6f} {record['val_score']:>10.4f} "
                f"{record['learning_rate']:>10.3g} {seconds:>7.2f}s"
            )
        task, self.task = self.task, None
        return bool(
            self._call(
                "call_on_fit_task_end",
                task,
                reconstruction_attributes=est._snapshot_attributes,
            )
        )

    def close(self):
        self._call(
            "call_on_fit_task_end",
            self.context,
            reconstruction_attributes=self.estimator._snapshot_attributes,
        )


def _last(curve):
    return float(curve[-1]) if curve else math.nan
