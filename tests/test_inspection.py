"""skbackprop.inspection: TrainingCurveDisplay and feature_attributions.

The attributions are checked against central differences of the estimators'
own ``predict_proba`` / ``predict``; integrated gradients for completeness
(``sum_j IG_j = f(x) - f(baseline)`` within 1e-3 relative at ``n_steps=50``).
The Display tests draw with matplotlib's Agg backend and are skipped when
matplotlib is not installed.
"""

import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from skbackprop import BackpropClassifier, BackpropRegressor
from skbackprop.inspection import TrainingCurveDisplay, feature_attributions

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
H = 1e-6  # central-difference step
METHODS = ["gradient", "gradient_x_input", "integrated_gradients"]
COMPLETENESS = 1e-3  # relative, at n_steps=50


def relative_error(a, b):
    return np.linalg.norm(np.ravel(a) - np.ravel(b)) / np.linalg.norm(np.ravel(b))


# ------------------------------------------------------------------ data
def _classification(n_classes, labels=None):
    X, y = make_classification(
        n_samples=120,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=n_classes,
        n_clusters_per_class=1,
        random_state=0,
    )
    return X, (y if labels is None else np.asarray(labels)[y])


def _fit_classifier(activation, n_classes, labels=None, **params):
    X, y = _classification(n_classes, labels)
    clf = BackpropClassifier(
        hidden_layer_sizes=(8, 6),
        activation=activation,
        max_iter=60,
        random_state=0,
        **params,
    )
    return clf.fit(X, y), X


def _fit_regressor(activation, n_outputs=1, **params):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 4))
    Y = np.column_stack([np.sin(X[:, 0]) + X[:, 1] * X[:, 2], X[:, 3] ** 2 - X[:, 0]])
    y = Y[:, 0] if n_outputs == 1 else Y
    reg = BackpropRegressor(
        hidden_layer_sizes=(8, 6),
        activation=activation,
        max_iter=80,
        random_state=0,
        **params,
    )
    return reg.fit(X, y), X


