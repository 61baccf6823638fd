"""ONNX export (skbackprop.onnx): onnxruntime on the exported graphs against
``predict`` and ``predict_proba``."""

import re
import subprocess
import sys

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import NotFittedError
from sklearn.impute import SimpleImputer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skbackprop import BackpropClassifier, BackpropRegressor
from skbackprop._engine import embeddings
from skbackprop._engine.activations import ACTIVATIONS
from skbackprop._engine.embeddings import (
    CategoricalSpec,
    ColumnsSpec,
    OneHotSpec,
    PeriodicSpec,
    PiecewiseLinearSpec,
    ScaleSpec,
    build_layers,
    quantile_bin_edges,
)
from skbackprop._engine.losses import OUT_ACTIVATIONS
from skbackprop._engine.network import forward_layers

skl2onnx = pytest.importorskip("skl2onnx", reason="the 'onnx' extra is not installed")
ort = pytest.importorskip("onnxruntime", reason="the 'onnx' extra is not installed")
skbackprop_onnx = pytest.importorskip("skbackprop.onnx")
onnx = pytest.importorskip("onnx")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

DTYPES = [np.float32, np.float64]


def run(onx, X):
    """Every output of the graph on X, by name."""
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    names = [output.name for output in session.get_outputs()]
    return dict(zip(names, session.run(None, {session.get_inputs()[0].name: X})))


def assert_close(actual, expected, dtype):
    """float32 within 1e-5 (relative above 1), float64 within 1e-9 relative."""
    assert actual.dtype == dtype
    if dtype == np.float32:
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)
    else:
        np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=0)


def classification(kind, dtype, labels=None):
    if kind == "multilabel":
        X, Y = make_multilabel_classification(
            n_samples=80, n_features=6, n_classes=3, random_state=0
        )
        return X.astype(dtype), Y
    n_classes = 2 if kind == "binary" else 3
    X, y = make_classification(
        n_samples=80,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        random_state=0,
    )
    if labels is not None:
        y = np.asarray(labels)[y]
    return X.astype(dtype), y


def fit_classifier(kind, dtype, activation="tanh", labels=None):
    X, y = classification(kind, dtype, labels)
    clf = BackpropClassifier(
        hidden_layer_sizes=(7, 5), activation=activation, max_iter=20, random_state=0
    )
    return clf.fit(X, y), X


def test_converters_cover_every_activation():
    assert set(skbackprop_onnx.HIDDEN_ACTIVATIONS) == set(ACTIVATIONS)
    assert set(skbackprop_onnx.OUTPUT_ACTIVATIONS) == set(OUT_ACTIVATIONS)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_classifier_matches_predict_proba(activation, kind, dtype):
    clf, X = fit_classifier(kind, dtype, activation)
    assert clf.coefs_[0].dtype == dtype
    onx = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
    out = run(onx, X)
    assert_close(out["probabilities"], clf.predict_proba(X), dtype)
    np.testing.assert_array_equal(out["label"], clf.predict(X))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_regressor_matches_predict(activation, loss, n_outputs, dtype):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5)).astype(dtype)
    y = np.exp(X[:, :n_outputs] / 3) + rng.uniform(size=(60, n_outputs))
    reg = BackpropRegressor(
        hidden_layer_sizes=(6, 4),
        activation=activation,
        loss=loss,
        max_iter=20,
        random_state=0,
    ).fit(X, y.squeeze())
    assert reg.out_activation_ == ("exp" if loss == "poisson" else "identity")
    out = run(skl2onnx.to_onnx(reg, X[:1]), X)["variable"]
    assert out.shape == (len(X), n_outputs)
    assert_close(out, reg.predict(X).reshape(len(X), -1), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_activation_over_a_wide_range(activation, dtype):
    # one hidden unit between unit weights: the network's output is the
    # activation itself, from far in the negative tail to overflow territory
    z = np.concatenate([np.linspace(-60, 60, 241), [-1e-8, 1e-8, 0.0, 1e-300]])
    X = z.astype(dtype)[:, np.newaxis]
    reg = BackpropRegressor(
        hidden_layer_sizes=(1,), activation=activation, max_iter=1, random_state=0
    ).fit(X, z)
    reg.coefs_ = [np.ones((1, 1), dtype), np.ones((1, 1), dtype)]
    reg.intercepts_ = [np.zeros(1, dtype), np.zeros(1, dtype)]
    out = run(skl2onnx.to_onnx(reg, X[:1]), X)["variable"].ravel()
    expected = reg.predict(X)
    assert np.isfinite(out).all()
    if dtype == np.float32:
        np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-6)
    else:
        # the engine's own rounding near the tails is ~1e-16 absolute
        np.testing.assert_allclose(out, expected, rtol=1e-9, atol=1e-14)


