"""ONNX export of fitted networks through skl2onnx.

Importing this module registers a parser, a shape calculator and a converter
for :class:`~skbackprop.BackpropClassifier` and
:class:`~skbackprop.BackpropRegressor` with skl2onnx, so that
``skl2onnx.to_onnx(model, X[:1])`` converts a fitted network, bare or as a step
of a ``Pipeline``. It needs the ``onnx`` extra (``pip install ".[onnx]"`` in
a clone of skbackprop: skl2onnx, and onnxruntime to run the graphs).

Importing ``skbackprop`` alone registers nothing: skl2onnx takes longer to
import than skbackprop itself, and what ``import skbackprop`` does should not
depend on which other packages happen to be installed.

The graph computes in the floating-point type of its input: float32 input
(``X[:1].astype(np.float32)``) gives a float32 graph, float64 input a float64
one, whatever the dtype the model was trained in. Every hidden activation and
output activation of the estimators converts, in both types. onnxruntime has
no float64 kernels for ``Erf``, ``Elu``, ``LeakyRelu`` or ``Softplus``, so
'elu', 'leaky_relu' and 'softplus' are written with elementary operators
(``Exp``, ``Log``, ``Max``, ``Min``, ...) in both types, and 'gelu' in float64
computes the normal CDF from ``Exp`` and a Chebyshev series instead of
``Erf``. The float64 logistic is also written out, since onnxruntime's loses
relative precision on small probabilities. See :doc:`/deploying`.

A classifier's graph has the outputs of scikit-learn's MLP converter:
``label`` and ``probabilities`` with the option ``{"zipmap": False}``, or
``output_label`` and ``output_probability`` (a list of dicts) by default. A
regressor's output is ``variable``, of shape ``(n_samples, n_outputs)``.
"""

import functools
import math

import numpy as np
from sklearn.utils.validation import check_is_fitted

try:
    from onnx import TensorProto
    from skl2onnx import update_registered_converter
    from skl2onnx.common.data_types import (
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
    )
    from skl2onnx.common.utils import (
        check_input_and_output_numbers,
        check_input_and_output_types,
    )
except ImportError as exc:  # pragma: no cover - the extra is not installed
    raise ImportError(
        "skbackprop.onnx needs skl2onnx; install the onnx extra, in a clone "
        'of skbackprop: pip install ".[onnx]"'
    ) from exc

# skl2onnx's own classifier parser adds the ZipMap step behind the 'zipmap'
# option; it has no public name, and rewriting it would drift from the
# converters of every other classifier.
from skl2onnx._parse import _parse_sklearn_classifier  # noqa: E402

from ._classifier import BackpropClassifier  # noqa: E402
from ._engine import (  # noqa: E402
    SELU_ALPHA,
    SELU_SCALE,
    CategoricalSpec,
    ColumnsSpec,
    OneHotSpec,
    PeriodicSpec,
    PiecewiseLinearSpec,
    ScaleSpec,
)
from ._regressor import BackpropRegressor  # noqa: E402

__all__ = ["register_converters"]

CLASSIFIER_ALIAS = "SkbackpropBackpropClassifier"
TWO_PI = 2 * math.pi  # as the engine writes it, so 2 pi w rounds the same
REGRESSOR_ALIAS = "SkbackpropBackpropRegressor"
_INPUT_TYPES = [FloatTensorType, DoubleTensorType, Int64TensorType]


class _Graph:
    """Adds nodes of one dtype to skl2onnx's container under unique names.

    Every method returns the name of the tensor it computes. Constants are
    stored in the graph's dtype, so that a float64 model exported as float32
    is rounded once, when it is written.
    """

    def __init__(self, scope, container, dtype):
        self.scope = scope
        self.container = container
        self.dtype = np.dtype(dtype)
        double = self.dtype == np.float64
        self.proto = TensorProto.DOUBLE if double else TensorProto.FLOAT

    def const(self, value, name="const"):
        value = np.asarray(value, dtype=self.dtype)
        tensor = self.scope.get_unique_variable_name(name)
        self.container.add_initializer(
            tensor, self.proto, list(value.shape), value.ravel()
        )
        return tensor

    def ints(self, value, name="index"):
        """An int64 constant: indices, shapes, axes."""
        value = np.asarray(value, dtype=np.int64)
        tensor = self.scope.get_unique_variable_name(name)
        self.container.add_initializer(
            tensor, TensorProto.INT64, list(value.shape), value.ravel().tolist()
        )
        return tensor

    def node(self, op_type, *inputs, out=None, **attrs):
        out = out or self.scope.get_unique_variable_name(op_type.lower())
        inputs = [x if isinstance(x, str) else self.const(x) for x in inputs]
        name = self.scope.get_unique_operator_name(op_type)
        self.container.add_node(op_type, inputs, out, name=name, **attrs)
        return out