def _fit_multilabel(activation="tanh"):
    X, Y = make_multilabel_classification(
        n_samples=120, n_features=4, n_classes=3, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    clf = BackpropClassifier(
        hidden_layer_sizes=(8,), activation=activation, max_iter=60, random_state=0
    )
    return clf.fit(X, Y), X


def numeric_gradient(f, X):
    """Central differences of the per-sample ``f(X) -> (n,)`` w.r.t. each x_ij."""
    grad = np.zeros_like(X)
    for j in range(X.shape[1]):
        step = np.zeros_like(X)
        step[:, j] = H
        grad[:, j] = (f(X + step) - f(X - step)) / (2 * H)
    return grad


def _proba_of(clf, k):
    """f(X): the predicted probability of class position k[i] for sample i."""
    return lambda X: clf.predict_proba(X)[np.arange(len(X)), k]


# ------------------------------------------------- attributions: gradients
@pytest.mark.parametrize("activation", ["tanh", "relu", "logistic"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_gradient_matches_finite_differences_of_predict_proba(activation, n_classes):
    clf, X = _fit_classifier(activation, n_classes)
    X = X[:15]
    k = clf.predict_proba(X).argmax(axis=1)  # the default target: predicted class
    grad = feature_attributions(clf, X)
    assert grad.shape == X.shape and grad.dtype == np.float64
    assert relative_error(grad, numeric_gradient(_proba_of(clf, k), X)) < 1e-6
    for position, label in enumerate(clf.classes_):
        grad = feature_attributions(clf, X, target=label)
        k = np.full(len(X), position)
        assert relative_error(grad, numeric_gradient(_proba_of(clf, k), X)) < 1e-6


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_gradient_matches_finite_differences_of_predict(activation, n_outputs):
    reg, X = _fit_regressor(activation, n_outputs)
    X = X[:15]
    for j in range(n_outputs):
        grad = feature_attributions(reg, X, target=j)

        def f(X, j=j):
            return reg.predict(X).reshape(len(X), -1)[:, j]

        assert grad.shape == X.shape
        assert relative_error(grad, numeric_gradient(f, X)) < 1e-6


def test_gradient_x_input_is_gradient_times_input_minus_baseline():
    clf, X = _fit_classifier("tanh", 3)
    X = X[:10]
    grad = feature_attributions(clf, X, method="gradient")
    np.testing.assert_allclose(
        feature_attributions(clf, X, method="gradient_x_input"), grad * X
    )
    for baseline in [X.mean(axis=0), X[::-1] * 0.5]:
        np.testing.assert_allclose(
            feature_attributions(clf, X, method="gradient_x_input", baseline=baseline),
            grad * (X - baseline),
        )
    # the gradient ignores the baseline
    np.testing.assert_array_equal(
        feature_attributions(clf, X, baseline=X.mean(axis=0)), grad
    )


# ------------------------------------- attributions: integrated gradients
def _completeness_error(ig, f, X, baseline):
    expected = f(X) - f(np.broadcast_to(baseline, X.shape))
    return relative_error(ig.sum(axis=1), expected)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_integrated_gradients_completeness_classifier(activation, n_classes):
    clf, X = _fit_classifier(activation, n_classes)
    k = clf.predict_proba(X).argmax(axis=1)
    for baseline in [None, X.mean(axis=0)]:
        ig = feature_attributions(
            clf, X, method="integrated_gradients", baseline=baseline, n_steps=50
        )
        b = np.zeros(X.shape[1]) if baseline is None else baseline
        err = _completeness_error(ig, _proba_of(clf, k), X, b)
        assert err < COMPLETENESS, f"completeness error {err:.2e}"


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_integrated_gradients_completeness_regressor(activation, n_outputs):
    reg, X = _fit_regressor(activation, n_outputs)
    ig = feature_attributions(reg, X, method="integrated_gradients", n_steps=50)
    P = reg.predict(X).reshape(len(X), -1)
    P0 = reg.predict(np.zeros((1, X.shape[1]))).reshape(1, -1)
    ig = ig.reshape(len(X), X.shape[1], -1)  # (n, n_features, n_outputs)
    err = relative_error(ig.sum(axis=1), P - P0)
    assert err < COMPLETENESS, f"completeness error {err:.2e}"
    if activation == "relu":
        # the path is split at every relu kink: exact for an identity link
        assert err < 1e-10


def test_integrated_gradients_with_one_step_is_gradient_x_input_at_the_midpoint():
    clf, X = _fit_classifier("tanh", 3)
    X = X[:10]
    target = clf.predict(X)
    ig = feature_attributions(
        clf, X, method="integrated_gradients", n_steps=1, target=target
    )
    grad = feature_attributions(clf, X / 2, target=target)
    np.testing.assert_allclose(ig, grad * X, rtol=1e-12)


# ----------------------------------------------------------- targets
def test_binary_targets():
    clf, X = _fit_classifier("tanh", 2, labels=["no", "yes"])
    X = X[:20]
    g_yes = feature_attributions(clf, X, target="yes")
    np.testing.assert_allclose(feature_attributions(clf, X, target="no"), -g_yes)
    # default: the predicted class of each sample
    sign = np.where(clf.predict(X) == "yes", 1.0, -1.0)[:, None]
    np.testing.assert_allclose(feature_attributions(clf, X), sign * g_yes)
    # one label per sample
    per_sample = feature_attributions(clf, X, target=clf.predict(X))
    np.testing.assert_allclose(per_sample, sign * g_yes)


def test_multiclass_targets_and_per_sample_labels():
    labels = np.array(["a", "b", "c"])
    clf, X = _fit_classifier("tanh", 3, labels=labels)
    X = X[:12]
    by_label = {c: feature_attributions(clf, X, target=c) for c in labels}
    target = labels[np.arange(len(X)) % 3]
    mixed = feature_attributions(clf, X, target=list(target))
    for i, c in enumerate(target):
        np.testing.assert_allclose(mixed[i], by_label[c][i])
    predicted = clf.predict(X)
    default = feature_attributions(clf, X)
    for i, c in enumerate(predicted):
        np.testing.assert_allclose(default[i], by_label[c][i])
    # probabilities sum to one: their gradients sum to zero
    np.testing.assert_allclose(sum(by_label.values()), 0, atol=1e-12)


def test_multilabel_targets():
    clf, X = _fit_multilabel()
    X = X[:10]
    every = feature_attributions(clf, X)
    assert every.shape == (10, X.shape[1], 3)
    for j in range(3):
        grad = feature_attributions(clf, X, target=j)
        np.testing.assert_allclose(every[:, :, j], grad)

        def f(X, j=j):
            return clf.predict_proba(X)[:, j]

        assert relative_error(grad, numeric_gradient(f, X)) < 1e-6
    ig = feature_attributions(clf, X, method="integrated_gradients")
    P, P0 = clf.predict_proba(X), clf.predict_proba(np.zeros((1, X.shape[1])))
    assert relative_error(ig.sum(axis=1), P - P0) < COMPLETENESS


def test_regression_targets():
    reg, X = _fit_regressor("tanh", 1)
    np.testing.assert_array_equal(
        feature_attributions(reg, X[:5]), feature_attributions(reg, X[:5], target=0)
    )
    reg, X = _fit_regressor("tanh", 2)
    for method in METHODS:
        every = feature_attributions(reg, X[:5], method=method)
        assert every.shape == (5, 4, 2)
        for j in range(2):
            one = feature_attributions(reg, X[:5], method=method, target=j)
            np.testing.assert_allclose(every[:, :, j], one)


@pytest.mark.parametrize(
    "make, target, match",
    [
        (lambda: _fit_classifier("tanh", 3), 7, "not classes of the estimator"),
        (lambda: _fit_classifier("tanh", 3), [0, 1], r"shape \(n_samples,\)"),
        (lambda: _fit_regressor("tanh", 2), 2, r"output index in \[0, 1\]"),
        (lambda: _fit_regressor("tanh", 1), "0", "output index"),
        (lambda: _fit_multilabel(), 3, r"label index in \[0, 2\]"),
    ],
)
def test_target_errors(make, target, match):
    est, X = make()
    with pytest.raises(ValueError, match=match):
        feature_attributions(est, X[:5], target=target)


# ------------------------------------------------------------- Pipeline
def test_pipeline_attributions_are_with_respect_to_the_last_steps_input():
    X, y = _classification(3)
    X = X * [1, 10, 100, 0.1] + 5
    pipe = make_pipeline(
        StandardScaler(),
        PolynomialFeatures(degree=2, include_bias=False),
        BackpropClassifier(
            hidden_layer_sizes=(8,), activation="tanh", max_iter=40, random_state=0
        ),
    ).fit(X, y)
    Xt = pipe[:-1].transform(X[:10])
    assert Xt.shape[1] == 14  # the network's input, not the 4 columns of X
    for method in METHODS:
        got = feature_attributions(pipe, X[:10], method=method)
        assert got.shape == (10, 14)
        direct = feature_attributions(pipe[-1], Xt, method=method)
        np.testing.assert_allclose(got, direct)
    # completeness holds in the last step's input space
    ig = feature_attributions(pipe, X, method="integrated_gradients")
    k = pipe.predict_proba(X).argmax(axis=1)
    f = _proba_of(pipe[-1], k)
    assert _completeness_error(ig, f, pipe[:-1].transform(X), 0) < COMPLETENESS


def test_single_step_pipeline():
    clf, X = _fit_classifier("tanh", 2)
    pipe = make_pipeline(clf)
    np.testing.assert_array_equal(
        feature_attributions(pipe, X[:5]), feature_attributions(clf, X[:5])
    )


# ------------------------------------------------------ inputs and errors
def test_sparse_and_float32_inputs():
    clf, X = _fit_classifier("relu", 3)
    X = X[:30]
    X[np.abs(X) < 0.5] = 0
    for method in METHODS:
        dense = feature_attributions(clf, X, method=method)
        for Xs in (sp.csr_matrix(X), sp.csc_matrix(X)):
            np.testing.assert_allclose(
                feature_attributions(clf, Xs, method=method), dense, rtol=1e-12
            )
    # a float32 network still attributes in float64
    clf32 = BackpropClassifier(hidden_layer_sizes=(6,), max_iter=20, random_state=0)
    clf32.fit(X.astype(np.float32), np.arange(30) % 2)
    assert clf32.coefs_[0].dtype == np.float32
    assert feature_attributions(clf32, X.astype(np.float32)).dtype == np.float64


def test_input_is_not_modified():
    clf, X = _fit_classifier("tanh", 3)
    X = X[:10].copy()
    X0, baseline = X.copy(), X.mean(axis=0)
    b0 = baseline.copy()
    for method in METHODS:
        feature_attributions(clf, X, method=method, baseline=baseline)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(baseline, b0)


def test_chunks_give_the_same_result(monkeypatch):
    # rows are processed in chunks: a tiny chunk size gives the same numbers
    import skbackprop.inspection._attributions as module

    clf, X = _fit_classifier("relu", 3)
    X = X[:40]
    expected = {m: feature_attributions(clf, X, method=m) for m in METHODS}
    monkeypatch.setattr(module, "CHUNK_VALUES", 300)  # 1 to 13 rows per chunk
    for method in METHODS:
        np.testing.assert_allclose(
            feature_attributions(clf, X, method=method), expected[method], rtol=1e-12
        )


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"method": "saliency"}, ValueError, "method"),
        ({"n_steps": 0}, ValueError, "n_steps"),
        ({"baseline": np.zeros(3)}, ValueError, "baseline must have shape"),
        ({"baseline": np.zeros((2, 4))}, ValueError, "baseline must have shape"),
        ({"baseline": np.full(4, np.nan)}, ValueError, "baseline must be finite"),
    ],
)
def test_parameter_errors(kwargs, error, match):
    clf, X = _fit_classifier("tanh", 2)
    kwargs = {"method": "gradient_x_input", **kwargs}
    with pytest.raises(error, match=match):
        feature_attributions(clf, X[:5], **kwargs)


