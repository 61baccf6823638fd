"""
================================================
Both estimators in a Pipeline with GridSearchCV
================================================

``BackpropClassifier`` and ``BackpropRegressor`` take the parameters of
sklearn's ``MLPClassifier`` and ``MLPRegressor``, so they slot into a
``Pipeline`` and a ``GridSearchCV`` unchanged.
"""

# %%
# Classification: scale, then a one-hidden-layer network; tune its width and
# its L2 penalty by 3-fold cross-validation. ``max_iter`` leaves Adam enough
# epochs to meet its stopping criterion in every fit, so that none ends with a
# ``ConvergenceWarning``.
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier, BackpropRegressor

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
classifier = make_pipeline(
    StandardScaler(), BackpropClassifier(max_iter=1000, random_state=0)
)
search = GridSearchCV(
    classifier,
    {
        "backpropclassifier__hidden_layer_sizes": [(16,), (64,)],
        "backpropclassifier__alpha": [1e-4, 1e-2],
    },
    cv=3,
)
search.fit(X_train, y_train)
print(f"classifier: best {search.best_params_}")
print(f"classifier: test accuracy {search.score(X_test, y_test):.3f}")

# %%
# Regression: the same pattern, tuning the solver too. A weak L2 penalty lets
# L-BFGS chase the noise of this small data set without converging, so the
# grid starts at ``alpha=0.1``; for L-BFGS ``max_iter`` counts iterations, not
# epochs, and it needs more of them than Adam does epochs (older scipy
# releases more still).
X, y = load_diabetes(return_X_y=True)
y = (y - y.mean()) / y.std()
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
regressor = make_pipeline(
    StandardScaler(), BackpropRegressor(max_iter=3000, random_state=0)
)
search = GridSearchCV(
    regressor,
    {
        "backpropregressor__solver": ["adam", "lbfgs"],
        "backpropregressor__alpha": [0.1, 1.0],
        "backpropregressor__hidden_layer_sizes": [(8,)],
    },
    cv=3,
)
search.fit(X_train, y_train)
print(f"regressor: best {search.best_params_}")
print(f"regressor: test R2 {search.score(X_test, y_test):.3f}")