def test_gelu_float64_tail_is_relatively_exact():
    # the float64 graph computes Phi(z) for z < 0 without cancellation
    from scipy.special import ndtr

    z = -np.geomspace(1e-6, 30, 200)
    X = z[:, np.newaxis]
    reg = BackpropRegressor(
        hidden_layer_sizes=(1,), activation="gelu", max_iter=1, random_state=0
    ).fit(X, z)
    reg.coefs_ = [np.ones((1, 1)), np.ones((1, 1))]
    reg.intercepts_ = [np.zeros(1), np.zeros(1)]
    out = run(skl2onnx.to_onnx(reg, X[:1]), X)["variable"].ravel()
    np.testing.assert_allclose(out, z * ndtr(z), rtol=1e-12)


@pytest.mark.parametrize(
    "labels",
    [["no", "yes", "maybe"], [-1, 3, 7], [1.0, 2.0, 5.0], ["ab", "é", "c d"]],
)
def test_label_types(labels):
    clf, X = fit_classifier("multiclass", np.float64, labels=labels)
    out = run(skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False}), X)
    expected = clf.predict(X)
    if expected.dtype.kind in "OU":
        np.testing.assert_array_equal(out["label"], expected.astype(str))
    else:
        assert out["label"].dtype == np.int64
        np.testing.assert_array_equal(out["label"], expected)


def test_boolean_labels():
    clf, X = fit_classifier("binary", np.float32, labels=[False, True])
    out = run(skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False}), X)
    np.testing.assert_array_equal(out["label"], clf.predict(X).astype(np.int64))


def test_non_integral_float_labels_raise():
    # fit refuses such labels (a continuous target); a model whose classes_
    # were set by hand gets a clear error rather than rounded labels
    clf, X = fit_classifier("binary", np.float64)
    clf.classes_ = np.array([0.5, 1.5])
    with pytest.raises(ValueError, match="integer or string class labels"):
        skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})


@pytest.mark.parametrize("zipmap", [False, True])
def test_nocl_gives_class_indices(zipmap):
    clf, X = fit_classifier("multiclass", np.float32, labels=["x", "y", "z"])
    onx = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": zipmap, "nocl": True})
    out = run(onx, X)
    label = out["label" if not zipmap else "output_label"]
    np.testing.assert_array_equal(clf.classes_[label], clf.predict(X))


@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_zipmap_output_by_default(kind):
    clf, X = fit_classifier(
        kind, np.float32, labels=["a", "b", "c"][: 2 + (kind != "binary")]
    )
    out = run(skl2onnx.to_onnx(clf, X[:1]), X)
    assert set(out) == {"output_label", "output_probability"}
    proba = clf.predict_proba(X)
    for row, expected in zip(out["output_probability"], proba):
        assert list(row) == list(clf.classes_)
        np.testing.assert_allclose(list(row.values()), expected, atol=1e-5)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_pipeline(Estimator, dtype):
    X, y = classification("multiclass", dtype)
    pipe = make_pipeline(
        StandardScaler(),
        Estimator(
            hidden_layer_sizes=(6,), activation="gelu", max_iter=20, random_state=0
        ),
    ).fit(X, y)
    options = (
        {id(pipe[-1]): {"zipmap": False}} if Estimator is BackpropClassifier else None
    )
    out = run(skl2onnx.to_onnx(pipe, X[:1], options=options), X)
    if Estimator is BackpropClassifier:
        assert_close(out["probabilities"], pipe.predict_proba(X), dtype)
        np.testing.assert_array_equal(out["label"], pipe.predict(X))
    else:
        assert_close(out["variable"].ravel(), pipe.predict(X), dtype)


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_grid_search(Estimator):
    # skl2onnx converts a search through its best_estimator_
    X, y = classification("multiclass", np.float32)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), Estimator(max_iter=10, random_state=0)),
        {f"{Estimator.__name__.lower()}__alpha": [1e-4, 1e-1]},
        cv=2,
    ).fit(X, y)
    options = {Estimator: {"zipmap": False}} if Estimator is BackpropClassifier else {}
    out = run(skl2onnx.to_onnx(search, X[:1], options=options), X)
    if Estimator is BackpropClassifier:
        assert_close(out["probabilities"], search.predict_proba(X), np.float32)
    else:
        assert_close(out["variable"].ravel(), search.predict(X), np.float32)


