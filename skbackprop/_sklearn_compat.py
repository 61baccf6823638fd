"""The one place that imports private names from scikit-learn.

When scikit-learn moves one of these, only this file has to change.
"""

from sklearn.base import _fit_context

try:  # scikit-learn >= 1.9
    from sklearn.callback import CallbackSupportMixin, with_callbacks
except ImportError:  # pragma: no cover - older scikit-learn: no callbacks

    class _NoCallbackContext:
        """Stands in for sklearn's CallbackContext when callbacks do not exist."""

        def subcontext(self, **kwargs):
            return self

        def call_on_fit_task_begin(self, **kwargs):
            return self

        def call_on_fit_task_end(self, **kwargs):
            return False

    class CallbackSupportMixin:
        """Without sklearn.callback there is no ``set_callbacks``."""

        def _init_callback_context(self, **kwargs):
            return _NoCallbackContext()

    def with_callbacks(method):
        return method


from sklearn.utils._param_validation import (
    Interval,
    Options,
    StrOptions,
    validate_params,
)
from sklearn.utils.multiclass import _check_partial_fit_first_call
from sklearn.utils.parallel import _get_threadpool_controller
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "CallbackSupportMixin",
    "Interval",
    "Options",
    "StrOptions",
    "_check_partial_fit_first_call",
    "_check_sample_weight",
    "_fit_context",
    "_get_threadpool_controller",
    "validate_params",
    "with_callbacks",
]