# ------------------------------------------------------ hidden activations
# Each takes the graph and the name of Z and returns the name of A, computing
# what skbackprop/_engine/activations.py computes.
def _identity(g, Z):
    return Z


def _logistic(g, Z, out=None):
    if g.dtype == np.float32:
        return g.node("Sigmoid", Z, out=out)
    # onnxruntime's float64 Sigmoid is accurate to about 1e-16 absolute only,
    # a large relative error on a small probability: compute e^z / (1 + e^z)
    # for z < 0 and 1 / (1 + e^{-z}) otherwise, both from e^{-|z|}
    tail = g.node("Exp", g.node("Neg", g.node("Abs", Z)))
    denominator = g.node("Add", tail, 1.0)
    small = g.node("Div", tail, denominator)
    large = g.node("Reciprocal", denominator)
    return g.node("Where", g.node("Less", Z, 0.0), small, large, out=out)


def _tanh(g, Z):
    return g.node("Tanh", Z)


def _relu(g, Z):
    return g.node("Relu", Z)


def _leaky_relu(g, Z):
    # max(z, 0.01 z), the engine's formula; onnxruntime's LeakyRelu is float only
    return g.node("Max", Z, g.node("Mul", Z, 0.01))


def _elu(g, Z):
    # relu(z) + min(e^z - 1, 0): e^z - 1 for z < 0, z otherwise. An overflowing
    # e^z only reaches the min, as inf, which gives 0, never NaN.
    expm1 = g.node("Sub", g.node("Exp", Z), 1.0)
    return g.node("Add", g.node("Relu", Z), g.node("Min", expm1, 0.0))


def _softplus(g, Z):
    # log(1 + e^z) = max(z, 0) + log(1 + e^{-|z|}), which never overflows
    tail = g.node("Exp", g.node("Neg", g.node("Abs", Z)))
    return g.node("Add", g.node("Relu", Z), g.node("Log", g.node("Add", tail, 1.0)))


def _gelu(g, Z):
    # z Phi(z): Erf has a float kernel only, so float64 takes the series
    cdf = _normal_cdf_erf(g, Z) if g.dtype == np.float32 else _normal_cdf_series(g, Z)
    return g.node("Mul", Z, cdf)


def _silu(g, Z):
    return g.node("Mul", Z, _logistic(g, Z))


def _selu(g, Z):
    # lambda (relu(z) + alpha min(e^z - 1, 0)): elu's parts, scaled
    expm1 = g.node("Sub", g.node("Exp", Z), 1.0)
    negative = g.node("Mul", g.node("Min", expm1, 0.0), SELU_ALPHA)
    return g.node("Mul", g.node("Add", g.node("Relu", Z), negative), SELU_SCALE)


def _mish(g, Z):
    # z tanh(softplus(z))
    return g.node("Mul", Z, g.node("Tanh", _softplus(g, Z)))


HIDDEN_ACTIVATIONS = {
    "identity": _identity,
    "logistic": _logistic,
    "tanh": _tanh,
    "relu": _relu,
    "leaky_relu": _leaky_relu,
    "elu": _elu,
    "softplus": _softplus,
    "gelu": _gelu,
    "silu": _silu,
    "selu": _selu,
    "mish": _mish,
}


def _normal_cdf_erf(g, Z):
    """Phi(z) = (1 + erf(z / sqrt(2))) / 2, as the engine computes it."""
    erf = g.node("Erf", g.node("Mul", Z, math.sqrt(0.5)))
    return g.node("Mul", g.node("Add", erf, 1.0), 0.5)


@functools.cache
def _erfcx_chebyshev(degree=24):
    """Chebyshev coefficients of ``erfcx(a) = exp(a^2) erfc(a)`` on ``a >= 0``.

    In the variable ``y = 4 / (2 + a) - 1``, which maps ``[0, inf)`` onto
    ``(-1, 1]``, erfcx is smooth up to ``a = inf`` (``y = -1``), so degree
    24 interpolates it to a relative error near 1e-14 on the whole half-line.
    """
    from numpy.polynomial import chebyshev
    from scipy.special import erfcx

    def in_y(y):
        with np.errstate(divide="ignore"):
            return erfcx(4 / (y + 1) - 2)

    return chebyshev.chebinterpolate(in_y, degree)