@pytest.mark.parametrize(
    "model_dtype, graph_dtype", [(np.float64, np.float32), (np.float32, np.float64)]
)
def test_graph_dtype_follows_input(model_dtype, graph_dtype):
    clf, X = fit_classifier("multiclass", model_dtype, "silu")
    onx = skl2onnx.to_onnx(clf, X[:1].astype(graph_dtype), options={"zipmap": False})
    proba = run(onx, X.astype(graph_dtype))["probabilities"]
    assert proba.dtype == graph_dtype
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5)


def test_batches_of_any_size():
    clf, X = fit_classifier("multiclass", np.float32)
    onx = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
    for n in (1, 7, len(X)):
        assert run(onx, X[:n])["probabilities"].shape == (n, 3)


def test_integer_input_is_cast():
    clf, X = fit_classifier("multiclass", np.float64)
    Xi = np.round(X * 3).astype(np.int64)
    out = run(skl2onnx.to_onnx(clf, Xi[:1], options={"zipmap": False}), Xi)
    assert_close(
        out["probabilities"], clf.predict_proba(Xi.astype(np.float32)), np.float32
    )


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_unfitted_model_raises(Estimator):
    X = np.zeros((1, 3), dtype=np.float32)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        skl2onnx.to_onnx(Estimator(), X)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        skl2onnx.to_onnx(make_pipeline(StandardScaler().fit(X), Estimator()), X)


def test_wrong_number_of_features_raises():
    clf, X = fit_classifier("binary", np.float32)
    with pytest.raises(ValueError, match="X has 4 features, but BackpropClassifier"):
        skl2onnx.to_onnx(clf, X[:1, :4])


def test_unsupported_option_raises():
    clf, X = fit_classifier("binary", np.float32)
    with pytest.raises(NameError, match="raw_scores"):
        skl2onnx.to_onnx(clf, X[:1], options={"raw_scores": True})


def test_unknown_activation_raises():
    clf, X = fit_classifier("binary", np.float32)
    clf.activation = "swish"
    with pytest.raises(NotImplementedError, match="activation='swish'"):
        skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})


def test_register_converters_twice():
    clf, X = fit_classifier("binary", np.float32)
    skbackprop_onnx.register_converters()
    skbackprop_onnx.register_converters()
    out = run(skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False}), X)
    np.testing.assert_array_equal(out["label"], clf.predict(X))


# ------------------------------------------------------ the table front
# Networks fitted with the numeric ingredients, compared on data reaching
# beyond the training range (the piecewise-linear outer bins extrapolate, the
# clipped regressor clips).
INGREDIENTS = {
    "periodic": dict(numeric_embedding="periodic"),
    "piecewise_linear": dict(numeric_embedding="piecewise_linear"),
    "front_scale": dict(front_scale=True),
    "parametric_selu": dict(parametric_activation=True, activation="selu"),
    "parametric_mish": dict(parametric_activation=True, activation="mish"),
    "everything": dict(
        numeric_embedding="periodic",
        front_scale=True,
        parametric_activation=True,
        data_init=True,
    ),
}
TARGETS = {
    "standard": dict(target_scaling="standard"),
    "clip": dict(clip_predictions=True),
    "standard_clip": dict(target_scaling="standard", clip_predictions=True),
}


