"""Fixed-length features from variable-length utterances (sequences of frames)."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._sklearn_compat import Interval, StrOptions, _fit_context
from ._validation import as_number_array, as_sequence, check_finite


def _delta_mean(U):
    # The mean frame-to-frame difference; an utterance of one frame does not move.
    if len(U) < 2:
        return np.zeros(U.shape[1], dtype=U.dtype)
    return np.diff(U, axis=0).mean(axis=0)


# Each statistic maps an utterance U of shape (n_frames, n_coef) to shape (n_coef,).
STATISTICS = {
    "mean": lambda U: U.mean(axis=0),
    "std": lambda U: U.std(axis=0),
    "min": lambda U: U.min(axis=0),
    "max": lambda U: U.max(axis=0),
    "median": lambda U: np.median(U, axis=0),
    "first": lambda U: U[0],
    "last": lambda U: U[-1],
    "delta_mean": _delta_mean,
}


def _resample(U, n_points):
    """Linearly interpolate U (n_frames, n_coef) at n_points equally spaced times.

    The first point is the first frame and the last point the last frame, so with
    ``n_points == n_frames`` the frames come back unchanged.
    """
    n_frames = len(U)
    position = np.linspace(0, n_frames - 1, n_points)  # (n_points,)
    lo = np.floor(position).astype(np.intp)  # (n_points,)
    hi = np.minimum(lo + 1, n_frames - 1)  # (n_points,)
    weight = (position - lo)[:, None].astype(U.dtype, copy=False)  # (n_points, 1)
    return U[lo] * (1 - weight) + U[hi] * weight  # (n_points, n_coef)


def _as_utterance_list(X):
    """Return X as a list of utterances, rejecting containers that are not sequences."""
    return as_sequence(
        X,
        "utterances",
        elements=("2-D arrays", "arrays of shape (n_frames, n_coef)"),
        each="of shape (n_frames, n_coef)",
        hint="A single utterance is passed as [U].",
        stacked_ndim=3,
    )


def _check_utterance(U, index, n_coef=None):
    """Validate one utterance and return it as a float array (n_frames, n_coef)."""
    U = as_number_array(U, f"Utterance {index}")
    if U.dtype.kind not in "biuf":
        raise TypeError(f"Utterance {index} must contain numbers; got dtype {U.dtype}.")
    if U.dtype.kind != "f" or U.dtype.itemsize < 4:
        U = U.astype(np.float64)
    if U.ndim != 2:
        raise ValueError(
            f"Utterance {index} must be a 2-D array of shape (n_frames, n_coef); "
            f"got a {U.ndim}-D array of shape {U.shape}."
        )
    if U.shape[0] == 0:
        raise ValueError(f"Utterance {index} has no frames; at least 1 is required.")
    if n_coef is not None and U.shape[1] != n_coef:
        raise ValueError(
            f"Utterance {index} has {U.shape[1]} coefficients per frame, but "
            f"UtteranceFeatures expects {n_coef}."
        )
    check_finite(U, f"Utterance {index}")
    return U


class UtteranceFeatures(TransformerMixin, BaseEstimator):
    """Turn variable-length utterances into a fixed-length feature matrix.

    Each utterance is a 2-D array of shape ``(n_frames_i, n_coef)``: one row
    per frame (time step), one column per coefficient, with a number of frames
    that may differ between utterances. This transformer summarises every
    utterance into one row of fixed width, so that any scikit-learn estimator
    can use it:

    - per-coefficient statistics over the frames (``stats``);
    - the trajectory of every coefficient, linearly resampled to ``n_resample``
      equally spaced points from the first frame to the last;
    - optionally the number of frames.

    The transformer learns nothing from the data apart from the number of
    coefficients, which ``transform`` then checks.

    Parameters
    ----------
    stats : str or sequence of str, default=("mean", "std", "min", "max")
        The statistics computed over the frames of each coefficient, in
        this order. Allowed: ``"mean"``, ``"std"`` (population standard
        deviation), ``"min"``, ``"max"``, ``"median"``, ``"first"`` (the first
        frame), ``"last"`` (the last frame) and ``"delta_mean"`` (the mean of
        the frame-to-frame differences, 0 for a single frame). May be empty.

    n_resample : int, default=5
        The number of equally spaced points, first and last frame included,
        at which each coefficient's trajectory is linearly interpolated. With
        ``n_resample=1`` the point is the first frame. 0 disables the
        trajectory features.

    include_length : bool, default=False
        Whether to append the number of frames of the utterance as a last
        feature.

    Attributes
    ----------
    n_features_in_ : int
        The number of coefficients per frame (``n_coef``) seen during
        :term:`fit`.

    See Also
    --------
    skbackprop.datasets.load_japanese_vowels : Variable-length utterances that
        this transformer is made for.

    Notes
    -----
    The output has ``len(stats) * n_coef + n_resample * n_coef +
    include_length`` columns: first the statistics (grouped by statistic, then
    coefficient), then the trajectories (grouped by coefficient, then time
    point), then the length. :meth:`get_feature_names_out` gives their names.
    The output is float32 if every utterance is float32, float64 otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from skbackprop.preprocessing import UtteranceFeatures
    >>> X = [np.array([[0.0, 10.0], [2.0, 30.0]]),
    ...      np.array([[1.0, 5.0], [1.0, 5.0], [4.0, 8.0]])]
    >>> features = UtteranceFeatures(stats=("mean", "max"), n_resample=2,
    ...                              include_length=True)
    >>> features.fit_transform(X)
    array([[ 1., 20.,  2., 30.,  0.,  2., 10., 30.,  2.],
           [ 2.,  6.,  4.,  8.,  1.,  4.,  5.,  8.,  3.]])
    >>> features.get_feature_names_out()
    array(['coef0_mean', 'coef1_mean', 'coef0_max', 'coef1_max', 'coef0_t0',
           'coef0_t1', 'coef1_t0', 'coef1_t1', 'n_frames'], dtype=object)
    """

    _parameter_constraints = {
        "stats": [StrOptions(set(STATISTICS)), "array-like"],
        "n_resample": [Interval(Integral, 0, None, closed="left")],
        "include_length": ["boolean"],
    }

    def __init__(
        self, stats=("mean", "std", "min", "max"), n_resample=5, include_length=False
    ):
        self.stats = stats
        self.n_resample = n_resample
        self.include_length = include_length

    def _stat_names(self):
        stats = [self.stats] if isinstance(self.stats, str) else list(self.stats)
        unknown = [s for s in stats if s not in STATISTICS]
        if unknown:
            raise ValueError(
                f"The 'stats' parameter of {type(self).__name__} got unknown "
                f"statistic(s) {unknown}; allowed are {sorted(STATISTICS)}."
            )
        if len(set(stats)) != len(stats):
            raise ValueError(
                f"The 'stats' parameter of {type(self).__name__} lists a statistic "
                f"more than once: {list(stats)}."
            )
        if not stats and self.n_resample == 0 and not self.include_length:
            raise ValueError(
                "UtteranceFeatures would produce no features: 'stats' is empty, "
                "n_resample=0 and include_length=False."
            )
        return stats

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the utterances and record their number of coefficients.

        Parameters
        ----------
        X : sequence of array-like of shape (n_frames_i, n_coef)
            The utterances: a list, a 1-D object ndarray or a pandas Series
            whose elements are 2-D arrays, or a 3-D array of shape
            ``(n_samples, n_frames, n_coef)``.

        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        self._stat_names()
        utterances = _as_utterance_list(X)
        first = _check_utterance(utterances[0], 0)
        n_coef = first.shape[1]
        for index, U in enumerate(utterances[1:], start=1):
            _check_utterance(U, index, n_coef)
        self.n_features_in_ = n_coef
        return self

    def transform(self, X):
        """Summarise each utterance into one row of features.

        Parameters
        ----------
        X : sequence of array-like of shape (n_frames_i, n_coef)
            The utterances, in any of the forms accepted by :meth:`fit`.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            One row per utterance; see Notes for the column order.
        """
        check_is_fitted(self)
        stats = self._stat_names()
        utterances = [
            _check_utterance(U, index, self.n_features_in_)
            for index, U in enumerate(_as_utterance_list(X))
        ]
        all_float32 = all(U.dtype == np.float32 for U in utterances)
        dtype = np.float32 if all_float32 else np.float64
        rows = [self._features(U, stats) for U in utterances]
        return np.asarray(rows, dtype=dtype)  # (n_samples, n_features_out)

    def _features(self, U, stats):
        parts = [STATISTICS[name](U) for name in stats]  # each (n_coef,)
        if self.n_resample > 0:
            trajectory = _resample(U, self.n_resample)  # (n_resample, n_coef)
            parts.append(trajectory.T.ravel())  # (n_coef * n_resample,)
        if self.include_length:
            parts.append([len(U)])
        return np.concatenate(parts)  # (n_features_out,)

    def get_feature_names_out(self, input_features=None):
        """Get the names of the output features.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Names of the ``n_coef`` coefficients, used as prefixes, for
            instance ``load_japanese_vowels().feature_names``. If None, the
            coefficients are called ``coef0``, ``coef1``, ...

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``{coef}_{stat}`` for the statistics, ``{coef}_t{k}`` for the
            resampled trajectories and ``n_frames`` for the length.
        """
        check_is_fitted(self)
        if input_features is None:
            input_features = [f"coef{j}" for j in range(self.n_features_in_)]
        elif len(input_features) != self.n_features_in_:
            raise ValueError(
                f"input_features should have length {self.n_features_in_} (the "
                f"number of coefficients), got {len(input_features)}."
            )
        names = [
            f"{coef}_{stat}" for stat in self._stat_names() for coef in input_features
        ]
        names += [
            f"{coef}_t{k}" for coef in input_features for k in range(self.n_resample)
        ]
        if self.include_length:
            names.append("n_frames")
        return np.asarray(names, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # The input is a sequence of 2-D arrays, not a (n_samples, n_features) matrix.
        tags.input_tags.two_d_array = False
        # Equal-length utterances stacked as (n_samples, n_frames, n_coef) also work.
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
