"""A feed-forward network: a stack of layers over one flat parameter vector.

All weights live in one flat vector ``params`` laid out as sklearn packs them
(every ``W`` then every ``b``); ``coefs`` and ``intercepts`` are views into it,
and ``grads`` mirrors it, so optimizers update every parameter at once. One
layer stack (:func:`~.layers.layer_stack`) serves training, chunked
prediction (:func:`predict`) and input gradients (``input_gradient``).

Notes
-----
For a batch of :math:`n` samples with weights :math:`s_i` (all ones when no
sample weight is given) and :math:`S = \\sum_i s_i`, the objective is

.. math::

    L = \\frac{1}{S} \\sum_i s_i \\, \\ell(y_i, p_i)
        + \\frac{\\alpha}{2 S} \\sum_k \\lVert W_k \\rVert_F^2

exactly as sklearn's MLP scales it. Backpropagation starts from the output
delta :math:`\\delta_{out} = s_i \\, \\partial \\ell / \\partial z_i \\, / S`
(the loss's gradient with respect to the output pre-activation: ``P - Y`` for
the canonical link/loss pairs, the sign or clipped residual for the absolute,
Huber and quantile losses) and applies each layer's backward in reverse order.
"""

import math

import numpy as np

from .activations import ACTIVATIONS
from .embeddings import build_layers, check_front, front_shapes
from .layers import ActivationLayer, Dense, layer_stack
from .losses import LINK_BACKWARD, LOSSES, OUT_ACTIVATIONS
from .parametric import ParametricActivation


def _flat_views(flat, layer_units):
    """Split a flat vector into per-layer weight and bias views."""
    shapes = list(zip(layer_units[:-1], layer_units[1:]))
    coefs, start = [], 0
    for fan_in, fan_out in shapes:
        coefs.append(flat[start : start + fan_in * fan_out].reshape(fan_in, fan_out))
        start += fan_in * fan_out
    n_coef = start
    intercepts = []
    for _, fan_out in shapes:
        intercepts.append(flat[start : start + fan_out])
        start += fan_out
    return coefs, intercepts, n_coef


def n_parameters(layer_units):
    return sum((a + 1) * b for a, b in zip(layer_units[:-1], layer_units[1:]))


# ------------------------------------------------ front and parametric layers
# Their parameters follow sklearn's coefs and intercepts in the flat vector, so
# the sklearn layout (and parity with sklearn) is the same with or without them.
def extra_shapes(layer_units, front=(), parametric_activation=False):
    """Shapes of the parameters after sklearn's: the front's, then one
    :math:`\\alpha` vector per hidden layer for parametric activations."""
    alphas = [(units,) for units in layer_units[1:-1]] if parametric_activation else []
    return front_shapes(front) + alphas


def _extra_views(flat, start, shapes, n_front):
    """Consecutive views of ``flat`` from ``start``, one per shape, split into
    the front's (the first ``n_front``) and the alphas."""
    views = []
    for shape in shapes:
        size = math.prod(shape)
        views.append(flat[start : start + size].reshape(shape))
        start += size
    return views[:n_front], views[n_front:]


def build_stack(
    coefs,
    intercepts,
    activation,
    *,
    front=(),
    front_params=(),
    activation_params=(),
    grads=None,
    dropout=0.0,
    rng=None,
):
    """Every layer of a network: the ``front`` specs built on ``front_params``,
    then :func:`~.layers.layer_stack`, its activations parametric when
    ``activation_params`` (one alpha per hidden layer) is not empty.

    ``grads`` is ``(dcoefs, dintercepts, dfront, dalphas)`` for a network
    that is trained, None for one that only predicts.
    """
    dcoefs, dintercepts, dfront, dalphas = grads or (None, None, None, None)
    dense_grads = None if grads is None else (dcoefs, dintercepts)
    layers = layer_stack(
        coefs, intercepts, activation, grads=dense_grads, dropout=dropout, rng=rng
    )
    if len(activation_params):
        pairs = iter(zip(activation_params, dalphas or [None] * len(layers)))
        layers = [
            ParametricActivation(layer.activation, *next(pairs))
            if isinstance(layer, ActivationLayer)
            else layer
            for layer in layers
        ]
    return build_layers(front, front_params, dfront) + layers


def forward_layers(layers, X, training=False, outs=None):
    """Run ``X`` through ``layers``; return the last output and every cache."""
    caches = []
    for layer, out in zip(layers, outs or [None] * len(layers)):
        X, cache = layer.forward(X, training, out=out)
        caches.append(cache)
    return X, caches


