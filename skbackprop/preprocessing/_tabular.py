"""Scaling of table columns for networks: robust centring and a smooth clip."""

import warnings
from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import FLOAT_DTYPES, check_is_fitted, validate_data

from .._sklearn_compat import Interval, _fit_context


class SmoothClipScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    r"""Scale each column by its median and quartiles, then clip it smoothly.

    RealMLP's numeric preprocessing (Holzmüller et al. 2024): a robust
    scaling, which an outlier does not stretch, then a smooth clip that
    bounds the result in :math:`(-c, c)` while keeping the order of the
    values and leaving those near the centre almost unchanged:

    .. math::

        z = \frac{x - m}{s}, \qquad y = \frac{z}{\sqrt{1 + (z / c)^2}}

    with :math:`m` the column's median and :math:`s` its interquartile range.
    A column whose quartiles coincide (mostly one value) takes half its range
    :math:`(\max - \min) / 2` instead, as RealMLP does; a constant column takes
    1 (RealMLP zeroes it), so that it is centred and a different value at
    transform still shows. NaN is ignored in fit and passed through by
    transform, as sklearn's scalers do.

    Parameters
    ----------
    clip : float, default=3.0
        The bound :math:`c` of the smooth clip: a scaled value :math:`z` maps
        to :math:`z / \sqrt{1 + (z / c)^2}`, near :math:`z` for
        :math:`|z| \ll c` and tending to :math:`\pm c`.

    Attributes
    ----------
    center_ : ndarray of shape (n_features_in_,)
        The median of each column in the training data.

    scale_ : ndarray of shape (n_features_in_,)
        The divisor of each column: the interquartile range, half the range
        if that is 0, else 1.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    sklearn.preprocessing.RobustScaler : The robust scaling without the clip.

    Examples
    --------
    >>> import numpy as np
    >>> from skbackprop.preprocessing import SmoothClipScaler
    >>> X = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0], [4.0, 0.0], [5.0, 10.0]])
    >>> scaler = SmoothClipScaler().fit(X)
    >>> scaler.center_, scaler.scale_
    (array([3., 0.]), array([2., 5.]))
    >>> scaler.transform([[3.0, 0.0], [5.0, 10.0], [13.0, -1e6]]).round(3)
    array([[ 0.   ,  0.   ],
           [ 0.949,  1.664],
           [ 2.572, -3.   ]])
    """

    _parameter_constraints = {"clip": [Interval(Real, 0, None, closed="neither")]}

    def __init__(self, clip=3.0):
        self.clip = clip

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Compute the median and the scale of each column.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data; NaN is ignored.

        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted scaler.
        """
        X = self._validate(X, reset=True)
        with warnings.catch_warnings():  # a column of NaN only: handled below
            warnings.simplefilter("ignore", RuntimeWarning)
            low, q1, median, q3, high = np.nanpercentile(
                X, [0, 25, 50, 75, 100], axis=0
            )
        iqr, half_range = q3 - q1, (high - low) / 2
        scale = np.where(iqr > 0, iqr, np.where(half_range > 0, half_range, 1.0))
        self.center_ = np.nan_to_num(median).astype(np.float64)
        self.scale_ = np.nan_to_num(scale, nan=1.0).astype(np.float64)
        return self

    def transform(self, X):
        """Scale and smoothly clip each column.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The data to transform; NaN stays NaN.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features)
            The values in :math:`(-c, c)`, in X's float dtype.
        """
        check_is_fitted(self)
        Z = self._validate(X, reset=False, copy=True)
        Z -= self.center_
        Z /= self.scale_
        Z /= np.sqrt(1 + (Z / self.clip) ** 2)
        return Z

    def _validate(self, X, reset, copy=False):
        if sp.issparse(X):
            raise TypeError(
                "SmoothClipScaler does not take sparse X: centring at the median "
                "makes its zeros nonzero. Pass a dense array (X.toarray())."
            )
        return validate_data(
            self,
            X,
            reset=reset,
            dtype=FLOAT_DTYPES,
            ensure_all_finite="allow-nan",
            copy=copy,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