def test_estimator_errors():
    X, y = _classification(2)
    with pytest.raises(NotFittedError, match="call 'fit' before feature_attributions"):
        feature_attributions(BackpropClassifier(), X)
    with pytest.raises(NotFittedError):
        feature_attributions(make_pipeline(StandardScaler(), BackpropRegressor()), X)
    with pytest.raises(TypeError, match="got 'LogisticRegression'"):
        feature_attributions(LogisticRegression().fit(X, y), X)
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    with pytest.raises(TypeError, match="as the last step of the Pipeline"):
        feature_attributions(pipe, X)
    clf, X = _fit_classifier("tanh", 2)
    with pytest.raises(ValueError, match="features"):
        feature_attributions(clf, X[:, :3])


# ----------------------------------------------------------------- Display
@pytest.fixture
def pyplot():
    mpl = pytest.importorskip(
        "matplotlib", reason="TrainingCurveDisplay needs matplotlib (extra 'plot')"
    )
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def _labels(ax):
    return [line.get_label() for line in ax.get_lines()]


def test_display_with_validation(pyplot):
    clf, X = _fit_classifier("relu", 3, early_stopping=True, n_iter_no_change=5)
    display = TrainingCurveDisplay.from_estimator(clf)
    n = len(clf.loss_curve_)
    assert len(clf.validation_scores_) == n
    assert _labels(display.ax_) == [
        "train loss",
        "validation loss",
        f"best epoch ({clf.best_iteration_})",
    ]
    np.testing.assert_array_equal(display.loss_line_.get_xdata(), np.arange(1, n + 1))
    np.testing.assert_allclose(display.loss_line_.get_ydata(), clf.loss_curve_)
    np.testing.assert_allclose(
        display.validation_loss_line_.get_ydata(), clf.validation_loss_curve_
    )
    # the score is on a secondary y-axis sharing the epochs
    assert display.score_ax_ is not display.ax_
    assert display.score_ax_.get_shared_x_axes().joined(display.score_ax_, display.ax_)
    assert _labels(display.score_ax_) == ["validation accuracy"]
    np.testing.assert_allclose(
        display.validation_score_line_.get_ydata(), clf.validation_scores_
    )
    assert display.best_epoch == clf.best_iteration_
    assert list(display.best_epoch_line_.get_xdata()) == [clf.best_iteration_] * 2
    assert display.ax_.get_xlabel() == "epoch" and display.ax_.get_ylabel() == "loss"
    assert display.score_ax_.get_ylabel() == "validation accuracy"
    assert display.ax_.get_title() == "BackpropClassifier"
    legend = display.score_ax_.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        *_labels(display.ax_),
        "validation accuracy",
    ]
    assert display.figure_ is display.ax_.figure


