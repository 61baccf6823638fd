"""Gradient-based attributions of a prediction to the input features.

The gradients come from the engine's backward pass carried through to the input
(:meth:`skbackprop._engine.network.Network.input_gradient`): one forward and one
backward pass per evaluation, whatever the number of features.
"""

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.utils.validation import validate_data

from .._engine import LOSSES, Network, integrated_gradients
from .._sklearn_compat import Interval, StrOptions, validate_params
from ._common import _check_backprop_estimator

METHODS = ("gradient", "gradient_x_input", "integrated_gradients")
CHUNK_VALUES = 1 << 20  # about this many activations are cached per chunk of rows


def _engine_network(estimator):
    """An engine Network in float64 carrying the estimator's fitted weights."""
    # any loss with the fitted output activation: the loss never enters dP/dX
    loss = next(
        name
        for name, spec in LOSSES.items()
        if spec.out_activation == estimator.out_activation_
    )
    layer_units = [W.shape[0] for W in estimator.coefs_] + [estimator.n_outputs_]
    network = Network(
        layer_units,
        estimator.activation,
        loss,
        np.float64,
        front=estimator._front,
        parametric_activation=bool(estimator.activation_params_),
    )
    network.set_weights(
        estimator.coefs_,
        estimator.intercepts_,
        estimator.front_params_,
        estimator.activation_params_,
    )
    return network


def _one_hot(indices, n_outputs):
    G = np.zeros((len(indices), n_outputs))
    G[np.arange(len(indices)), indices] = 1.0
    return G


def _class_indices(classes, target, n_samples):
    """Positions in ``classes`` of a label, or of one label per sample."""
    labels = np.asarray(target, dtype=object)
    if labels.ndim == 0:
        labels = np.full(n_samples, target, dtype=object)
    if labels.shape != (n_samples,):
        raise ValueError(
            "target must be a class label or an array-like of shape (n_samples,) "
            f"= ({n_samples},) of class labels; got shape {labels.shape}."
        )
    position = {label: k for k, label in enumerate(classes.tolist())}
    unknown = [label for label in labels.tolist() if label not in position]
    if unknown:
        raise ValueError(
            f"target has labels {sorted(set(map(repr, unknown)))} that are not "
            f"classes of the estimator; classes_ = {classes.tolist()}."
        )
    return np.array([position[label] for label in labels.tolist()], dtype=int)


def _output_index(estimator, target, what):
    n_outputs = estimator.n_outputs_
    if not isinstance(target, Integral) or not 0 <= target < n_outputs:
        raise ValueError(
            f"target must be {what} index in [0, {n_outputs - 1}] for this "
            f"{type(estimator).__name__} with {n_outputs} outputs; got {target!r}."
        )
    return int(target)


def _upstream(estimator, target, n_samples):
    """How each explained output ``f`` reads the network output ``P``.

    Returns a function ``(P, rows) -> list of G``, one ``G = df/dP`` of P's
    shape per explained output (``rows`` selects the samples of a chunk), and
    whether several outputs are explained (a third axis in the result).
    """
    n_outputs = estimator.n_outputs_
    single_label = is_classifier(estimator) and (
        estimator.out_activation_ == "softmax" or n_outputs == 1
    )
    if single_label:
        fixed = None
        if target is not None:
            fixed = _class_indices(estimator.classes_, target, n_samples)

        def upstream(P, rows):
            if fixed is not None:
                k = fixed[rows]
            elif n_outputs == 1:
                k = (P[:, 0] > 0.5).astype(int)  # predict's threshold
            else:
                k = P.argmax(axis=1)
            if n_outputs == 1:
                # P is the probability of classes_[1], 1 - P that of classes_[0]
                return [np.where(k == 1, 1.0, -1.0)[:, None]]
            return [_one_hot(k, n_outputs)]

        return upstream, False
    # regression and multilabel classification: f is one output column
    what = "a label" if is_classifier(estimator) else "an output"
    if target is None:
        outputs = range(n_outputs)
    else:
        outputs = [_output_index(estimator, target, what)]

    slope = estimator._targets().output_slope()  # d prediction / d P

    def upstream(P, rows):
        return [_one_hot(np.full(len(P), j), n_outputs) * slope for j in outputs]

    return upstream, target is None and n_outputs > 1