class Network:
    """Dense layers with a hidden activation, a fused output link and loss.

    ``layer_units`` is ``[n_features, *hidden_layer_sizes, n_outputs]``;
    ``activation`` and ``loss`` are keys of ``ACTIVATIONS`` and ``LOSSES`` (the
    loss fixes the output link, ``loss_params`` its parameters, e.g. huber's
    ``delta``); parameters and computations are in ``dtype``; ``dropout``
    follows every hidden activation in training, masks drawn from ``rng``.

    ``front`` is a list of layer specs (:mod:`~.embeddings`) applied before
    the first Dense layer; ``layer_units[0]`` is then the front's output width
    and X has ``front[0].n_in`` columns. Their parameters, ``front_params``,
    start at zero (set them from :func:`~.embeddings.init_front`). With
    ``parametric_activation`` every hidden activation is a
    :class:`~.parametric.ParametricActivation` whose ``activation_params``
    (one vector per hidden layer) start at 1. Both follow ``coefs`` and
    ``intercepts`` in ``params``, so ``n_coef`` and sklearn's layout stay.
    """

    def __init__(
        self,
        layer_units,
        activation,
        loss,
        dtype,
        dropout=0.0,
        rng=None,
        loss_params=None,
        front=(),
        parametric_activation=False,
    ):
        self.layer_units = list(layer_units)
        self.activation = activation
        self.loss = LOSSES[loss].bind(**(loss_params or {}))
        self.front = list(front)
        check_front(self.front, self.layer_units[0])
        n_sklearn = n_parameters(layer_units)
        shapes = extra_shapes(layer_units, front, parametric_activation)
        n_params = n_sklearn + sum(math.prod(shape) for shape in shapes)
        self.params = np.zeros(n_params, dtype=dtype)
        self.grads = np.zeros_like(self.params)
        self.coefs, self.intercepts, self.n_coef = _flat_views(self.params, layer_units)
        dcoefs, dintercepts, _ = _flat_views(self.grads, layer_units)
        n_front = len(front_shapes(front))
        self.front_params, self.activation_params = _extra_views(
            self.params, n_sklearn, shapes, n_front
        )
        dfront, dalphas = _extra_views(self.grads, n_sklearn, shapes, n_front)
        for alpha in self.activation_params:
            alpha[...] = 1  # the plain activation to start with
        self.layers = build_stack(
            self.coefs,
            self.intercepts,
            ACTIVATIONS[activation],
            front=self.front,
            front_params=self.front_params,
            activation_params=self.activation_params,
            grads=(dcoefs, dintercepts, dfront, dalphas),
            dropout=dropout,
            rng=rng,
        )
        self._workspaces = {}

    def workspace(self, n):
        """Output buffers of every layer for batches of ``n`` rows, made once
        per batch size: ``ws["forward"][k]`` receives layer k's output,
        ``ws["backward"][k]`` its input delta (None: in place or not needed)."""
        if n not in self._workspaces:
            if len(self._workspaces) >= 2:  # a full batch and the last, short one
                self._workspaces.clear()
            dtype = self.params.dtype
            fwd, bwd = [], []
            for k, layer in enumerate(self.layers):
                dense = isinstance(layer, Dense)
                fwd.append(np.empty((n, layer.W.shape[1]), dtype) if dense else None)
                need_dX = dense and k > 0
                bwd.append(np.empty((n, layer.W.shape[0]), dtype) if need_dX else None)
            self._workspaces[n] = {"forward": fwd, "backward": bwd}
        return self._workspaces[n]

    def set_weights(self, coefs, intercepts, front_params=(), activation_params=()):
        """Copy weights into the flat vector; the front's parameters and the
        alphas keep their values unless given."""
        for views, given in [
            (self.coefs + self.intercepts, [*coefs, *intercepts]),
            (self.front_params, front_params),
            (self.activation_params, activation_params),
        ]:
            for dst, src in zip(views, given):
                dst[...] = src

    def forward(self, X, training=False, workspace=None):
        """Return the output ``P`` and the caches of every layer.

        With a ``workspace`` (see :meth:`workspace`) the outputs are written
        into its buffers, and ``P`` is only valid until the next call.
        """
        outs = workspace["forward"] if workspace else None
        Z, caches = forward_layers(self.layers, X, training, outs)
        return self.loss.link(Z), caches

    def backward(self, dZ, caches, workspace=None, to_input=False):
        """Backpropagate the output delta; gradients land in ``self.grads``.

        With ``to_input=True`` the delta is carried through the first layer
        too and ``dX``, of the input's shape, is returned. With a
        ``workspace`` the deltas are written into its buffers.
        """
        outs = workspace["backward"] if workspace else [None] * len(self.layers)
        for k in range(len(self.layers) - 1, -1, -1):
            # training needs no input gradient: skip the first layer's dX product
            dZ = self.layers[k].backward(
                dZ, caches[k], need_dX=to_input or k > 0, out=outs[k]
            )
        return dZ

    def input_gradient(self, X, G):
        """Gradient of :math:`\\sum_{ij} G_{ij} P_{ij}` with respect to ``X``.

        A vector-Jacobian product through the output link and every layer, at
        prediction (dropout off), for an upstream gradient ``G`` of P's shape.
        Since the samples are independent, row ``i`` of the (n, n_features)
        result is :math:`\\partial (G_i \\cdot p_i) / \\partial x_i`: with
        ``G`` one-hot in column ``j``, the gradient of output ``j``.
        ``self.grads`` is overwritten as a by-product.
        """
        P, caches = self.forward(X, training=False)
        dZ = LINK_BACKWARD[self.loss.out_activation](G, P)  # (n, n_outputs)
        return self.backward(dZ, caches, to_input=True)

    def hidden_preactivations(self, X):
        """Pre-activations ``Z`` of every hidden layer, a list of (n, units) arrays."""
        Zs = []
        for layer in self.layers[:-1]:
            X, _ = layer.forward(X)
            if isinstance(layer, Dense):
                Zs.append(X.copy())  # the activation after it works in place
        return Zs

    def loss_and_grads(self, X, Y, sample_weight=None, alpha=0.0, training=True):
        """Objective ``L`` on a batch; its gradient is left in ``self.grads``."""
        ws = self.workspace(X.shape[0])
        P, caches = self.forward(X, training, workspace=ws)
        loss, S = self._weighted_mean(self.loss.pointwise(Y, P), sample_weight)
        dZ = self.loss.gradient(Y, P, out=P)  # (n, n_out); P is not needed again
        if sample_weight is not None:
            dZ *= sample_weight[:, None]
        dZ /= S
        self.backward(dZ, caches, workspace=ws)
        if alpha:
            dW = self.grads[: self.n_coef]
            dW += (alpha / S) * self.params[: self.n_coef]  # d/dW of the L2 term
        return float(loss + self.penalty(alpha, S))

    def objective(self, X, Y, sample_weight=None, alpha=0.0):
        """The objective ``L`` on all of ``X``, predicted in chunks, no gradient."""
        S = X.shape[0] if sample_weight is None else sample_weight.sum()
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss = self.mean_loss(Y, self.predict(X), sample_weight)
            return loss + self.penalty(alpha, S)

    def penalty(self, alpha, S):
        """The L2 term :math:`\\alpha \\sum_k \\lVert W_k \\rVert_F^2 / (2 S)`
        (weights only, not the biases)."""
        if not alpha:
            return 0.0
        W = self.params[: self.n_coef]
        return 0.5 * alpha * float(W @ W) / S

    def mean_loss(self, Y, P, sample_weight=None):
        """The (sample-weighted) mean loss of outputs ``P``, without penalty."""
        return float(self._weighted_mean(self.loss.pointwise(Y, P), sample_weight)[0])

    @staticmethod
    def _weighted_mean(L, sample_weight):
        """Weighted mean over the samples of the loss summed over the outputs,
        and the total weight S. ``L`` is the (n, n_outputs) pointwise loss."""
        if sample_weight is None:
            return L.sum() / L.shape[0], L.shape[0]
        S = sample_weight.sum()
        return (sample_weight @ L).sum() / S, S  # (n,) @ (n, n_out) -> (n_out,)

    def predict(self, X):
        return predict_layers(self.layers, self.loss.link, X)


