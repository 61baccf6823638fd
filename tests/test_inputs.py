"""``skbackprop._inputs``: tables encoded by the estimators themselves
(categorical columns, missing values, scaling), the front a table gets, and
``.tabular()``."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skbackprop import BackpropClassifier, BackpropRegressor
from skbackprop._inputs import Layout, TableEncoder, make_front

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def table(n=120, seed=0):
    """Numbers with missing values, a 3-level and a 12-level category, a flag."""
    rng = np.random.RandomState(seed)
    X = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "z": rng.lognormal(size=n) * 1000,
            "few": pd.Categorical(rng.choice(["a", "b", "c"], n)),
            "many": rng.choice([f"v{i}" for i in range(12)], n).astype(object),
            "flag": rng.rand(n) > 0.5,
        }
    )
    X.loc[::9, "x"] = np.nan
    X.loc[::13, "few"] = np.nan
    y = (X["x"].fillna(0) + (X["few"] == "a") - (X["many"] == "v3") > 0).astype(int)
    return X, y.to_numpy()


# -------------------------------------------------------------- encoder
def test_from_dtype_takes_categorical_object_string_and_bool_columns():
    X, _ = table()
    encoder = TableEncoder("from_dtype", "impute", None)
    encoded = encoder.fit_transform(X)
    assert encoder.categorical_ == [2, 3, 4] and encoder.numeric_ == [0, 1]
    # [x, z | indicator of x | few, many, flag codes]
    assert encoder.layout_ == Layout(2, 1, (3, 12, 2))
    assert encoded.shape == (len(X), 6)
    np.testing.assert_array_equal(encoded[:, 2], X["x"].isna())
    assert not np.isnan(encoded).any()
    # imputed by the median of the observed values
    np.testing.assert_allclose(encoded[::9, 0], np.nanmedian(X["x"]))


@pytest.mark.parametrize(
    "given", [[2, 3, 4], ["few", "many", "flag"], [False, False, True, True, True]]
)
def test_categorical_features_by_index_name_or_mask(given):
    X, _ = table()
    encoder = TableEncoder(given, "impute", None)
    encoder.fit_transform(X)
    assert encoder.categorical_ == [2, 3, 4]


@pytest.mark.parametrize(
    "given, match",
    [(["nope"], "not a column"), ([7], "expected column indices"), ([True], "mask")],
)
def test_bad_categorical_features_are_named(given, match):
    X, _ = table()
    with pytest.raises(ValueError, match=match):
        TableEncoder(given, "impute", None).fit_transform(X)


def test_unknown_and_missing_categories_are_code_zero():
    X, _ = table()
    encoder = TableEncoder("from_dtype", "impute", None)
    encoder.fit_transform(X)
    new = X.iloc[:3].copy()
    new["many"] = ["never seen", None, "v1"]
    codes = encoder.transform(new)[:, 3 + 1]  # the 'many' column
    assert codes[0] == 0 and codes[1] == 0 and codes[2] >= 1
    few = encoder.transform(X.iloc[::13])[:, 3]  # missing 'few'
    np.testing.assert_array_equal(few, 0)


def test_missing_numbers_are_refused_unless_imputed():
    X, _ = table()
    with pytest.raises(ValueError, match="Input X contains NaN"):
        TableEncoder("from_dtype", "error", None).fit_transform(X)


def test_feature_scaling_scales_the_numbers_only():
    X, _ = table()
    encoded = TableEncoder("from_dtype", "impute", "robust_smooth_clip").fit_transform(
        X
    )
    assert np.abs(encoded[:, :2]).max() < 3  # the smooth clip's bound
    assert set(np.unique(encoded[:, 2])) <= {0.0, 1.0}  # the indicator as it was


def test_non_numeric_columns_not_declared_categorical_are_named():
    X, _ = table()
    with pytest.raises(ValueError, match="categorical_features"):
        TableEncoder([2], "impute", None).fit_transform(X)


def test_sparse_input_is_refused_with_the_fix():
    import scipy.sparse as sp

    with pytest.raises(TypeError, match="dense array or a DataFrame"):
        TableEncoder(None, "impute", None).fit_transform(sp.csr_matrix(np.eye(3)))


# ---------------------------------------------------------------- front
@pytest.mark.parametrize("numeric_embedding", [None, "periodic", "piecewise_linear"])
@pytest.mark.parametrize("front_scale", [False, True])
def test_front_width_matches_the_layout(numeric_embedding, front_scale):
    X, _ = table()
    encoder = TableEncoder("from_dtype", "impute", "robust_smooth_clip")
    encoded = encoder.fit_transform(X)
    front = make_front(encoder.layout_, numeric_embedding, front_scale, encoded)
    assert front[0].n_in == encoded.shape[1]
    # 3 numbers (1 + 16 bins or 1 + 3 per number), a 3-level and a 2-level
    # category one-hot (5), the 12-level one embedded in 8
    per_number = {None: 1, "periodic": 4, "piecewise_linear": 16}[numeric_embedding]
    assert front[-1].n_out == 3 * per_number + 5 + 8


def test_numbers_alone_need_no_front():
    assert make_front(Layout(4, 0), None, False, np.zeros((5, 4))) == []


# ----------------------------------------------------------- estimators
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_tabular_fits_a_raw_dataframe(Estimator):
    X, y = table()
    est = Estimator.tabular(max_iter=5, random_state=0).fit(X, y)
    assert est.n_features_in_ == 5
    assert list(est.feature_names_in_) == list(X.columns)
    P = est.predict_proba(X) if hasattr(est, "predict_proba") else est.predict(X)
    assert np.isfinite(P).all()
    # unseen categories and missing values at prediction
    new = X.iloc[:4].copy()
    new["many"] = "never seen"
    new["x"] = np.nan
    assert np.isfinite(est.predict(new).astype(float)).all()


def test_tabular_parameters_are_ordinary_parameters():
    est = BackpropClassifier.tabular(hidden_layer_sizes=(8,))
    params = est.get_params()
    for name, value in BackpropClassifier.tabular_recipe().items():
        if name != "hidden_layer_sizes":
            assert params[name] == value
    assert params["hidden_layer_sizes"] == (8,)
    assert clone(est).get_params() == params
    with pytest.raises(TypeError, match="unexpected keyword"):
        BackpropClassifier.tabular(no_such_parameter=1)


def test_tabular_recipes_differ_only_where_the_tasks_do():
    clf, reg = BackpropClassifier.tabular_recipe(), BackpropRegressor.tabular_recipe()
    assert clf["activation"] == "selu" and reg["activation"] == "mish"
    assert reg["target_scaling"] == "standard" and "label_smoothing" not in reg


def test_grid_search_over_the_ingredients():
    X, y = table()
    search = GridSearchCV(
        BackpropClassifier.tabular(max_iter=3, hidden_layer_sizes=(8,)),
        {"numeric_embedding": [None, "piecewise_linear"], "front_scale": [False, True]},
        cv=2,
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 4


def test_pickled_tabular_model_predicts_the_same_and_continues():
    X, y = table()
    est = BackpropClassifier.tabular(max_iter=3, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(restored.predict_proba(X), est.predict_proba(X))
    for model in (est, restored):
        model.set_params(early_stopping=False).partial_fit(X, y)
    np.testing.assert_array_equal(restored.predict_proba(X), est.predict_proba(X))


def test_warm_start_keeps_the_encoding_and_the_front():
    X, y = table()
    est = BackpropClassifier.tabular(max_iter=3, random_state=0, warm_start=True)
    est.fit(X, y)
    front_params = [p.copy() for p in est.front_params_]
    est.fit(X.iloc[:60], y[:60])  # fewer rows: the same encoding, trained on
    assert [p.shape for p in est.front_params_] == [p.shape for p in front_params]
    assert any(
        not np.array_equal(a, b) for a, b in zip(est.front_params_, front_params)
    )


def test_the_default_estimator_still_refuses_nan_and_categories():
    X, y = table()
    with pytest.raises(ValueError, match="does not convert to floats"):
        BackpropClassifier(max_iter=2).fit(X, y)
    numbers = X[["x", "z"]]
    with pytest.raises(ValueError, match="NaN"):
        BackpropClassifier(max_iter=2).fit(numbers, y)


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
@pytest.mark.parametrize("numeric_embedding", ["periodic", "piecewise_linear"])
def test_numeric_embedding_and_front_on_plain_arrays(Estimator, numeric_embedding):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 3))
    y = (X[:, 0] > 0).astype(int)
    est = Estimator(
        hidden_layer_sizes=(8,),
        max_iter=5,
        numeric_embedding=numeric_embedding,
        front_scale=True,
        parametric_activation=True,
        data_init=True,
        random_state=0,
    ).fit(X, y)
    assert est.front_params_ and len(est.activation_params_) == 1
    assert np.isfinite(est.predict(X).astype(float)).all()


def test_front_layers_refuse_sparse_input_with_the_fix():
    import scipy.sparse as sp

    X = sp.random(40, 4, density=0.5, format="csr", random_state=0)
    with pytest.raises(TypeError, match="toarray"):
        BackpropClassifier(max_iter=2, numeric_embedding="periodic").fit(
            X, np.arange(40) % 2
        )


def test_target_scaling_predicts_in_the_targets_units_and_clips():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 2))
    y = 1e4 + 500 * X[:, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = BackpropRegressor(
            hidden_layer_sizes=(16,),
            solver="lbfgs",
            max_iter=200,
            target_scaling="standard",
            clip_predictions=True,
            random_state=0,
        ).fit(X, y)
    assert est.score(X, y) > 0.95
    far = est.predict(np.array([[100.0, 0.0], [-100.0, 0.0]]))
    np.testing.assert_allclose(far, [y.max(), y.min()])


def test_target_scaling_refuses_the_poisson_loss():
    with pytest.raises(ValueError, match="poisson"):
        BackpropRegressor(loss="poisson", target_scaling="standard").fit(
            np.eye(4), [1.0, 2.0, 3.0, 4.0]
        )
