"""The candidates, as ``name -> factory(task, seed)`` returning an estimator.

Add a candidate by adding an entry to ``MODELS`` (or to ``ABLATIONS``, which
the benchmark runs only when named in ``--models``). Models that need a
front end share one: median imputation with missing-value indicators and
standardisation for numeric columns, one-hot encoding for categorical ones
(missing is a level of its own, unknown levels at predict time are zeros).
HistGradientBoosting, ``.tabular()`` and RealMLP take the raw DataFrame.
"""

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
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skbackprop import BackpropClassifier, BackpropRegressor

from .datasets import REGRESSION


def front():
    """Numeric: impute (median) + indicators + standardise; categorical: one-hot."""
    numeric = make_pipeline(
        SimpleImputer(strategy="median", add_indicator=True), StandardScaler()
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


def _with_front(factory):
    def make(task, seed):
        return make_pipeline(front(), factory(task, seed))

    return make


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


def hand(**overrides):
    """The hand recipe with ``overrides``; label smoothing for classifiers."""
    params = {**HAND, **overrides}
    smoothing = params.pop("label_smoothing", SMOOTHING["label_smoothing"])

    def factory(task, seed):
        if task == REGRESSION:
            return BackpropRegressor(**params, random_state=seed)
        return BackpropClassifier(
            **params, label_smoothing=smoothing, random_state=seed
        )

    return _with_front(_standardised_target(factory))


def _tabular(task, seed):
    cls = BackpropRegressor if task == REGRESSION else BackpropClassifier
    return cls.tabular(random_state=seed)


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

# variations of the hand recipe, one option at a time (run them by name)
ABLATIONS = {
    "hand_w128": hand(hidden_layer_sizes=(128, 128)),
    "hand_w512": hand(hidden_layer_sizes=(512, 512)),
    "hand_depth1": hand(hidden_layer_sizes=(256,)),
    "hand_depth3": hand(hidden_layer_sizes=(256, 256, 256)),
    "hand_relu": hand(activation="relu"),
    "hand_nodrop": hand(dropout=0.0),
    "hand_drop25": hand(dropout=0.25),
    "hand_nosmooth": hand(label_smoothing=0.0),
    "hand_constant": hand(learning_rate="constant", warmup_iter=0),
    "hand_lr3e-3": hand(learning_rate_init=3e-3),
    "hand_wd": hand(alpha=0.02),
    "hand_200ep": hand(max_iter=200, n_iter_no_change=40),
    "hand_noes": hand(early_stopping=False),
    "hand_valloss": hand(scoring="loss"),
}

FAST = ("hgb", "linear")  # for smoke tests
