"""The candidates, as ``name -> factory(task, seed)`` returning an estimator.

Add a candidate by adding an entry to ``MODELS`` (or to ``ABLATIONS``, which
the benchmark runs only when named in ``--models``). Models that need a
front end share one: median imputation with missing-value indicators and
standardisation for numeric columns, one-hot encoding for categorical ones
(missing is a level of its own, unknown levels at predict time are zeros).
HistGradientBoosting, ``.tabular()`` and RealMLP take the raw DataFrame.
"""

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import (
    ColumnTransformer,
    TransformedTargetRegressor,
    make_column_selector,
)
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    QuantileTransformer,
    RobustScaler,
    StandardScaler,
)

from skbackprop import BackpropClassifier, BackpropRegressor

from .datasets import REGRESSION


def front(scale=StandardScaler):
    """Numeric: impute (median) + indicators + ``scale()``; categorical: one-hot."""
    numeric = make_pipeline(
        SimpleImputer(strategy="median", add_indicator=True), *_steps(scale())
    )
    categorical = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    return ColumnTransformer(
        [
            ("num", numeric, make_column_selector(dtype_exclude="category")),
            ("cat", categorical, make_column_selector(dtype_include="category")),
        ]
    )


def _pair(classifier, regressor, **params):
    """A factory picking the classifier or the regressor by task."""

    def factory(task, seed):
        cls = regressor if task == REGRESSION else classifier
        return cls(**params, random_state=seed)

    return factory


def _steps(transformer):
    return transformer if isinstance(transformer, list) else [transformer]


def _with_front(factory, scale=StandardScaler):
    def make(task, seed):
        return make_pipeline(front(scale), factory(task, seed))

    return make


def smooth_clip(X):
    """:math:`x / \\sqrt{1 + (x / 3)^2}`: identity near 0, bounded by 3."""
    return X / np.sqrt(1 + (X / 3) ** 2)


def robust_smooth_clip():
    """Median/IQR scaling, then the smooth clip (RealMLP's numeric front)."""
    return [RobustScaler(), FunctionTransformer(smooth_clip)]


def quantile_normal():
    return QuantileTransformer(output_distribution="normal", n_quantiles=200)


class PeriodicFeatures(TransformerMixin, BaseEstimator):
    """Each standardised column ``x`` and ``n`` fixed random features
    :math:`\\cos(2\\pi w x + b)`, :math:`w \\sim N(0, \\sigma^2)`,
    :math:`b \\sim U(-\\pi, \\pi)`: periodic embeddings, not learned."""

    def __init__(self, n=8, sigma=1.0, random_state=0):
        self.n, self.sigma, self.random_state = n, sigma, random_state

    def fit(self, X, y=None):
        rng = np.random.default_rng(self.random_state)
        self.w_ = rng.normal(0, self.sigma, (X.shape[1], self.n))
        self.b_ = rng.uniform(-np.pi, np.pi, (X.shape[1], self.n))
        return self

    def transform(self, X):
        X = np.asarray(X, dtype=float)
        waves = np.cos(2 * np.pi * X[:, :, None] * self.w_ + self.b_)
        return np.hstack([X, waves.reshape(len(X), -1)])


def periodic():
    return [StandardScaler(), PeriodicFeatures()]


def _standardised_target(factory):
    """Regression targets scaled to mean 0, variance 1 for the fit."""

    def make(task, seed):
        model = factory(task, seed)
        if task != REGRESSION:
            return model
        return TransformedTargetRegressor(model, transformer=StandardScaler())

    return make


def _linear(task, seed):
    if task == REGRESSION:
        return Ridge()
    return LogisticRegression(max_iter=1000)


# today's options, by hand: the starting point of the recipe
HAND = dict(
    hidden_layer_sizes=(256, 256),
    activation="silu",
    solver="adamw",
    learning_rate="cosine",
    learning_rate_init=1e-3,
    warmup_iter=5,
    max_iter=100,
    early_stopping=True,
    n_iter_no_change=20,
    dropout=0.1,
)
SMOOTHING = dict(label_smoothing=0.1)


def hand(scale=StandardScaler, **overrides):
    """The hand recipe with ``overrides`` behind ``front(scale)``; label
    smoothing for classifiers."""
    params = {**HAND, **overrides}
    smoothing = params.pop("label_smoothing", SMOOTHING["label_smoothing"])

    def factory(task, seed):
        if task == REGRESSION:
            return BackpropRegressor(**params, random_state=seed)
        return BackpropClassifier(
            **params, label_smoothing=smoothing, random_state=seed
        )

    return _with_front(_standardised_target(factory), scale)


