"""The training curves of a fitted network, in scikit-learn's Display convention."""

import numpy as np
from sklearn.base import is_classifier

from .._docstrings import fill_docstring
from ._common import _check_backprop_estimator


def _check_matplotlib_support(caller):
    """Import matplotlib only when a plot is drawn, with an install hint."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as e:
        raise ImportError(
            f"{caller} requires matplotlib. Install the plot extra, in a "
            'clone of skbackprop: `pip install ".[plot]"`, or '
            "`pip install matplotlib`."
        ) from e


def _score_name(estimator):
    """What ``validation_scores_`` holds, from the estimator's ``scoring``."""
    scoring = estimator.scoring
    if scoring is None:
        return "accuracy" if is_classifier(estimator) else "R²"
    if isinstance(scoring, str):
        return scoring.replace("_", " ")
    return "score"


# the parameters plot and from_estimator share, and what both return
_STYLE_PARAMETERS_AND_RETURNS = """
        loss_kw : dict, default=None
            Keyword arguments of the :meth:`~matplotlib.axes.Axes.plot` call of
            the train loss.

        validation_loss_kw : dict, default=None
            Keyword arguments of the plot of the validation loss.

        validation_score_kw : dict, default=None
            Keyword arguments of the plot of the validation score.

        best_epoch_kw : dict, default=None
            Keyword arguments of the :meth:`~matplotlib.axes.Axes.axvline`
            call marking the best epoch.

        Returns
        -------
        display : TrainingCurveDisplay
            Object that stores the computed values and the artists.
""".strip()