def _normal_cdf_series(g, Z):
    """Phi(z) from ``Exp`` and a Chebyshev series, for graphs without Erf.

    .. math::

        \\Phi(-|z|) = \\tfrac12 \\operatorname{erfc}(a)
        = \\tfrac12 e^{-a^2} \\operatorname{erfcx}(a), \\qquad
        a = |z| / \\sqrt 2,

    and ``Phi(z) = 1 - Phi(-|z|)`` for ``z >= 0``. The small tail is computed
    directly, so its relative error stays near 1e-14 however far out z is.
    """
    a = g.node("Mul", g.node("Abs", Z), math.sqrt(0.5))
    y = g.node("Sub", g.node("Div", 4.0, g.node("Add", a, 2.0)), 1.0)
    series = _chebyshev_series(g, y, _erfcx_chebyshev())
    gauss = g.node("Exp", g.node("Neg", g.node("Mul", a, a)))
    tail = g.node("Mul", g.node("Mul", gauss, series), 0.5)
    negative = g.node("Less", Z, 0.0)
    return g.node("Where", negative, tail, g.node("Sub", 1.0, tail))


def _chebyshev_series(g, y, coefficients):
    """sum_k c_k T_k(y) by Clenshaw's recurrence, as nodes of the graph.

    The pair ``(c0, c1)`` starts as the last two coefficients and steps down
    with ``(c_k - c1, c0 + 2 y c1)``; the sum is then ``c0 + y c1``. The first
    step, on constants only, is folded here.
    """
    c = [float(x) for x in coefficients]
    two_y = g.node("Mul", y, 2.0)
    c0, c1 = c[-2], c[-1]
    for ck in reversed(c[:-2]):
        step = ck - c1 if isinstance(c1, float) else g.node("Sub", ck, c1)
        c0, c1 = step, g.node("Add", g.node("Mul", two_y, c1), c0)
    return g.node("Add", g.node("Mul", y, c1), c0)


# ------------------------------------------------------- output activations
OUTPUT_ACTIVATIONS = {
    "identity": lambda g, Z, out: g.node("Identity", Z, out=out),
    "logistic": _logistic,
    "softmax": lambda g, Z, out: g.node("Softmax", Z, out=out, axis=1),
    "exp": lambda g, Z, out: g.node("Exp", Z, out=out),
}


# ------------------------------------------------------------ front layers
# Each takes the graph, a spec of skbackprop/_engine/embeddings.py, its
# parameters (the spec's share of front_params_) and the name of its (n, n_in)
# input, and returns the name of its (n, n_out) output, computing what the
# layer the spec builds computes.
def _scale(g, spec, params, X):
    (s,) = params
    return g.node("Mul", X, g.const(s, "front_scale"))  # (n, d) * (d,)


def _per_feature(g, X, n_features):
    """(n, d) -> (n, d, 1): each number on its own row of a feature's block."""
    return g.node("Reshape", X, g.ints([-1, n_features, 1], "shape"))


def _flat(g, A, width):
    """(n, d, t) -> (n, d t), feature j's outputs side by side as the engine
    writes them."""
    return g.node("Reshape", A, g.ints([-1, width], "shape"))


def _periodic(g, spec, params, X):
    # u = 2 pi w x + b, v = cos u, e = v M + c, out [x_j, e_j] per feature
    _require_opset(g, 12, "Einsum", "a periodic numeric_embedding")
    w, b, M, c = params
    d = spec.n_in
    x = _per_feature(g, X, d)  # (n, d, 1)
    # 2 pi w rounded in the model's dtype, as the engine computes it
    U = g.node("Add", g.node("Mul", x, g.const(TWO_PI * w, "frequency")), g.const(b))
    E = g.node("Einsum", g.node("Cos", U), g.const(M, "map"), equation="ndk,dkm->ndm")
    E = g.node("Add", E, g.const(c, "map_bias"))  # (n, d, m)
    return _flat(g, g.node("Concat", x, E, axis=2), spec.n_out)


def _piecewise_linear(g, spec, params, X):
    # r = (x - e_{t-1}) / width_t, clipped into [0, 1] except below the first
    # bin and above the last; a bin of zero width has inv_width 0 (r = 0)
    layer = spec.build(params)  # the engine's own left edges and inverse widths
    R = g.node("Sub", _per_feature(g, X, spec.n_in), g.const(layer.left, "left"))
    R = g.node("Mul", R, g.const(layer.inv_width, "inv_width"))  # (n, d, T)
    R = g.node("Max", R, g.const(layer.low, "low"))
    return _flat(g, g.node("Min", R, g.const(layer.high, "high")), spec.n_out)


