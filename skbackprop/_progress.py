"""What a fit reports after every epoch: callbacks and verbose output.

One :class:`EpochReporter` serves a whole ``fit`` or ``partial_fit`` call as
the events of the engine's training loop: when the loop begins it opens the
estimator's root callback task (scikit-learn >= 1.9's ``sklearn.callback``),
then one subtask per epoch (per iteration for 'lbfgs'), prints the verbose
table, and closes the root task when the loop ends. Constructing it fires
nothing.
"""


class EpochReporter:
    """Callback tasks and verbose lines of one fit call.

    Parameters
    ----------
    estimator : BaseBackprop
        The estimator being fitted.
    X, y : array-like
        Training data as validated by the estimator, handed to callbacks.
    sample_weight : ndarray or None
        Passed to callbacks as metadata.
    max_epochs : int
        Upper bound of the number of epochs (callback subtasks) of this call.
    snapshot : callable
        ``snapshot() -> dict``: the fitted attributes of the current weights
        and curves, which callbacks see on an estimator of their own.
    """

    def __init__(self, estimator, X, y, sample_weight, max_epochs, snapshot):
        self.estimator, self.X, self.y = estimator, X, y
        self.snapshot = snapshot
        self.metadata = (
            {} if sample_weight is None else {"sample_weight": sample_weight}
        )
        self.max_epochs, self.context, self.task = max_epochs, None, None

    def fit_begin(self):
        self.context = self.estimator._init_callback_context(
            max_subtasks=self.max_epochs
        )
        self._call("call_on_fit_task_begin", self.context)
        if self.estimator.verbose >= 2:
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

    def epoch_end(self, record):
        """Report the epoch just recorded; True when a callback asks to stop."""
        if self.task is None:  # lbfgs reports iterations after the fact
            self.epoch_begin()
        if self.estimator.verbose >= 2:
            print(
                f"{record['epoch']:>9} {record['loss']:>12.6f} "
                f"{record['val_loss']:>12.6f} {record['val_score']:>10.4f} "
                f"{record['learning_rate']:>10.3g} {record['seconds']:>7.2f}s"
            )
        task, self.task = self.task, None
        return bool(
            self._call(
                "call_on_fit_task_end", task, reconstruction_attributes=self.snapshot
            )
        )

    def fit_end(self):
        self._call(
            "call_on_fit_task_end",
            self.context,
            reconstruction_attributes=self.snapshot,
        )
