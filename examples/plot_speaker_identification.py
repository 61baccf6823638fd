"""
=========================================================
Speaker identification from Japanese vowel utterances
=========================================================

Nine men each say the Japanese vowels /ae/, recorded as a variable-length
sequence of frames of 12 LPC cepstrum coefficients; the task is to tell who is
speaking. This example runs the workflow of a scikit-learn user from start to
finish:

1. load the data shipped with skbackprop and its official train/test split;
2. chain :class:`~skbackprop.preprocessing.UtteranceFeatures` (fixed-length
   features from variable-length utterances), a
   :class:`~sklearn.preprocessing.StandardScaler` and a
   :class:`~skbackprop.BackpropClassifier` in one
   :class:`~sklearn.pipeline.Pipeline`;
3. tune the features and the network together with
   :class:`~sklearn.model_selection.GridSearchCV` on the training set only;
4. report the accuracy on the official test set, compare with six other
   scikit-learn classifiers in the same pipeline, and plot the comparison, the
   learning curves and the confusion matrix.

Run as a script, it also saves the three figures as PNG files in the current
directory.
"""

# %%
# Load the data
# -------------
# ``data`` is a 1-D object array of utterances, each an array of shape
# ``(n_frames, 12)`` with 7 to 29 frames. The official split puts 270
# utterances (30 per speaker) in training and 370 in test.
import os
import sys
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

from skbackprop import BackpropClassifier
from skbackprop.datasets import load_japanese_vowels
from skbackprop.preprocessing import UtteranceFeatures

# sphinx_gallery_thumbnail_number = 3

# The matrices here are small, so BLAS and OpenMP threads cost more than they
# bring: run every fit on one thread, and get the parallelism from running
# two cross-validation fits at a time instead.
threadpool_limits(1)
N_JOBS = 2
# sphinx_gallery_start_ignore
# The test suite sets SKBACKPROP_EXAMPLE_QUICK=1 to run a reduced version of
# this example in a few seconds; leave it unset for the real thing. (The
# documentation's page of this example hides these test-only lines.)
QUICK = os.environ.get("SKBACKPROP_EXAMPLE_QUICK", "") not in ("", "0")
if QUICK:
    N_JOBS = 1
# sphinx_gallery_end_ignore

vowels = load_japanese_vowels()
X_train = vowels.data[vowels.train_indices]
y_train = vowels.target[vowels.train_indices]
X_test = vowels.data[vowels.test_indices]
y_test = vowels.target[vowels.test_indices]
frames = [len(utterance) for utterance in vowels.data]
print(
    f"{len(X_train)} training and {len(X_test)} test utterances, "
    f"{len(vowels.target_names)} speakers, {min(frames)} to {max(frames)} frames"
)

# %%
# One pipeline from utterances to speakers
# ----------------------------------------
# ``UtteranceFeatures`` summarises each utterance into one row: statistics of
# every coefficient over the frames, then each coefficient's trajectory
# resampled to ``n_resample`` equally spaced points. Because it sits inside the
# pipeline, cross-validation computes the features of each fold from that
# fold alone, and the grid search can tune them together with the network.
#
# With 270 training samples, the full-batch quasi-Newton solver ``'lbfgs'``
# converges in a few dozen iterations and needs no learning rate. The tanh
# activation suits these smooth, standardised features.
pipeline = make_pipeline(
    UtteranceFeatures(),
    StandardScaler(),
    BackpropClassifier(
        activation="tanh", solver="lbfgs", max_iter=1000, random_state=0
    ),
)

# %%
# Tune the features and the network together
# ------------------------------------------
# The grid covers which statistics to compute, how finely to resample the
# trajectories, the width of the hidden layer and the strength of the L2
# penalty. Every candidate is scored by 5-fold cross-validation on the
# training set only: the test set plays no part in the choice. (``dropout``
# would need a stochastic solver, and ``class_weight`` has nothing to balance
# with 30 training utterances per speaker, so neither is in the grid.)
ALL_STATS = ("mean", "std", "min", "max", "median", "first", "last", "delta_mean")
param_grid = {
    "utterancefeatures__stats": [("mean", "std", "min", "max"), ALL_STATS],
    "utterancefeatures__n_resample": [3, 5, 8],
    "backpropclassifier__hidden_layer_sizes": [(32,), (64,)],
    "backpropclassifier__alpha": [0.1, 1.0, 3.0],
}
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
# sphinx_gallery_start_ignore
if QUICK:
    param_grid = {
        "utterancefeatures__stats": [ALL_STATS],
        "utterancefeatures__n_resample": [3, 5],
        "backpropclassifier__hidden_layer_sizes": [(32,)],
        "backpropclassifier__alpha": [1.0],
    }
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
# sphinx_gallery_end_ignore