def table(dtype, n_outputs=1):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4)).astype(dtype)
    y = 50 + 10 * np.sin(2 * X[:, :n_outputs]) + X[:, 1:2]
    X_test = np.vstack([X, 3 * X[:20]]).astype(dtype)
    return X, y.squeeze(), X_test


def fit_tabular(Estimator, dtype, n_outputs=1, **params):
    X, y, X_test = table(dtype, n_outputs)
    if Estimator is BackpropClassifier:
        y = np.digitize(y if y.ndim == 1 else y[:, 0], [45, 50, 55])
    params = {"hidden_layer_sizes": (7, 5), "max_iter": 20, **params}
    return Estimator(random_state=0, **params).fit(X, y), X_test


def test_front_converters_cover_every_front_layer():
    specs = {cls for name, cls in vars(embeddings).items() if name.endswith("Spec")}
    assert set(skbackprop_onnx.FRONT_LAYERS) == specs


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ingredient", sorted(INGREDIENTS))
def test_classifier_with_ingredient(ingredient, dtype):
    clf, X = fit_tabular(BackpropClassifier, dtype, **INGREDIENTS[ingredient])
    assert len(clf._front) or len(clf.activation_params_)
    out = run(skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False}), X)
    assert_close(out["probabilities"], clf.predict_proba(X), dtype)
    np.testing.assert_array_equal(out["label"], clf.predict(X))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ingredient", sorted(INGREDIENTS))
def test_regressor_with_ingredient(ingredient, dtype):
    reg, X = fit_tabular(BackpropRegressor, dtype, **INGREDIENTS[ingredient])
    out = run(skl2onnx.to_onnx(reg, X[:1]), X)["variable"]
    assert_close(out.ravel(), reg.predict(X), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.parametrize("targets", sorted(TARGETS))
def test_regressor_target_scaling_and_clipping(targets, n_outputs, dtype):
    reg, X = fit_tabular(
        BackpropRegressor,
        dtype,
        n_outputs,
        numeric_embedding="piecewise_linear",
        **TARGETS[targets],
    )
    expected = reg.predict(X).reshape(len(X), -1)
    if reg.clip_predictions:  # some predictions are clipped
        bounds = [reg._target_stats[b].astype(dtype) for b in ("low", "high")]
        assert np.isin(expected, bounds).any()
    out = run(skl2onnx.to_onnx(reg, X[:1]), X)["variable"]
    assert out.shape == (len(X), n_outputs)
    assert_close(out, expected, dtype)


def test_float64_front_exported_as_float32():
    reg, X = fit_tabular(
        BackpropRegressor, np.float64, numeric_embedding="periodic", front_scale=True
    )
    onx = skl2onnx.to_onnx(reg, X[:1].astype(np.float32))
    out = run(onx, X.astype(np.float32))["variable"].ravel()
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, reg.predict(X), rtol=1e-5)