def _one_hot(g, spec, params, X):
    # [x_j = l] for l = 1..n_j: equality with an integer level is False for
    # NaN, a fraction or an unknown code, so they set no indicator, as
    # category_codes maps them to 0
    n_levels = np.asarray(spec.n_levels)
    columns = np.repeat(np.arange(len(n_levels)), n_levels)  # (sum n_j,)
    levels = np.concatenate([np.arange(1, n + 1) for n in n_levels])
    repeated = g.node("Gather", X, g.ints(columns), axis=1)  # (n, sum n_j)
    return g.node("Cast", g.node("Equal", repeated, g.const(levels)), to=g.proto)


def _categorical(g, spec, params, X):
    # row o_j + code of the stacked table; unknown and missing codes are 0
    _require_opset(g, 12, "GreaterOrEqual", "embedded categories")
    layer = spec.build(params)
    n_levels = g.const(layer.n_levels, "n_levels")
    known = g.node(
        "And",
        g.node("GreaterOrEqual", X, 1.0),
        g.node("LessOrEqual", X, n_levels),
    )
    known = g.node("And", known, g.node("Equal", X, g.node("Floor", X)))  # NaN: False
    codes = g.node("Cast", g.node("Where", known, X, 0.0), to=TensorProto.INT64)
    rows = g.node("Add", codes, g.ints(layer.offsets, "offsets"))  # (n, c)
    table = g.const(layer.table, "embedding")
    return _flat(g, g.node("Gather", table, rows, axis=0), spec.n_out)


def _require_opset(g, opset, op_type, what):
    # skl2onnx's own error names the operator only, not the model's cause
    if g.container.target_opset < opset:
        raise RuntimeError(
            f"The ONNX graph of {what} needs {op_type}, an operator of opset "
            f"{opset}; got target_opset={g.container.target_opset}. Pass "
            f"target_opset={opset} or more (or None, the latest) to convert it."
        )


def _columns(g, spec, params, X):
    # each group's layer on its columns, side by side, then the passthrough
    specs = [item for _, item in spec.items]
    parts = []
    for (indices, _), (item, item_params) in zip(spec.items, _split(specs, params)):
        columns = g.node("Gather", X, g.ints(indices), axis=1)  # (n, len(indices))
        parts.append(_front_layer(g, item, item_params, columns))
    if spec.passthrough:
        parts.append(g.node("Gather", X, g.ints(spec.passthrough), axis=1))
    return g.node("Concat", *parts, axis=1) if len(parts) > 1 else parts[0]


FRONT_LAYERS = {
    ScaleSpec: _scale,
    PeriodicSpec: _periodic,
    PiecewiseLinearSpec: _piecewise_linear,
    OneHotSpec: _one_hot,
    CategoricalSpec: _categorical,
    ColumnsSpec: _columns,
}


def _split(specs, params):
    """Each spec with its parameters: ``len(spec.shapes)`` consecutive arrays
    of the flat list ``params``, as the engine hands them out."""
    start = 0
    for spec in specs:
        stop = start + len(spec.shapes)
        yield spec, params[start:stop]
        start = stop


def _front_layer(g, spec, params, X):
    if type(spec) not in FRONT_LAYERS:
        raise NotImplementedError(
            f"skbackprop.onnx cannot convert a front layer {type(spec).__name__}; "
            f"it converts {sorted(cls.__name__ for cls in FRONT_LAYERS)}."
        )
    return FRONT_LAYERS[type(spec)](g, spec, params, X)


def _front(g, specs, params, X):
    """The front's output: ``specs`` applied in order before the first layer."""
    for spec, spec_params in _split(specs, params):
        X = _front_layer(g, spec, spec_params, X)
    return X


# ----------------------------------------------------------------- network
def _parametric(hidden, alpha):
    """``A = Z + alpha (f(Z) - Z)``, the engine's ParametricActivation."""

    def activation(g, Z):
        D = g.node("Sub", hidden(g, Z), Z)
        return g.node("Add", g.node("Mul", D, g.const(alpha, "alpha")), Z)

    return activation


