"""``skbackprop.preprocessing.SmoothClipScaler``: sklearn's estimator checks,
values computed by hand, NaN, constant columns, dtypes and names."""

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.utils.estimator_checks import parametrize_with_checks

from skbackprop.preprocessing import SmoothClipScaler

# column 0: quartiles 2 and 4; column 1: quartiles equal, range 10;
# column 2: constant
X_SMALL = np.array(
    [
        [1.0, 0.0, 7.0],
        [2.0, 0.0, 7.0],
        [3.0, 0.0, 7.0],
        [4.0, 0.0, 7.0],
        [5.0, 10.0, 7.0],
    ]
)


@parametrize_with_checks([SmoothClipScaler(), SmoothClipScaler(clip=1.0)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_exact_values():
    scaler = SmoothClipScaler().fit(X_SMALL)
    np.testing.assert_array_equal(scaler.center_, [3.0, 0.0, 7.0])
    # the IQR; half the range where the quartiles coincide; 1 for a constant
    np.testing.assert_array_equal(scaler.scale_, [2.0, 5.0, 1.0])
    # z / sqrt(1 + (z / 3)^2) at z = -1, -1/2, 0, 1/2, 1 and z = 2
    a, b = 3 / math.sqrt(10), 3 / math.sqrt(37)
    expected = [
        [-a, 0, 0],
        [-b, 0, 0],
        [0, 0, 0],
        [b, 0, 0],
        [a, 6 / math.sqrt(13), 0],
    ]
    np.testing.assert_allclose(scaler.transform(X_SMALL), expected, rtol=1e-15)
    # a value unseen in training still shows in a constant column
    np.testing.assert_allclose(
        scaler.transform([[3.0, 0.0, 8.0]]), [[0, 0, 1 / math.sqrt(1 + 1 / 9)]]
    )


@pytest.mark.parametrize("clip", [0.5, 3.0, 10.0])
def test_output_is_bounded_by_clip_and_keeps_order(clip):
    rng = np.random.default_rng(0)
    X = rng.standard_cauchy(size=(200, 2))
    Xt = SmoothClipScaler(clip=clip).fit(X).transform(X * 1e3)
    assert np.abs(Xt).max() < clip
    for j in range(2):
        order = np.argsort(X[:, j])
        assert (np.diff(Xt[order, j]) >= 0).all()


def test_nan_is_ignored_in_fit_and_passed_through():
    X = X_SMALL.copy()
    X[0, 0] = np.nan
    X_all_nan = np.c_[X, np.full(5, np.nan)]
    scaler = SmoothClipScaler().fit(X_all_nan)
    expected = SmoothClipScaler().fit(X[1:, :1])
    np.testing.assert_array_equal(scaler.center_[:1], expected.center_)
    np.testing.assert_array_equal(scaler.scale_[:1], expected.scale_)
    assert (scaler.center_[3], scaler.scale_[3]) == (0.0, 1.0)  # NaN only
    Xt = scaler.transform(X_all_nan)
    np.testing.assert_array_equal(np.isnan(Xt), np.isnan(X_all_nan))


def test_sparse_input_is_refused_with_the_way_out():
    with pytest.raises(TypeError, match=r"sparse X.*X\.toarray\(\)"):
        SmoothClipScaler().fit(sp.csr_matrix(X_SMALL))
    scaler = SmoothClipScaler().fit(X_SMALL)
    with pytest.raises(TypeError, match="sparse"):
        scaler.transform(sp.csr_matrix(X_SMALL))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float_dtype_is_kept(dtype):
    Xt = SmoothClipScaler().fit(X_SMALL.astype(dtype)).transform(X_SMALL.astype(dtype))
    assert Xt.dtype == dtype


def test_input_is_not_modified_and_names_pass_through():
    df = pd.DataFrame(X_SMALL, columns=["a", "b", "c"])
    before = df.copy()
    scaler = SmoothClipScaler().fit(df)
    scaler.transform(df)
    pd.testing.assert_frame_equal(df, before)
    np.testing.assert_array_equal(scaler.get_feature_names_out(), ["a", "b", "c"])


@pytest.mark.parametrize("clip", [0, -1.0])
def test_clip_must_be_positive(clip):
    with pytest.raises(ValueError, match="'clip' parameter"):
        SmoothClipScaler(clip=clip).fit(X_SMALL)