@pytest.mark.parametrize(
    "params, named",
    [
        ({"missing_values": "impute"}, "missing_values='impute'"),
        ({"feature_scaling": "robust_smooth_clip"}, "feature_scaling="),
        ({"categorical_features": [0]}, "categorical_features=[0]"),
    ],
)
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_table_encoder_is_refused(Estimator, params, named):
    X, y = classification("binary", np.float64)
    X[:, 0] = np.arange(len(X)) % 3  # codes of a category
    if "missing_values" in params:
        X[::7, 1] = np.nan
    model = Estimator(max_iter=2, random_state=0, **params).fit(X, y)
    assert model._inputs is not None
    with pytest.raises(NotImplementedError, match=re.escape(named)) as info:
        skl2onnx.to_onnx(model, X[:1])
    assert "ColumnTransformer" in str(info.value)


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_table_encoded_in_a_pipeline(Estimator):
    # the route the refusal above points to: the table encoded by converted
    # sklearn steps, the recipe's network on the matrix they make
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=80).astype(np.float32),
            "b": rng.normal(size=80).astype(np.float32),
            "c": rng.choice(["x", "y", "z"], 80),
        }
    )
    X.loc[::7, "b"] = np.nan
    y = (X["a"] + (X["c"] == "x") > 0.3).astype(int)
    network = Estimator.tabular(
        categorical_features=None,
        missing_values="error",
        feature_scaling=None,
        hidden_layer_sizes=(8,),
        batch_size=16,
        max_iter=5,
        random_state=0,
    )
    encoder = ColumnTransformer(
        [
            ("categories", OneHotEncoder(handle_unknown="ignore"), ["c"]),
            ("numbers", make_pipeline(SimpleImputer(), StandardScaler()), ["a", "b"]),
        ]
    )
    pipe = make_pipeline(encoder, network).fit(X, y)
    options = (
        {id(network): {"zipmap": False}} if Estimator is BackpropClassifier else {}
    )
    onx = skl2onnx.to_onnx(pipe, X[:1], options=options)
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    columns = {name: X[[name]].to_numpy() for name in X.columns}
    outputs = session.run(None, {**columns, "c": columns["c"].astype(object)})
    if Estimator is BackpropClassifier:
        assert_close(outputs[1], pipe.predict_proba(X), np.float32)
        np.testing.assert_array_equal(outputs[0], pipe.predict(X))
    else:
        assert_close(outputs[0].ravel(), pipe.predict(X), np.float32)


# Front layers one by one against the engine: each converter's graph alone,
# on inputs the estimators never pass (NaN and unknown category codes).
class _Scope:
    """The two naming methods of skl2onnx's scope that _Graph uses."""

    def __init__(self):
        self.count = 0

    def get_unique_variable_name(self, name):
        self.count += 1
        return f"{name}_{self.count}"

    get_unique_operator_name = get_unique_variable_name


class _Container:
    """The two methods of skl2onnx's container that _Graph uses, collecting
    an onnx graph."""

    target_opset = 17

    def __init__(self):
        self.nodes, self.initializers = [], []

    def add_initializer(self, name, proto, shape, values):
        self.initializers.append(onnx.helper.make_tensor(name, proto, shape, values))

    def add_node(self, op_type, inputs, output, name, **attrs):
        node = onnx.helper.make_node(op_type, inputs, [output], name=name, **attrs)
        self.nodes.append(node)


def front_graph(specs, params, n_in, dtype):
    """An onnx model of the front ``specs``: input X (n, n_in), output A."""
    scope, container = _Scope(), _Container()
    g = skbackprop_onnx._Graph(scope, container, dtype)
    A = skbackprop_onnx._front(g, specs, params, "X")
    A = g.node("Identity", A, out="A")
    inputs = [onnx.helper.make_tensor_value_info("X", g.proto, [None, n_in])]
    outputs = [onnx.helper.make_tensor_value_info("A", g.proto, None)]
    graph = onnx.helper.make_graph(
        container.nodes, "front", inputs, outputs, container.initializers
    )
    return onnx.helper.make_model(
        graph, opset_imports=[onnx.helper.make_opsetid("", 17)]
    )


def assert_front_matches_engine(specs, X, seed=0):
    dtype = X.dtype.type
    rng = np.random.default_rng(seed)
    params = [a for spec in specs for a in spec.init(rng, dtype)]
    # random values everywhere, not the initial ones (scales of 1, zero biases)
    params = [rng.normal(size=p.shape).astype(dtype) for p in params]
    expected, _ = forward_layers(build_layers(specs, params), X)
    onx = front_graph(specs, params, X.shape[1], dtype)
    out = run(onx, X)["A"]
    assert out.shape == expected.shape == (len(X), specs[-1].n_out)
    assert_close(out, expected, dtype)
    return out


def codes(n_levels, dtype):
    """Codes of columns with ``n_levels`` categories: every known one, and 0,
    too large, fractional, negative, NaN and infinite ones (all unknown)."""
    unknown = [0.0, 99.0, 1.5, -1.0, np.nan, np.inf]
    columns = [
        np.r_[np.arange(1, n + 1), unknown, np.arange(n, 0, -1)] for n in n_levels
    ]
    width = max(len(c) for c in columns)
    return np.stack([np.resize(c, width) for c in columns], axis=1).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_one_hot_graph(dtype):
    spec = OneHotSpec((3, 1, 12))
    X = codes(spec.n_levels, dtype)
    out = assert_front_matches_engine([spec], X)
    assert out.sum() == np.isin(X, np.arange(1, 13)).sum()  # one per known code


