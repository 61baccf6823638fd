"""
Networks for tables: ``.tabular()`` against gradient boosting
==============================================================

A raw table, with a categorical column and missing values, fitted three ways
without any preprocessing written by hand for the network:

- ``BackpropRegressor.tabular()``, the package's recipe for tables (it
  encodes categories, imputes and scales by itself);
- scikit-learn's :class:`~sklearn.ensemble.HistGradientBoostingRegressor`,
  which also takes the raw table;
- scikit-learn's :class:`~sklearn.neural_network.MLPRegressor`, which needs
  a ``ColumnTransformer`` in front of it.

The table is scikit-learn's bundled diabetes data (442 patients, 10
features, a disease-progression score). Its ``sex`` column becomes a
categorical column, and 5% of the ``bmi`` values are blanked at random to
show the handling of missing values.
"""

# %%
# The table
# ---------
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.datasets import load_diabetes
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.model_selection import KFold, cross_validate
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skbackprop import BackpropRegressor

X, y = load_diabetes(return_X_y=True, as_frame=True, scaled=False)
X["sex"] = X["sex"].map({1.0: "female", 2.0: "male"}).astype("category")
rng = np.random.RandomState(0)
X.loc[rng.rand(len(X)) < 0.05, "bmi"] = np.nan
print(X.dtypes.value_counts().to_string())
print(f"missing bmi values: {X['bmi'].isna().sum()}")

# %%
# Three models on the raw table
# -----------------------------
# The network recipe is one line; every setting it makes is an ordinary
# parameter (``BackpropRegressor.tabular_recipe()`` lists them), so any of
# them can be overridden or searched.
numeric = [c for c in X.columns if c != "sex"]
sk_front = make_column_transformer(
    (OneHotEncoder(handle_unknown="ignore"), ["sex"]),
    (make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
)
models = {
    "BackpropRegressor.tabular()": BackpropRegressor.tabular(random_state=0),
    "HistGradientBoosting": HistGradientBoostingRegressor(random_state=0),
    "sklearn MLP (with a front)": make_pipeline(
        sk_front,
        MLPRegressor(
            learning_rate_init=0.01, early_stopping=True, max_iter=1000, random_state=0
        ),
    ),
}
cv = KFold(n_splits=5, shuffle=True, random_state=0)
results = {}
for name, model in models.items():
    start = time.process_time()
    scores = cross_validate(model, X, y, cv=cv, scoring="r2")["test_score"]
    results[name] = (scores.mean(), scores.std(), time.process_time() - start)

table = pd.DataFrame(results, index=["mean R2", "std", "CPU s"]).T
print(table.round(3).to_string())

# %%
# The scores
# ----------
fig, ax = plt.subplots(figsize=(6, 2.5))
names = list(results)
means = [results[n][0] for n in names]
errors = [results[n][1] for n in names]
ax.barh(names, means, xerr=errors, color=["tab:blue", "tab:green", "tab:gray"])
ax.set_xlabel("R² over 5 folds (mean ± std)")
ax.set_xlim(0, max(means) + max(errors) + 0.05)
ax.invert_yaxis()
fig.tight_layout()
plt.show()

# %%
# One table decides nothing: the recipe was chosen on the package's tabular
# benchmark over many data sets (``benchmarks/bench_tabular.py``), whose
# results the :ref:`tabular` page shows.