def _check_baseline(baseline, n_samples, n_features):
    if baseline is None:
        return np.zeros((1, n_features))
    B = np.asarray(baseline, dtype=np.float64)
    B = B.reshape(1, -1) if B.ndim == 1 else B
    if B.ndim != 2 or B.shape[1] != n_features or B.shape[0] not in (1, n_samples):
        raise ValueError(
            f"baseline must have shape (n_features,) = ({n_features},) or "
            f"(n_samples, n_features) = ({n_samples}, {n_features}); got shape "
            f"{np.shape(baseline)}."
        )
    if not np.isfinite(B).all():
        raise ValueError("baseline must be finite; it contains NaN or inf.")
    return B


def _attribute(network, X, B, G, method, n_steps):
    """Attributions of one chunk: X, B of shape (n, n_features), G (n, n_out)."""
    if method == "integrated_gradients":
        return integrated_gradients(network, X, B, G, n_steps)
    dX = network.input_gradient(X, G)
    return dX if method == "gradient" else dX * (X - B)


@validate_params(
    {
        "estimator": "no_validation",
        "X": ["array-like", "sparse matrix"],
        "method": [StrOptions(set(METHODS))],
        "target": "no_validation",
        "baseline": ["array-like", None],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def feature_attributions(
    estimator, X, *, method="gradient", target=None, baseline=None, n_steps=50
):
    """Attribute each prediction to the input features by backpropagation.

    The attributions explain one output ``f`` of the fitted network per sample,
    taken after the output activation: a predicted probability for a
    classifier, a predicted value for a regressor. Their gradients are
    computed by the network's own backward pass carried through to the input,
    in float64.

    Read more in the :ref:`User Guide <inspection>`.

    Parameters
    ----------
    estimator : BackpropClassifier, BackpropRegressor or Pipeline
        A fitted skbackprop estimator, or a fitted
        :class:`~sklearn.pipeline.Pipeline` whose last step is one. For a
        Pipeline, ``X`` goes through every step but the last and the
        attributions are with respect to **the last step's input features**
        (e.g. the scaled features, or the columns a transformer created), not
        to the columns of ``X``.

    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The samples to explain (for a Pipeline, its raw input). A sparse
        matrix is densified one chunk of rows at a time.

    method : {"gradient", "gradient_x_input", "integrated_gradients"}, \
            default="gradient"
        - "gradient": the saliency :math:`\\partial f / \\partial x_j`.
        - "gradient_x_input": the gradient times ``X - baseline``.
        - "integrated_gradients": the gradient averaged along the straight
          path from ``baseline`` to ``X`` (``n_steps`` midpoints), times
          ``X - baseline``. The attributions of a sample add up to
          ``f(X) - f(baseline)`` (completeness).

    target : label, array-like of shape (n_samples,) or int, default=None
        Which output ``f`` explains:

        - classifier (binary or multiclass): a label from ``classes_``, or one
          label per sample; ``f`` is the predicted probability of that class.
          None explains the predicted class of each sample.
        - multilabel classifier: a label index in ``[0, n_outputs_)``; ``f``
          is that label's probability. None explains every label.
        - regressor: an output index; ``f`` is that predicted value. None
          explains the only output, or every output of a multi-output
          regressor.

    baseline : array-like of shape (n_features,) or (n_samples, n_features), \
            default=None
        The reference input of "gradient_x_input" and "integrated_gradients",
        in the space of the last step's input for a Pipeline (e.g.
        ``pipe[:-1].transform(reference)``). None means zeros: the training
        mean after a :class:`~sklearn.preprocessing.StandardScaler`. Ignored
        by "gradient".

    n_steps : int, default=50
        Number of gradient evaluations along the path of
        "integrated_gradients".

    Returns
    -------
    attributions : ndarray of shape (n_samples, n_features) or \
            (n_samples, n_features, n_outputs)
        The attributions in float64, one per (last-step input) feature. The third
        axis, one slice per output, appears only when ``target=None`` for a
        multi-output regressor or a multilabel classifier.

    See Also
    --------
    sklearn.inspection.permutation_importance : Model-agnostic, global
        feature importances.

    Notes
    -----
    With :math:`b` the baseline and :math:`m` = ``n_steps``:

    .. math::

        \\text{gradient}_j &= \\frac{\\partial f}{\\partial x_j}(x),

        \\text{gradient_x_input}_j &= (x_j - b_j)
            \\frac{\\partial f}{\\partial x_j}(x),

        \\text{IG}_j &= (x_j - b_j) \\frac{1}{m} \\sum_{k=1}^{m}
            \\frac{\\partial f}{\\partial x_j}
            \\Bigl(b + \\tfrac{k - 1/2}{m} (x - b)\\Bigr)

        &\\approx \\int_0^1 (x_j - b_j)
            \\frac{\\partial f}{\\partial x_j}\\bigl(b + \\alpha (x - b)\\bigr)
            \\, d\\alpha

    and the integral is exactly :math:`f(x) - f(b)` (integrated gradients,
    Sundararajan et al., 2017); the midpoint rule's error falls as
    :math:`1/m^2` for smooth activations.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_regression
    >>> from skbackprop import BackpropRegressor
    >>> from skbackprop.inspection import feature_attributions
    >>> X, y = make_regression(n_samples=200, n_features=4, random_state=0)
    >>> reg = BackpropRegressor(hidden_layer_sizes=(16,), activation="tanh",
    ...                         max_iter=300, random_state=0).fit(X, y / 100)
    >>> ig = feature_attributions(reg, X[:3], method="integrated_gradients")
    >>> ig.shape
    (3, 4)
    >>> f_x, f_0 = reg.predict(X[:3]), reg.predict(np.zeros((1, 4)))
    >>> np.allclose(ig.sum(axis=1), f_x - f_0, rtol=1e-3)
    True
    """
    est, preprocessing = _check_backprop_estimator(estimator, "feature_attributions")
    if est._inputs is not None:
        raise ValueError(
            "feature_attributions explains the numeric inputs of a network, but "
            f"this {type(est).__name__} encodes a table itself "
            "(categorical_features, missing_values='impute' or feature_scaling). "
            "Encode the table in a Pipeline in front of it instead (e.g. "
            "OneHotEncoder and StandardScaler in a ColumnTransformer) to attribute "
            "to the encoded columns."
        )
    if preprocessing is not None:
        X = preprocessing.transform(X)
    X = validate_data(est, X, reset=False, accept_sparse=["csr"], dtype=np.float64)
    n_samples, n_features = X.shape
    B = _check_baseline(baseline, n_samples, n_features)
    upstream, per_output = _upstream(est, target, n_samples)
    network = _engine_network(est)
    n_explained = est.n_outputs_ if per_output else 1
    out = np.empty((n_samples, n_features, n_explained))
    # bound the memory of the cached activations whatever n_samples; integrated
    # gradients evaluate n_steps points per sample at once
    points = n_steps if method == "integrated_gradients" else 1
    chunk_rows = max(1, CHUNK_VALUES // (sum(network.layer_units) * points))
    for start in range(0, n_samples, chunk_rows):
        rows = slice(start, start + chunk_rows)
        X_rows = X[rows].toarray() if sp.issparse(X) else X[rows]
        B_rows = np.broadcast_to(B if len(B) == 1 else B[rows], X_rows.shape)
        for j, G in enumerate(upstream(network.predict(X_rows), rows)):
            out[rows, :, j] = _attribute(network, X_rows, B_rows, G, method, n_steps)
    return out if per_output else out[:, :, 0]