search = GridSearchCV(pipeline, param_grid, cv=cv, n_jobs=N_JOBS)
start = time.perf_counter()
search.fit(X_train, y_train)
n_candidates = len(search.cv_results_["params"])
print(
    f"grid search: {n_candidates} candidates x {cv.get_n_splits()} folds "
    f"in {time.perf_counter() - start:.1f} s"
)
for name, value in search.best_params_.items():
    print(f"  {name} = {value}")
print(f"cross-validated accuracy of the best candidate: {search.best_score_:.4f}")

# %%
# The five best candidates, as ranked by cross-validation:
results = pd.DataFrame(search.cv_results_).sort_values("rank_test_score")
top = pd.DataFrame(
    {name.split("__")[1]: results[f"param_{name}"] for name in param_grid}
)
top["stats"] = top["stats"].map(", ".join)
top["CV accuracy"] = results["mean_test_score"]
top["CV std"] = results["std_test_score"]
print(top.head().to_string(index=False, float_format="{:.4f}".format))

# %%
# Accuracy on the official test set
# ---------------------------------
# ``GridSearchCV`` refits the best pipeline on the whole training set; the
# 370 test utterances are used once, now.
best = search.best_estimator_
test_accuracy = best.score(X_test, y_test)
n_errors = int(round((1 - test_accuracy) * len(y_test)))
print(
    f"BackpropClassifier, official test accuracy: {test_accuracy:.4f} "
    f"({n_errors} errors out of {len(y_test)})"
)

# %%
# Comparison with other scikit-learn classifiers
# ----------------------------------------------
# Every model gets the same pipeline: the features chosen by the grid search,
# then the scaler. The other models keep their default hyperparameters
# (iterations raised where they would not converge), so the comparison
# favours the tuned network a little; its cross-validation score is also
# optimistic because the same folds chose its parameters. sklearn's
# ``MLPClassifier`` appears twice: with its defaults, and with exactly the
# parameters found for ``BackpropClassifier``, for which it trains the same
# network up to floating-point rounding.
features = best.named_steps["utterancefeatures"]
network = best.named_steps["backpropclassifier"]
tuned = {
    name: getattr(network, name)
    for name in ("hidden_layer_sizes", "activation", "solver", "alpha", "max_iter")
}
competitors = {
    "BackpropClassifier (tuned)": clone(network),
    "MLPClassifier (same parameters)": MLPClassifier(**tuned, random_state=0),
    "MLPClassifier (defaults)": MLPClassifier(max_iter=1000, random_state=0),
    "LogisticRegression": LogisticRegression(max_iter=2000),
    "SVC": SVC(),
    "KNeighborsClassifier": KNeighborsClassifier(),
    "RandomForestClassifier": RandomForestClassifier(n_estimators=100, random_state=0),
    "HistGradientBoostingClassifier": HistGradientBoostingClassifier(
        max_iter=100, random_state=0
    ),
}
# sphinx_gallery_start_ignore
if QUICK:
    competitors["RandomForestClassifier"].set_params(n_estimators=50)
    competitors["HistGradientBoostingClassifier"].set_params(max_iter=20)
# sphinx_gallery_end_ignore

rows = []
for name, model in competitors.items():
    model_pipeline = make_pipeline(clone(features), StandardScaler(), model)
    scores = cross_validate(model_pipeline, X_train, y_train, cv=cv, n_jobs=N_JOBS)
    start = time.perf_counter()
    model_pipeline.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    rows.append(
        {
            "model": name,
            "CV accuracy": scores["test_score"].mean(),
            "CV std": scores["test_score"].std(),
            "test accuracy": model_pipeline.score(X_test, y_test),
            "fit time (s)": fit_time,
        }
    )
table = pd.DataFrame(rows).sort_values(
    ["test accuracy", "CV accuracy"], ascending=False, ignore_index=True
)
print(table.to_string(index=False, float_format="{:.4f}".format))

