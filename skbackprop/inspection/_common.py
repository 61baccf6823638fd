"""What the inspection tools share: finding the fitted network to inspect."""

from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .._base import BaseBackprop


def _check_backprop_estimator(estimator, caller):
    """The fitted skbackprop estimator to inspect, and the steps in front of it.

    Parameters
    ----------
    estimator : BackpropClassifier, BackpropRegressor or Pipeline
        A fitted estimator, or a fitted Pipeline whose last step is one.
    caller : str
        Name of the public function or method, for the error messages.

    Returns
    -------
    network_estimator : BaseBackprop
        ``estimator`` itself, or the last step of the Pipeline.
    preprocessing : Pipeline or None
        The Pipeline's steps but the last, or None when there are none.
    """
    network_estimator, preprocessing = estimator, None
    if isinstance(estimator, Pipeline):
        network_estimator = estimator.steps[-1][1]
        if len(estimator.steps) > 1:
            preprocessing = estimator[:-1]
    if not isinstance(network_estimator, BaseBackprop):
        got = network_estimator
        if not isinstance(got, str):  # 'passthrough' is shown as is
            got = type(got).__name__
        where = ""
        if isinstance(estimator, Pipeline):
            where = " as the last step of the Pipeline"
        raise TypeError(
            f"{caller} needs a BackpropClassifier or BackpropRegressor, or a "
            f"Pipeline whose last step is one; got {got!r}{where}. For a search "
            "such as GridSearchCV, pass its best_estimator_."
        )
    check_is_fitted(
        network_estimator,
        msg=(
            f"This {type(network_estimator).__name__} instance is not fitted yet: "
            f"call 'fit' before {caller}."
        ),
    )
    return network_estimator, preprocessing
