"""Input encoding for tables: raw columns to the matrix a network's front takes.

An estimator asked to handle categories, missing values or scaling itself
(``categorical_features``, ``missing_values='impute'``, ``feature_scaling``)
fits one :class:`TableEncoder` on the raw ``X`` (a DataFrame with numeric and
categorical columns, or an array) and hands the engine a float matrix laid out
as

``[numeric columns | missing indicators | category codes]``

with categories as integer codes ``1..K`` (0: unknown or missing). The
engine's front (:func:`make_front`, the engine's ``tabular_front``) turns
codes into indicators or learned embeddings and numbers into periodic or
piecewise-linear embeddings, with gradients, so the whole input path is part
of the network.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.preprocessing import OrdinalEncoder

from ._engine import quantile_bin_edges, tabular_front
from ._validation import check_finite
from .preprocessing import SmoothClipScaler

PIECEWISE_LINEAR_BINS = 16

# The parameters of .tabular() both estimators share (each adds its
# activation and its targets' settings), chosen on benchmarks/bench_tabular.py
# over all its tables: see docs/tabular.rst for the ablation.
TABULAR_RECIPE = dict(
    hidden_layer_sizes=(128, 128),
    parametric_activation=True,
    solver="adamw",
    alpha=0.02,
    beta_2=0.95,
    learning_rate="coslog4",
    learning_rate_init=2e-3,
    max_iter=100,
    # every epoch runs (no plateau stop) and the last is kept: on the
    # benchmark, training on all the data beat holding a fifth out to pick
    # the best epoch
    n_iter_no_change=100,
    dropout=0.15,
    categorical_features="from_dtype",
    missing_values="impute",
    feature_scaling="robust_smooth_clip",
    front_scale=True,
)


@dataclass
class Layout:
    """Widths of the encoded matrix's blocks, in order."""

    n_numeric: int
    n_indicators: int
    levels: tuple = ()  # the number of categories of each code column

    @property
    def n_numbers(self):
        return self.n_numeric + self.n_indicators

    @property
    def n_columns(self):
        return self.n_numbers + len(self.levels)


class TableEncoder:
    """Raw table columns to numbers, codes and missing indicators.

    Parameters
    ----------
    categorical_features : 'from_dtype', array-like of int, str or bool, or None
        Which columns hold categories: those of a DataFrame whose dtype is
        categorical, object, string or bool ('from_dtype'), or the given
        indices, names or boolean mask, as in sklearn's
        ``HistGradientBoostingClassifier``.
    missing_values : {'error', 'impute'}
        'impute' replaces a missing number by the column's median and adds
        an indicator column for each column that had missing values in fit;
        a missing category is code 0 either way. 'error' refuses NaN in
        numeric columns.
    feature_scaling : {'robust_smooth_clip'} or None
        Scales the numeric columns with :class:`SmoothClipScaler`.
    """

    def __init__(self, categorical_features, missing_values, feature_scaling):
        self.categorical_features = categorical_features
        self.missing_values, self.feature_scaling = missing_values, feature_scaling

    def fit_transform(self, X):
        frame = _as_frame(X)
        self.categorical_ = _categorical_columns(
            frame, self.categorical_features, from_frame=hasattr(X, "iloc")
        )
        self.numeric_ = [c for c in range(frame.shape[1]) if c not in self.categorical_]
        numbers = self._numbers(frame)
        self.indicator_ = None
        if self.missing_values == "impute":
            self.indicator_ = MissingIndicator(features="missing-only").fit(numbers)
            self.imputer_ = SimpleImputer(strategy="median", keep_empty_features=True)
            self.imputer_.fit(numbers)
        self.scaler_ = None
        if self.feature_scaling is not None and numbers.shape[1]:
            self.scaler_ = SmoothClipScaler().fit(numbers)
        self.ordinal_ = None
        if self.categorical_:
            self.ordinal_ = OrdinalEncoder(
                handle_unknown="use_encoded_value",
                unknown_value=-1,
                encoded_missing_value=-1,
            ).fit(frame.iloc[:, self.categorical_].astype(object))
        self.layout_ = Layout(
            len(self.numeric_),
            0 if self.indicator_ is None else len(self.indicator_.features_),
            tuple(
                sum(not _is_missing(c) for c in categories)
                for categories in (self.ordinal_.categories_ if self.ordinal_ else [])
            ),
        )
        return self.transform(X)

    def transform(self, X):
        """The encoded matrix: ``(n_samples, layout_.n_columns)`` floats."""
        frame = _as_frame(X)
        numbers = self._numbers(frame)
        blocks = []
        if self.indicator_ is not None:
            missing = self.indicator_.transform(numbers).astype(float)
            numbers = self.imputer_.transform(numbers)
            blocks.append(missing)
        else:
            check_finite(numbers, "X")
        if self.scaler_ is not None:
            numbers = self.scaler_.transform(numbers)
        blocks.insert(0, numbers)
        if self.ordinal_ is not None:
            codes = self.ordinal_.transform(
                frame.iloc[:, self.categorical_].astype(object)
            )
            blocks.append(codes + 1)  # 1..K known, 0 unknown or missing
        return np.hstack(blocks)

    def _numbers(self, frame):
        numeric = frame.iloc[:, self.numeric_]
        try:
            return numeric.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise type(exc)(
                "X has non-numeric values in columns not declared categorical "
                f"({exc}); declare them with categorical_features, or give them a "
                "categorical dtype in a DataFrame and categorical_features="
                "'from_dtype'."
            ) from None