# %%
# The comparison as a chart: cross-validated accuracy on the training set
# (with one standard deviation over the folds) next to the official test
# accuracy. The axis spans the whole range of accuracy, from 0 to 1, so that a
# difference of a few utterances looks as small as it is; it extends a little
# past 1 (dotted line) so that no whisker is cut off. The table above has the
# exact numbers.
fig_comparison, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
y_pos = np.arange(len(table))
cv_bars = ax.barh(
    y_pos - 0.2,
    table["CV accuracy"],
    height=0.4,
    xerr=table["CV std"],
    capsize=3,
    label="cross-validation (training set)",
)
test_bars = ax.barh(
    y_pos + 0.2, table["test accuracy"], height=0.4, label="official test set"
)
for bars in (cv_bars, test_bars):
    ax.bar_label(bars, fmt="%.3f", label_type="center", color="white", fontsize=8)
ax.set_yticks(y_pos, table["model"])
ax.invert_yaxis()
highest = max(1.0, (table["CV accuracy"] + table["CV std"]).max())
ax.set_xlim(0.0, highest + 0.03)
ax.set_xticks(np.linspace(0.0, 1.0, 6))
ax.axvline(1.0, color="gray", linestyle=":", linewidth=1)
ax.set_xlabel("accuracy")
ax.set_title("Speaker identification: same features, different classifiers")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2)

# %%
# Loss and validation curves
# --------------------------
# ``loss_curve_`` records the training objective (log loss plus the L2
# penalty) after every L-BFGS iteration of the best model. L-BFGS has no
# epochs, so to watch a validation score we refit the same pipeline with the
# stochastic solver Adam and ``early_stopping=True``: 10% of the training set
# is held out, ``validation_scores_`` holds its accuracy after every epoch, and
# the weights of the best epoch are restored at the end.
adam = clone(best).set_params(
    backpropclassifier__solver="adam",
    backpropclassifier__learning_rate_init=0.01,
    backpropclassifier__early_stopping=True,
    backpropclassifier__n_iter_no_change=30,
)
adam.fit(X_train, y_train)
adam_network = adam.named_steps["backpropclassifier"]
print(
    f"Adam with early stopping: {adam_network.n_iter_} epochs, best validation "
    f"accuracy {adam_network.best_validation_score_:.4f}, test accuracy "
    f"{adam.score(X_test, y_test):.4f}"
)

fig_curves, (ax_loss, ax_val) = plt.subplots(
    1, 2, figsize=(10, 4), layout="constrained"
)
for curve, label in [
    (network.loss_curve_, "L-BFGS (best model), per iteration"),
    (adam_network.loss_curve_, "Adam, per epoch"),
]:
    ax_loss.plot(np.arange(1, len(curve) + 1), curve, label=label)
ax_loss.set_yscale("log")
ax_loss.set_xlabel("iteration / epoch")
ax_loss.set_ylabel("training loss")
ax_loss.set_title("Loss curves")
ax_loss.legend()
epochs = np.arange(1, len(adam_network.validation_scores_) + 1)
ax_val.plot(epochs, adam_network.validation_scores_, color="C1")
best_epoch = int(np.argmax(adam_network.validation_scores_)) + 1
ax_val.axvline(best_epoch, color="gray", linestyle="--", label="weights restored")
ax_val.set_xlabel("epoch")
ax_val.set_ylabel("validation accuracy")
ax_val.set_title("Adam with early stopping")
ax_val.legend(loc="lower right")

# %%
# Confusion matrix on the test set
# --------------------------------
# Rows are the true speakers, columns the predicted ones; everything off the
# diagonal is a mistake.
fig_confusion, ax = plt.subplots(figsize=(5.5, 5), layout="constrained")
ConfusionMatrixDisplay.from_estimator(
    best, X_test, y_test, ax=ax, cmap="Blues", colorbar=False
)
ax.set_title(f"BackpropClassifier, test accuracy {test_accuracy:.4f}")

# %%
# Saving the figures
# ------------------
# The documentation build (sphinx-gallery) collects the figures itself; run as
# a script, the example writes them to the current directory.
if "sphinx_gallery" not in sys.modules:
    figures = {
        "speaker_identification_comparison.png": fig_comparison,
        "speaker_identification_curves.png": fig_curves,
        "speaker_identification_confusion.png": fig_confusion,
    }
    for filename, figure in figures.items():
        figure.savefig(filename, dpi=100)
        print(f"saved {filename}")