def _forward(g, model, X, out=None):
    """The network's output: the front, then affine layers with the hidden
    activation (parametric or not) between them."""
    hidden = _lookup(HIDDEN_ACTIVATIONS, model.activation, "activation")
    link = _lookup(OUTPUT_ACTIVATIONS, model.out_activation_, "out_activation_")
    activations = [hidden] * (len(model.coefs_) - 1)
    if len(model.activation_params_):
        activations = [_parametric(hidden, a) for a in model.activation_params_]
    A = _front(g, model._front, model.front_params_, X)
    for W, b, activation in zip(model.coefs_, model.intercepts_, activations):
        A = activation(g, _affine(g, A, W, b))
    return link(g, _affine(g, A, model.coefs_[-1], model.intercepts_[-1]), out)


def _affine(g, A, W, b):
    return g.node("Add", g.node("MatMul", A, g.const(W, "coef")), g.const(b, "bias"))


def _lookup(registry, name, attribute):
    if name not in registry:
        raise NotImplementedError(
            f"skbackprop.onnx cannot convert a network with {attribute}={name!r}; "
            f"it converts {sorted(registry)}."
        )
    return registry[name]


def _graph_input(scope, operator, container):
    """The graph of the operator's dtype and its input, cast to that dtype."""
    input_type = operator.inputs[0].type
    dtype = np.float64 if isinstance(input_type, DoubleTensorType) else np.float32
    g = _Graph(scope, container, dtype)
    X = operator.inputs[0].full_name
    if not isinstance(input_type, (FloatTensorType, DoubleTensorType)):
        X = g.node("Cast", X, to=g.proto)
    return g, X


# ------------------------------------------------------------- classifier
def _label_classes(operator):
    """``classes_`` as the int64 or UTF-8 array of the label output.

    With the option ``nocl`` the labels are the class indices instead.
    """
    model = operator.raw_operator
    classes = np.asarray(model.classes_)
    if operator.scope_inst.get_options(model, {"nocl": False})["nocl"]:
        return np.arange(len(classes), dtype=np.int64), Int64TensorType
    if classes.dtype.kind in "iub" or (
        classes.dtype.kind == "f" and np.all(classes == np.round(classes))
    ):
        return classes.astype(np.int64), Int64TensorType
    if classes.dtype.kind in "OU" and all(isinstance(c, str) for c in classes):
        return np.array([c.encode("utf-8") for c in classes]), StringTensorType
    raise ValueError(
        "skbackprop.onnx exports integer or string class labels; classes_ holds "
        f"{classes.dtype} values such as {classes[:3].tolist()}. Encode the "
        "labels as integers (sklearn.preprocessing.LabelEncoder) to export, or "
        "pass options={'nocl': True} for class indices as labels."
    )


def _is_multilabel(model):
    # binary targets have one logistic output, multilabel ones one per label
    return model.out_activation_ == "logistic" and model.n_outputs_ > 1


def _parse_classifier(scope, model, inputs, custom_parsers=None):
    check_is_fitted(model)
    return _parse_sklearn_classifier(scope, model, inputs, custom_parsers)


def _check_model_input(operator):
    model = operator.raw_operator
    check_is_fitted(model)
    _check_no_table_encoder(model)
    check_input_and_output_types(operator, good_input_types=_INPUT_TYPES)
    shape = operator.inputs[0].type.shape
    if len(shape) == 2 and isinstance(shape[1], int):
        if shape[1] != model.n_features_in_:
            raise ValueError(
                f"X has {shape[1]} features, but {type(model).__name__} was "
                f"fitted with {model.n_features_in_} features."
            )
    return model, operator.inputs[0].get_first_dimension()


def _check_no_table_encoder(model):
    """Refuse a model that encodes its raw table itself: ordinal codes of
    strings, imputation and indicators have no ONNX graph here."""
    if model._inputs is None:
        return
    defaults = {
        "categorical_features": None,
        "missing_values": "error",
        "feature_scaling": None,
    }
    given = ", ".join(
        f"{name}={getattr(model, name)!r}"
        for name, default in defaults.items()
        if getattr(model, name) != default
    )  # empty when set back with set_params since the fit
    given = given or "a table encoder"
    raise NotImplementedError(
        f"skbackprop.onnx cannot convert a {type(model).__name__} fitted with "
        f"{given}: it encodes the raw table itself (category codes, imputation, "
        "scaling), which has no ONNX converter. Encode the table in a Pipeline "
        "instead, which skl2onnx converts: a ColumnTransformer with "
        "OneHotEncoder(handle_unknown='ignore') for the categories and "
        "SimpleImputer and StandardScaler for the numbers, in front of a "
        "network fitted with categorical_features=None, missing_values='error' "
        "and feature_scaling=None (numeric_embedding, front_scale and "
        "parametric_activation convert)."
    )