def test_display_without_validation(pyplot):
    reg, _ = _fit_regressor("tanh")
    display = TrainingCurveDisplay.from_estimator(reg, name="my network")
    # no validation set chose the weights: no best-epoch marker
    assert _labels(display.ax_) == ["train loss"]
    assert display.best_epoch_line_ is None and display.best_epoch is None
    assert display.ax_.get_xlabel() == "epoch"
    assert display.validation_loss_line_ is None
    assert display.validation_score_line_ is None and display.score_ax_ is None
    assert display.ax_.get_title() == "my network"


@pytest.mark.parametrize("early_stopping", [False, True])
def test_display_of_lbfgs_counts_iterations(pyplot, early_stopping):
    X, y = _classification(3)
    clf = BackpropClassifier(
        hidden_layer_sizes=(8,), solver="lbfgs", max_iter=30, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if early_stopping:  # lbfgs scores an explicit validation set
            clf.set_params(early_stopping=True).fit(
                X[:90], y[:90], X_val=X[90:], y_val=y[90:]
            )
        else:
            clf.fit(X, y)
    display = TrainingCurveDisplay.from_estimator(clf)
    assert display.ax_.get_xlabel() == "iteration"
    if early_stopping:
        best = len(clf.loss_curve_) - len(clf.validation_scores_) + clf.best_iteration_
        assert f"best iteration ({best})" in _labels(display.ax_)
    else:
        assert display.best_epoch_line_ is None


def test_display_of_a_pipeline_is_that_of_its_last_step(pyplot):
    X, y = _classification(3)
    pipe = make_pipeline(
        StandardScaler(),
        BackpropClassifier(
            hidden_layer_sizes=(8,),
            max_iter=40,
            random_state=0,
            early_stopping=True,
            n_iter_no_change=5,
        ),
    ).fit(X, y)
    display = TrainingCurveDisplay.from_estimator(pipe)
    direct = TrainingCurveDisplay.from_estimator(pipe[-1])
    for a, b in [
        (display.loss_line_, direct.loss_line_),
        (display.validation_loss_line_, direct.validation_loss_line_),
        (display.validation_score_line_, direct.validation_score_line_),
        (display.best_epoch_line_, direct.best_epoch_line_),
    ]:
        np.testing.assert_array_equal(a.get_xydata(), b.get_xydata())
    assert display.best_epoch_line_.get_xdata()[0] == pipe[-1].best_iteration_


def test_display_scoring(pyplot):
    X, y = _classification(2)
    clf = BackpropClassifier(
        hidden_layer_sizes=(6,),
        max_iter=15,
        random_state=0,
        early_stopping=True,
        scoring="balanced_accuracy",
    )
    display = TrainingCurveDisplay.from_estimator(clf.fit(X, y))
    assert display.score_ax_.get_ylabel() == "validation balanced accuracy"
    # scoring='loss': the score is the negated validation loss, not drawn twice
    clf.set_params(scoring="loss").fit(X, y)
    display = TrainingCurveDisplay.from_estimator(clf)
    assert display.score_ax_ is None and display.validation_loss_line_ is not None
    reg, X = _fit_regressor("tanh", early_stopping=True)
    display = TrainingCurveDisplay.from_estimator(reg)
    assert display.score_ax_.get_ylabel() == "validation R²"


def test_display_plot_on_given_axes_with_styles(pyplot):
    clf, _ = _fit_classifier("tanh", 2, early_stopping=True)
    fig, (ax1, ax2) = pyplot.subplots(1, 2)
    display = TrainingCurveDisplay.from_estimator(
        clf,
        ax=ax2,
        loss_kw={"color": "black", "label": "loss"},
        best_epoch_kw={"color": "red"},
    )
    assert display.ax_ is ax2 and display.figure_ is fig
    assert display.loss_line_.get_color() == "black"
    assert display.loss_line_.get_label() == "loss"
    assert display.best_epoch_line_.get_color() == "red"
    assert not ax1.get_lines()


def test_display_aligns_short_validation_curves_with_the_last_epochs(pyplot):
    display = TrainingCurveDisplay(
        loss_curve=[3.0, 2.0, 1.5, 1.2, 1.1],
        validation_loss_curve=[1.6, 1.4, 1.5],
        validation_scores=[0.6, 0.7, 0.65],
        best_epoch=4,
    ).plot()
    np.testing.assert_array_equal(display.validation_loss_line_.get_xdata(), [3, 4, 5])
    np.testing.assert_array_equal(display.validation_score_line_.get_xdata(), [3, 4, 5])
    assert display.score_ax_.get_ylabel() == "validation score"
    assert display.ax_.get_title() == ""


def test_display_image_is_written(pyplot, tmp_path):
    clf, _ = _fit_classifier("relu", 3, early_stopping=True)
    display = TrainingCurveDisplay.from_estimator(clf)
    path = tmp_path / "training_curve.png"
    display.figure_.savefig(path, dpi=50)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 1000


def test_display_errors(pyplot):
    X, y = _classification(2)
    with pytest.raises(NotFittedError, match="TrainingCurveDisplay.from_estimator"):
        TrainingCurveDisplay.from_estimator(BackpropClassifier())
    with pytest.raises(TypeError, match="BackpropClassifier or BackpropRegressor"):
        TrainingCurveDisplay.from_estimator(LogisticRegression().fit(X, y))
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    with pytest.raises(TypeError, match="as the last step of the Pipeline"):
        TrainingCurveDisplay.from_estimator(pipe)


def test_inspection_imports_without_matplotlib():
    # matplotlib is imported only when a plot is drawn, with an install hint
    script = textwrap.dedent(
        """
        import sys
        sys.modules["matplotlib"] = None  # every import of it raises ImportError
        import numpy as np
        from skbackprop import BackpropRegressor
        from skbackprop.inspection import TrainingCurveDisplay, feature_attributions

        X = np.random.RandomState(0).normal(size=(30, 3))
        reg = BackpropRegressor(hidden_layer_sizes=(4,), max_iter=5).fit(X, X[:, 0])
        assert feature_attributions(reg, X).shape == (30, 3)
        try:
            TrainingCurveDisplay.from_estimator(reg)
        except ImportError as e:
            print(e)
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "requires matplotlib" in result.stdout
    assert 'pip install ".[plot]"' in result.stdout