def _tabular(task, seed, **change):
    """``.tabular()``, with ``change`` where the estimator has the parameter
    (label smoothing is the classifier's only)."""
    cls = BackpropRegressor if task == REGRESSION else BackpropClassifier
    known = cls().get_params()
    return cls.tabular(
        random_state=seed, **{k: v for k, v in change.items() if k in known}
    )


def tabular_with(**change):
    return lambda task, seed: _tabular(task, seed, **change)


def _realmlp(task, seed):
    """pytabkit's RealMLP-TD; numeric NaN (which it refuses) median-imputed."""
    from pytabkit import RealMLP_TD_Classifier, RealMLP_TD_Regressor

    cls = RealMLP_TD_Regressor if task == REGRESSION else RealMLP_TD_Classifier
    impute = ColumnTransformer(
        [
            (
                "num",
                SimpleImputer(strategy="median"),
                make_column_selector(dtype_exclude="category"),
            )
        ],
        remainder="passthrough",
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    return make_pipeline(
        impute, cls(random_state=seed, n_threads=1, device="cpu", verbosity=0)
    )


def _pytabkit_imports():
    try:
        import pytabkit  # noqa: F401
    except ImportError:
        return False
    return True


MODELS = {
    "hgb": _pair(HistGradientBoostingClassifier, HistGradientBoostingRegressor),
    "linear": _with_front(_linear),
    "sk_mlp": _with_front(_pair(MLPClassifier, MLPRegressor)),
    "bp_default": _with_front(_pair(BackpropClassifier, BackpropRegressor)),
    "bp_hand": hand(),
}
if hasattr(BackpropClassifier, "tabular"):
    MODELS["bp_tabular"] = _tabular
if _pytabkit_imports():
    MODELS["realmlp_td"] = _realmlp

# The hand recipe stops on the validation accuracy, which on unbalanced
# classes can keep the first epoch; "hand_vl" stops on the validation loss,
# and the other ablations change one option of it at a time (run by name).
VALIDATION_LOSS = dict(scoring="loss")
ABLATIONS = {
    f"hand_vl{suffix}": hand(**VALIDATION_LOSS, **change)
    for suffix, change in {
        "": {},
        "_w512": dict(hidden_layer_sizes=(512, 512)),
        "_depth1": dict(hidden_layer_sizes=(256,)),
        "_depth3": dict(hidden_layer_sizes=(256, 256, 256)),
        "_relu": dict(activation="relu"),
        "_nodrop": dict(dropout=0.0),
        "_drop25": dict(dropout=0.25),
        "_nosmooth": dict(label_smoothing=0.0),
        "_constant": dict(learning_rate="constant", warmup_iter=0),
        "_lr3e-3": dict(learning_rate_init=3e-3),
        "_wd": dict(alpha=0.02),
        "_200ep": dict(max_iter=200, n_iter_no_change=40),
        "_noes": dict(early_stopping=False),
    }.items()
}
# numeric fronts: robust scaling + smooth clip, quantiles, periodic features
ABLATIONS["hand_vl_robust"] = hand(robust_smooth_clip, **VALIDATION_LOSS)
ABLATIONS["hand_vl_quantile"] = hand(quantile_normal, **VALIDATION_LOSS)
ABLATIONS["hand_vl_periodic"] = hand(periodic, **VALIDATION_LOSS)
# the changes that paid one at a time, together
ABLATIONS["hand_combo"] = hand(
    robust_smooth_clip,
    **VALIDATION_LOSS,
    learning_rate_init=3e-3,
    max_iter=200,
    n_iter_no_change=40,
)

# the .tabular() recipe with one ingredient changed at a time (the docs'
# ablation table)
if hasattr(BackpropClassifier, "tabular"):
    ABLATIONS.update(
        {
            f"tab_{suffix}": tabular_with(**change)
            for suffix, change in {
                "periodic": dict(numeric_embedding="periodic"),
                "piecewise_linear": dict(numeric_embedding="piecewise_linear"),
                "no_front_scale": dict(front_scale=False),
                "relu": dict(activation="relu", parametric_activation=False),
                "not_parametric": dict(parametric_activation=False),
                "no_scaling": dict(feature_scaling=None),
                "cosine_lr": dict(learning_rate="cosine"),
                "best_epoch": dict(
                    early_stopping=True, validation_fraction=0.2, scoring="loss"
                ),
                "best_epoch_by_score": dict(
                    early_stopping=True, validation_fraction=0.2, scoring=None
                ),
                "no_dropout": dict(dropout=0.0),
                "no_smoothing": dict(label_smoothing=0.0),
                "width256": dict(hidden_layer_sizes=(256, 256)),
                "float64": dict(dtype="float64"),
                "data_init": dict(data_init=True),
            }.items()
        }
    )

FAST = ("hgb", "linear")  # for smoke tests