def _output_type(operator):
    if isinstance(operator.inputs[0].type, DoubleTensorType):
        return DoubleTensorType
    return FloatTensorType


def _classifier_shapes(operator):
    """Output types: ``label`` (N,) or (N, n_labels), ``probabilities``."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=2)
    model, N = _check_model_input(operator)
    n_classes = len(model.classes_)
    if _is_multilabel(model):
        operator.outputs[0].type = Int64TensorType([N, n_classes])
    else:
        _, label_type = _label_classes(operator)
        operator.outputs[0].type = label_type([N])
    operator.outputs[1].type = _output_type(operator)([N, n_classes])


def _convert_classifier(scope, operator, container):
    model = operator.raw_operator
    g, X = _graph_input(scope, operator, container)
    label, proba = (variable.full_name for variable in operator.outputs)
    if model.out_activation_ == "logistic" and model.n_outputs_ == 1:
        P = _forward(g, model, X)  # (n, 1): the probability of classes_[1]
        g.node("Concat", g.node("Sub", 1.0, P), P, out=proba, axis=1)
    else:
        P = _forward(g, model, X, out=proba)
    if _is_multilabel(model):
        g.node("Cast", g.node("Greater", P, 0.5), out=label, to=TensorProto.INT64)
        return
    classes, label_type = _label_classes(operator)
    proto = TensorProto.INT64 if label_type is Int64TensorType else TensorProto.STRING
    classes_name = scope.get_unique_variable_name("classes")
    container.add_initializer(classes_name, proto, [len(classes)], classes.tolist())
    index = g.node("ArgMax", proba, axis=1, keepdims=0)  # (n,)
    g.node("Gather", classes_name, index, out=label, axis=0)


# -------------------------------------------------------------- regressor
def _regressor_shapes(operator):
    """Output type: ``variable`` of shape (N, n_outputs)."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    model, N = _check_model_input(operator)
    operator.outputs[0].type = _output_type(operator)([N, model.n_outputs_])


def _convert_regressor(scope, operator, container):
    model = operator.raw_operator
    g, X = _graph_input(scope, operator, container)
    _decode(g, model._targets(), _forward(g, model, X), operator.outputs[0].full_name)


def _decode(g, targets, P, out):
    """The predictions of outputs ``P``, as ValueTargets.decode computes them:
    ``P sigma + mu`` with standardised targets, then clipped into the
    training targets' range when asked."""
    if targets.scaling == "standard":
        P = g.node("Mul", P, g.const(targets.stats["scale"], "target_scale"))
        P = g.node("Add", P, g.const(targets.stats["mean"], "target_mean"))
    if targets.clip:
        P = g.node("Max", P, g.const(targets.stats["low"], "target_low"))
        P = g.node("Min", P, g.const(targets.stats["high"], "target_high"))
    return g.node("Identity", P, out=out)


def register_converters():
    """Register the estimators' ONNX converters with skl2onnx.

    Importing :mod:`skbackprop.onnx` calls this function, so it needs calling
    again only after something else has registered other converters for the
    same classes. Registering twice is harmless.

    Examples
    --------
    >>> import numpy as np
    >>> import skl2onnx
    >>> from onnxruntime import InferenceSession
    >>> from sklearn.datasets import make_classification
    >>> from skbackprop import BackpropClassifier
    >>> from skbackprop.onnx import register_converters
    >>> register_converters()  # the import has already done it
    >>> X, y = make_classification(n_samples=100, random_state=0)
    >>> X = X.astype(np.float32)
    >>> clf = BackpropClassifier(activation="gelu", max_iter=500,
    ...                          random_state=0).fit(X, y)
    >>> onx = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
    >>> session = InferenceSession(onx.SerializeToString(),
    ...                            providers=["CPUExecutionProvider"])
    >>> label, proba = session.run(None, {"X": X})
    >>> bool(np.abs(proba - clf.predict_proba(X)).max() < 1e-5)
    True
    >>> bool((label == clf.predict(X)).all())
    True
    """
    update_registered_converter(
        BackpropClassifier,
        CLASSIFIER_ALIAS,
        _classifier_shapes,
        _convert_classifier,
        parser=_parse_classifier,
        options={"zipmap": [True, False, "columns"], "nocl": [False, True]},
    )
    update_registered_converter(
        BackpropRegressor, REGRESSOR_ALIAS, _regressor_shapes, _convert_regressor
    )


register_converters()