def predict(
    X,
    coefs,
    intercepts,
    activation,
    out_activation,
    chunk_rows=None,
    *,
    front=(),
    front_params=(),
    activation_params=(),
):
    """Forward pass from fitted weights: the network's layer stack, in chunks.

    ``front`` (specs), ``front_params`` and ``activation_params`` are the
    :class:`Network`'s attributes of those names, empty for a plain network.
    """
    layers = build_stack(
        coefs,
        intercepts,
        ACTIVATIONS[activation],
        front=front,
        front_params=front_params,
        activation_params=activation_params,
    )
    return predict_layers(layers, OUT_ACTIVATIONS[out_activation], X, chunk_rows)


def predict_layers(layers, link, X, chunk_rows=None):
    """The output of ``layers`` and ``link`` for ``X``, without caches, in chunks.

    Each chunk goes through the whole stack in cache-sized buffers made once,
    its output straight into the result, so the extra memory does not grow
    with the number of samples. Each chunk of X (sparse, or of another float
    dtype) is converted on its own.
    """
    coefs = [layer.W for layer in layers if isinstance(layer, Dense)]
    n, dtype = X.shape[0], coefs[0].dtype
    chunk_rows = max(1, min(chunk_rows or default_chunk_rows(coefs), n))
    if chunk_rows == n:  # one chunk: the layers make their own outputs
        return link(forward_layers(layers, X.astype(dtype, copy=False))[0])
    out = np.empty((n, coefs[-1].shape[1]), dtype=dtype)
    buffers = [
        np.empty((chunk_rows, layer.W.shape[1]), dtype)
        if isinstance(layer, Dense)
        else None
        for layer in layers
    ]
    for start in range(0, n, chunk_rows):
        stop = min(start + chunk_rows, n)
        outs = [None if b is None else b[: stop - start] for b in buffers]
        outs[-1] = out[start:stop]
        A = X[start:stop].astype(dtype, copy=False)
        link(forward_layers(layers, A, training=False, outs=outs)[0])
    return out


def default_chunk_rows(coefs, budget=1 << 20):
    """Rows per prediction chunk: the widest activation stays near ``budget``
    bytes (L2-sized), so consecutive layers reuse it from cache."""
    widest = max(W.shape[1] for W in coefs)
    return max(256, budget // (widest * coefs[0].dtype.itemsize))