@pytest.mark.parametrize("dtype", DTYPES)
def test_categorical_embedding_graph(dtype):
    spec = CategoricalSpec((3, 1, 12), dim=4)
    assert_front_matches_engine([spec], codes(spec.n_levels, dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_periodic_graph(dtype):
    rng = np.random.default_rng(1)
    X = rng.normal(scale=3, size=(30, 3)).astype(dtype)
    assert_front_matches_engine([PeriodicSpec(3, n_frequencies=5, n_dims=2)], X)


@pytest.mark.parametrize("dtype", DTYPES)
def test_piecewise_linear_graph(dtype):
    # ties (zero-width bins), a constant column, and test values below, in
    # and above the training range
    rng = np.random.default_rng(2)
    train = np.c_[rng.normal(size=40), np.round(rng.normal(size=40)), np.ones(40)]
    edges = quantile_bin_edges(train, 8)
    assert (np.diff(edges, axis=1) == 0).any()
    X = np.vstack([train, 5 * train - 1, train.min(0) - 2]).astype(dtype)
    assert_front_matches_engine([PiecewiseLinearSpec(edges)], X)


@pytest.mark.parametrize("dtype", DTYPES)
def test_scale_graph(dtype):
    X = np.random.default_rng(3).normal(size=(10, 4)).astype(dtype)
    assert_front_matches_engine([ScaleSpec(4)], X)


@pytest.mark.parametrize("dtype", DTYPES)
def test_columns_graph(dtype):
    # every kind of group, in an order that is not the columns', passthrough
    # last, and a scale after it: the front_params_ of two specs in one list
    rng = np.random.default_rng(4)
    numbers = rng.normal(size=(len(codes((3, 11), dtype)), 3))
    X = np.c_[numbers[:, :2], codes((3, 11), dtype), numbers[:, 2]].astype(dtype)
    edges = quantile_bin_edges(numbers[:, 2:], 4)
    columns = ColumnsSpec(
        5,
        items=(
            ((4,), PiecewiseLinearSpec(edges)),
            ((1, 0), PeriodicSpec(2, n_frequencies=3, n_dims=2)),
            ((2,), OneHotSpec((3,))),
            ((3,), CategoricalSpec((11,), dim=3)),
        ),
        passthrough=(4, 0),
    )
    assert_front_matches_engine([columns, ScaleSpec(columns.n_out)], X)


def test_periodic_embedding_needs_opset_12():
    reg, X = fit_tabular(BackpropRegressor, np.float32, numeric_embedding="periodic")
    with pytest.raises(RuntimeError, match="target_opset=11. Pass target_opset=12"):
        skl2onnx.to_onnx(reg, X[:1], target_opset=11)
    out = run(skl2onnx.to_onnx(reg, X[:1], target_opset=12), X)["variable"]
    assert_close(out.ravel(), reg.predict(X), np.float32)


def test_unknown_front_layer_raises():
    class Unknown(ScaleSpec):
        pass

    with pytest.raises(NotImplementedError, match="front layer Unknown"):
        front_graph([Unknown(2)], [np.ones(2)], 2, np.float64)


def _python(code):
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )


def test_import_skbackprop_registers_nothing():
    # the documented choice: only importing skbackprop.onnx registers
    result = _python(
        "import numpy as np, skl2onnx\n"
        "from skbackprop import BackpropRegressor\n"
        "X = np.arange(8.0).reshape(4, 2)\n"
        "reg = BackpropRegressor(max_iter=1).fit(X, X[:, 0])\n"
        "try:\n"
        "    skl2onnx.to_onnx(reg, X[:1])\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "MissingShapeCalculator"


def test_missing_skl2onnx_says_which_extra():
    result = _python(
        "import sys; sys.modules['skl2onnx'] = None; import skbackprop.onnx"
    )
    assert result.returncode != 0
    assert 'pip install ".[onnx]"' in result.stderr