def make_front(layout, numeric_embedding, front_scale, X):
    """The engine's front specs for an encoded matrix ``X`` of ``layout``
    (none for numbers alone without embedding or scale).

    Categories with at most 9 levels become indicators, the others learned
    8-dimensional embeddings; the numbers (missing indicators included) are
    embedded by ``numeric_embedding``, the piecewise-linear bins at the
    training data's quantiles; ``front_scale`` learns a scale for every
    column the first layer reads.
    """
    numbers = X[:, : layout.n_numbers]
    edges = None
    if numeric_embedding == "piecewise_linear" and numbers.shape[1]:
        edges = quantile_bin_edges(numbers, PIECEWISE_LINEAR_BINS)
    categories = {layout.n_numbers + j: k for j, k in enumerate(layout.levels)}
    return tabular_front(
        layout.n_columns,
        categories,
        numeric=numeric_embedding,
        edges=edges,
        scale=front_scale,
    )


def _as_frame(X):
    if sp.issparse(X):
        raise TypeError(
            "Sparse input is not supported with categorical_features, "
            "missing_values='impute' or feature_scaling; pass a dense array or a "
            "DataFrame."
        )
    if isinstance(X, pd.DataFrame):
        return X
    array = np.asarray(X)
    if array.ndim != 2:
        raise ValueError(
            f"Expected a 2-D array or a DataFrame, got an array of shape {array.shape}."
        )
    return pd.DataFrame(array)


def _categorical_columns(frame, categorical_features, from_frame):
    """Positions of the categorical columns of ``frame``; 'from_dtype' finds
    them in a DataFrame only (``from_frame``), as sklearn's gradient boosting
    does: an array of objects holds numbers."""
    if categorical_features is None:
        return []
    if isinstance(categorical_features, str) and categorical_features == "from_dtype":
        if not from_frame:
            return []
        return [
            j
            for j, dtype in enumerate(frame.dtypes)
            if isinstance(dtype, pd.CategoricalDtype)
            or pd.api.types.is_object_dtype(dtype)
            or pd.api.types.is_string_dtype(dtype)
            or pd.api.types.is_bool_dtype(dtype)
        ]
    given = np.asarray(categorical_features)
    if given.dtype.kind == "b":
        if len(given) != frame.shape[1]:
            raise ValueError(
                f"categorical_features is a mask of {len(given)} values for "
                f"{frame.shape[1]} columns; give one value per column."
            )
        return [int(j) for j in np.flatnonzero(given)]
    names = [str(c) for c in frame.columns]
    positions = []
    for item in given.tolist():
        if isinstance(item, str):
            if item not in names:
                raise ValueError(
                    f"categorical_features names {item!r}, which is not a column "
                    f"of X ({names})."
                )
            positions.append(names.index(item))
        elif isinstance(item, int) and -frame.shape[1] <= item < frame.shape[1]:
            positions.append(item % frame.shape[1])
        else:
            raise ValueError(
                f"categorical_features has {item!r}: expected column indices in "
                f"[0, {frame.shape[1]}), column names, or a boolean mask."
            )
    return sorted(set(positions))


def _is_missing(value):
    return value is None or (isinstance(value, float) and value != value)