class TrainingCurveDisplay:
    """Training curves: the loss per epoch, and the validation loss and score.

    The train loss and, when a validation set was used, the validation loss
    share the left y-axis; the validation score is drawn against a secondary
    y-axis on the right (a :meth:`~matplotlib.axes.Axes.twinx` of ``ax_``,
    stored as ``score_ax_``), since a score and a loss have different scales.
    A dashed vertical line marks the best epoch, where a validation set chose
    the weights that were kept.

    It is recommended to use :meth:`from_estimator` to create a display. All
    parameters are stored as attributes.

    Read more in the :ref:`User Guide <inspection>`.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        Train loss after each epoch (each iteration for 'lbfgs'), plotted at
        epochs ``1, ..., n_epochs``.

    validation_loss_curve : array-like of shape (n_val_epochs,), default=None
        Validation loss of the last ``n_val_epochs`` epochs (usually all of
        them), or None without a validation set.

    validation_scores : array-like of shape (n_val_epochs,), default=None
        Validation score of the same epochs, or None.

    best_epoch : int, default=None
        The epoch to mark (1-based, on the same scale as ``loss_curve``), or
        None for no mark.

    score_name : str, default=None
        Name of the validation score, for its axis label. None means "score".

    estimator_name : str, default=None
        Name of the estimator, used as the title. None means no title.

    unit : {"epoch", "iteration"}, default="epoch"
        What one point of the curves is, for the x-axis label and the best
        marker: 'iteration' for an L-BFGS fit.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the losses.

    score_ax_ : matplotlib Axes or None
        The secondary axes (sharing ``ax_``'s x-axis) with the validation
        score, or None when there is no score.

    figure_ : matplotlib Figure
        Figure containing the curves.

    loss_line_ : matplotlib Line2D
        The train loss.

    validation_loss_line_ : matplotlib Line2D or None
        The validation loss, or None.

    validation_score_line_ : matplotlib Line2D or None
        The validation score, or None.

    best_epoch_line_ : matplotlib Line2D or None
        The vertical line at ``best_epoch``, or None.

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : Scores against the number
        of training samples, from cross-validation.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from skbackprop import BackpropClassifier
    >>> from skbackprop.inspection import TrainingCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = BackpropClassifier(max_iter=50, early_stopping=True,
    ...                          random_state=0).fit(X, y)
    >>> display = TrainingCurveDisplay.from_estimator(clf)
    >>> display.best_epoch == clf.best_iteration_
    True
    >>> display.validation_loss_line_.get_label()
    'validation loss'
    >>> plt.close("all")
    """

    def __init__(
        self,
        *,
        loss_curve,
        validation_loss_curve=None,
        validation_scores=None,
        best_epoch=None,
        score_name=None,
        estimator_name=None,
        unit="epoch",
    ):
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.validation_scores = validation_scores
        self.best_epoch = best_epoch
        self.score_name = score_name
        self.estimator_name = estimator_name
        self.unit = unit

    def _epochs(self, curve):
        # validation curves cover the last epochs of the train loss
        n = len(self.loss_curve)
        return np.arange(n - len(curve) + 1, n + 1)

    @fill_docstring(style_parameters_and_returns=_STYLE_PARAMETERS_AND_RETURNS)
    def plot(
        self,
        ax=None,
        *,
        name=None,
        loss_kw=None,
        validation_loss_kw=None,
        validation_score_kw=None,
        best_epoch_kw=None,
    ):
        """Plot the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot the losses on; the validation score gets a secondary
            y-axis on it. If None, a new figure and axes are created.

        name : str, default=None
            Title of the axes. None uses ``estimator_name``.

        ${style_parameters_and_returns}
        """
        _check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        loss = np.asarray(self.loss_curve, dtype=float)
        self.loss_line_ = ax.plot(
            np.arange(1, len(loss) + 1),
            loss,
            **{"label": "train loss", "color": "C0", **(loss_kw or {})},
        )[0]
        self.validation_loss_line_ = None
        if self.validation_loss_curve is not None:
            val_loss = np.asarray(self.validation_loss_curve, dtype=float)
            self.validation_loss_line_ = ax.plot(
                self._epochs(val_loss),
                val_loss,
                **{
                    "label": "validation loss",
                    "color": "C1",
                    **(validation_loss_kw or {}),
                },
            )[0]
        self.best_epoch_line_ = None
        if self.best_epoch is not None:
            self.best_epoch_line_ = ax.axvline(
                self.best_epoch,
                **{
                    "label": f"best {self.unit} ({self.best_epoch})",
                    "color": "0.4",
                    "linestyle": "--",
                    "linewidth": 1,
                    **(best_epoch_kw or {}),
                },
            )
        ax.set_xlabel(self.unit)
        ax.set_ylabel("loss")
        self._plot_scores(ax, validation_score_kw)
        handles = ax.get_lines()
        if self.score_ax_ is not None:
            handles = [*handles, self.validation_score_line_]
        # one legend for both y-axes, on the top axes so that no curve hides it.
        # "best" would only avoid the curves of that axes; at the right, between
        # falling losses and a rising score, training curves usually leave room.
        loc = "best" if self.score_ax_ is None else "center right"
        (self.score_ax_ or ax).legend(handles=handles, loc=loc)
        name = self.estimator_name if name is None else name
        if name is not None:
            ax.set_title(name)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _plot_scores(self, ax, validation_score_kw):
        """The validation score on a secondary y-axis of ``ax``, if there is one."""
        self.score_ax_ = self.validation_score_line_ = None
        if self.validation_scores is None:
            return
        scores = np.asarray(self.validation_scores, dtype=float)
        score_name = self.score_name or "score"
        self.score_ax_ = ax.twinx()
        self.validation_score_line_ = self.score_ax_.plot(
            self._epochs(scores),
            scores,
            **{
                "label": f"validation {score_name}",
                "color": "C2",
                **(validation_score_kw or {}),
            },
        )[0]
        self.score_ax_.set_ylabel(f"validation {score_name}")

    @classmethod
    @fill_docstring(style_parameters_and_returns=_STYLE_PARAMETERS_AND_RETURNS)
    def from_estimator(
        cls,
        estimator,
        *,
        ax=None,
        name=None,
        loss_kw=None,
        validation_loss_kw=None,
        validation_score_kw=None,
        best_epoch_kw=None,
    ):
        """Plot the training curves of a fitted estimator.

        The curves are the estimator's ``loss_curve_``,
        ``validation_loss_curve_`` and ``validation_scores_``, against
        iterations for ``solver='lbfgs'`` and epochs otherwise. The best epoch
        ``best_iteration_`` is marked only when a validation set chose the
        weights that were kept. The validation score is left out when
        ``scoring='loss'``, as it is then the negated validation loss.

        Parameters
        ----------
        estimator : BackpropClassifier, BackpropRegressor or Pipeline
            A fitted skbackprop estimator, or a fitted
            :class:`~sklearn.pipeline.Pipeline` whose last step is one (its
            curves are plotted).

        ax : matplotlib Axes, default=None
            Axes to plot on. If None, a new figure and axes are created.

        name : str, default=None
            Title of the axes. None uses the estimator's class name.

        ${style_parameters_and_returns}

        See Also
        --------
        feature_attributions : Which input features drive each prediction.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from sklearn.datasets import make_regression
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn.preprocessing import StandardScaler
        >>> from skbackprop import BackpropRegressor
        >>> from skbackprop.inspection import TrainingCurveDisplay
        >>> X, y = make_regression(n_samples=200, n_features=5, random_state=0)
        >>> pipe = make_pipeline(StandardScaler(), BackpropRegressor(
        ...     max_iter=200, early_stopping=True, random_state=0)).fit(X, y / 100)
        >>> display = TrainingCurveDisplay.from_estimator(pipe)
        >>> display.score_ax_.get_ylabel()
        'validation R²'
        >>> plt.close("all")
        """
        _check_matplotlib_support(f"{cls.__name__}.from_estimator")
        est, _ = _check_backprop_estimator(estimator, f"{cls.__name__}.from_estimator")
        loss_curve = list(est.loss_curve_)
        val_loss, scores = est.validation_loss_curve_, est.validation_scores_
        best_epoch = None  # marked only where a validation set chose the weights
        if val_loss is not None and est.best_iteration_ is not None:
            best_epoch = len(loss_curve) - len(scores) + est.best_iteration_
        display = cls(
            loss_curve=loss_curve,
            validation_loss_curve=None if val_loss is None else list(val_loss),
            validation_scores=(
                None if scores is None or est.scoring == "loss" else list(scores)
            ),
            best_epoch=best_epoch,
            score_name=_score_name(est),
            estimator_name=type(est).__name__,
            unit="iteration" if est.solver == "lbfgs" else "epoch",
        )
        return display.plot(
            ax=ax,
            name=name,
            loss_kw=loss_kw,
            validation_loss_kw=validation_loss_kw,
            validation_score_kw=validation_score_kw,
            best_epoch_kw=best_epoch_kw,
        )
