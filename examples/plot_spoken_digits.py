"""
==========================================================
Spoken digits from raw audio, recognised for unseen voices
==========================================================

Six men say the digits "zero" to "nine" fifty times each (the Free Spoken
Digit Dataset, shipped with skbackprop). Recognising a digit from a voice the
model has already heard is easy; the question that matters in speech is
whether it still works for a speaker it has never heard. This example answers
it the scikit-learn way:

1. turn raw waveforms into frames of mel-frequency cepstral coefficients with
   :class:`~skbackprop.preprocessing.MFCC`, summarise each recording with
   :class:`~skbackprop.preprocessing.UtteranceFeatures`, scale, and classify
   with :class:`~skbackprop.BackpropClassifier`, all in one pipeline;
2. hold two speakers out entirely, and tune the front end and the network
   together by a grid search whose cross-validation folds hold out whole
   speakers (:class:`~sklearn.model_selection.LeaveOneGroupOut`);
3. score on the two unseen speakers, compare with six other scikit-learn
   classifiers on the same features, and measure how much accuracy is lost
   from seen to unseen speakers.

Run as a script, it also saves its three figures as PNG files in the current
directory.
"""

# %%
# Load the recordings
# -------------------
# ``data`` holds 3,000 waveforms, float32 samples at 8 kHz, each of its own
# length. ``speaker`` and ``take`` say who spoke and which repetition it was.
# Two speakers, chosen before any model was fitted (one with a French accent,
# one from the USA), are set aside as the unseen voices; the other four
# provide the training data. Of those four, the official test takes (0 to 4)
# are kept apart too, to measure accuracy on seen voices.
import os
import sys
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    VotingClassifier,
)
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score
from sklearn.model_selection import (
    GridSearchCV,
    LeaveOneGroupOut,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

from skbackprop import BackpropClassifier
from skbackprop.datasets import load_spoken_digits
from skbackprop.preprocessing import MFCC, UtteranceFeatures

# Small matrices: one BLAS thread per fit, two fits at a time.
threadpool_limits(1)
N_JOBS = 2
# sphinx_gallery_start_ignore
# The test suite sets SKBACKPROP_EXAMPLE_QUICK=1 to run a reduced version of
# this example in a few seconds; leave it unset for the real thing.
QUICK = os.environ.get("SKBACKPROP_EXAMPLE_QUICK", "") not in ("", "0")
if QUICK:
    N_JOBS = 1
# sphinx_gallery_end_ignore

digits = load_spoken_digits()
UNSEEN = ["nicolas", "theo"]
unseen = np.isin(digits.speaker, UNSEEN)
seen_test = ~unseen & (digits.split == "test")
train = ~unseen & (digits.split == "train")
# sphinx_gallery_start_ignore
if QUICK:  # a fifth of the takes
    train &= digits.take % 5 == 0
    unseen &= digits.take % 5 == 0
# sphinx_gallery_end_ignore
X_train, y_train = digits.data[train], digits.target[train]
groups_train = digits.speaker[train]
print(
    f"training: {train.sum()} recordings of {len(set(groups_train))} speakers; "
    f"seen-speaker test: {seen_test.sum()}; unseen speakers {UNSEEN}: "
    f"{unseen.sum()}"
)

# %%
# A recording and its coefficients
# --------------------------------
# ``MFCC`` cuts the waveform into 25 ms frames every 10 ms and describes each
# by 13 numbers: the log energy and 12 cepstral coefficients, which trace the
# shape of the spectrum (the vocal tract) and not its fine structure (the
# pitch). The image shows them frame by frame.
example = np.flatnonzero((digits.speaker == "jackson") & (digits.target == 7))[0]
x = digits.data[example]
coefficients = MFCC(sample_rate=digits.sample_rate).fit_transform([x])[0]
fig_audio, (ax_wave, ax_mfcc) = plt.subplots(
    2, 1, figsize=(8, 5), sharex=True, layout="constrained"
)
seconds = np.arange(len(x)) / digits.sample_rate
ax_wave.plot(seconds, x, linewidth=0.5)
ax_wave.set_ylabel("amplitude")
ax_wave.set_title('"seven", spoken by jackson')
image = ax_mfcc.imshow(
    coefficients.T,
    aspect="auto",
    origin="lower",
    cmap="magma",
    extent=(0, len(coefficients) * 0.01, -0.5, coefficients.shape[1] - 0.5),
)
ax_mfcc.set_yticks([0, 4, 8, 12], ["log E", "c4", "c8", "c12"])
ax_mfcc.set_xlabel("time (s)")
ax_mfcc.set_ylabel("coefficient")
_ = fig_audio.colorbar(image, ax=ax_mfcc, label="value")

# %%
# One pipeline from waveforms to digits
# -------------------------------------
# Every step is a transformer, so cross-validation computes each fold's
# features from that fold alone, and the grid search can tune the front end
# with the network. ``MFCC`` trims the silence before and after each word by
# default (``trim="auto"``, relative to the recording's own noise floor): how
# long the speaker waited is no clue to the digit. Deltas (``deltas=1``) add
# how the spectrum moves, delta-deltas (``deltas=2``) how that changes. With
# 1,800 training recordings the full-batch solver ``'lbfgs'`` needs no
# learning rate; a strong L2 penalty keeps the network from fitting the four
# training voices too closely.
# ``benchmarks/speech_unseen_voices.py`` measures what each of these choices
# adds on unseen speakers (see the "Speech features" page of the user guide).
pipeline = make_pipeline(
    MFCC(sample_rate=digits.sample_rate, deltas=1),
    UtteranceFeatures(),
    StandardScaler(),
    BackpropClassifier(
        hidden_layer_sizes=(64,),
        activation="tanh",
        solver="lbfgs",
        alpha=3.0,
        max_iter=1000,
        random_state=0,
    ),
)

# %%
# Tune the front end and the network, holding out whole speakers
# ---------------------------------------------------------------
# The grid covers the front end's deltas (up to the deltas or the
# delta-deltas), the network's width and its label smoothing, which keeps it
# from growing overconfident on the training voices. (Any other step joins
# the grid the same way, for instance ``"utterancefeatures__n_resample": [5,
# 10]`` or ``"mfcc__normalize": [None, "mean"]``; every value doubles the
# time of the search.) ``LeaveOneGroupOut`` with the speakers as groups trains
# each candidate on three of the four training speakers and scores it on the
# fourth, so the search picks what generalises to new voices, not what
# memorises known ones.
param_grid = {
    "mfcc__deltas": [1, 2],
    "backpropclassifier__hidden_layer_sizes": [(64,), (256,)],
    "backpropclassifier__label_smoothing": [0.0, 0.2],
}
# sphinx_gallery_start_ignore
if QUICK:
    param_grid = {"backpropclassifier__label_smoothing": [0.0, 0.2]}
# sphinx_gallery_end_ignore
grouped_cv = LeaveOneGroupOut()
search = GridSearchCV(pipeline, param_grid, cv=grouped_cv, n_jobs=N_JOBS)
start = time.perf_counter()
search.fit(X_train, y_train, groups=groups_train)
n_candidates = len(search.cv_results_["params"])
n_folds = grouped_cv.get_n_splits(groups=groups_train)
print(
    f"grid search: {n_candidates} candidates x {n_folds} speaker folds "
    f"in {time.perf_counter() - start:.1f} s"
)
for name, value in search.best_params_.items():
    print(f"  {name} = {value}")
print(f"leave-one-speaker-out accuracy of the best candidate: {search.best_score_:.4f}")

# %%
# Accuracy on the two unseen speakers
# -----------------------------------
# ``GridSearchCV`` refitted the best pipeline on all four training speakers;
# the two held-out voices are used once, now.
best = search.best_estimator_
X_unseen, y_unseen = digits.data[unseen], digits.target[unseen]
unseen_predicted = best.predict(X_unseen)
unseen_accuracy = accuracy_score(y_unseen, unseen_predicted)
print(f"BackpropClassifier, unseen-speaker accuracy: {unseen_accuracy:.4f}")

# %%
# Comparison with other scikit-learn classifiers
# ----------------------------------------------
# Every model gets the front end chosen by the search, then a scaler. ``MFCC``
# and ``UtteranceFeatures`` learn nothing from the data, so the features are
# computed once for all recordings. Each model is fitted on the four training
# speakers and scored on their held-out takes (seen speakers) and on the two
# unseen speakers. The other models keep their defaults (iterations raised
# where they would not converge), so the comparison favours the tuned network
# a little. sklearn's ``MLPClassifier`` also appears with the parameters
# found for ``BackpropClassifier`` except label smoothing, which it does not
# have. (Fitting each model once keeps the example fast: gradient boosting on
# ten classes is the slowest fit.)
front_end = best[:2]
features = front_end.transform(digits.data)  # (3000, n_features)
F_train, F_seen, F_unseen = features[train], features[seen_test], features[unseen]
y_seen = digits.target[seen_test]
network = best.named_steps["backpropclassifier"]
tuned = {
    name: getattr(network, name)
    for name in ("hidden_layer_sizes", "activation", "solver", "alpha", "max_iter")
}
# An ensemble of the tuned network trained from five seeds, averaging their
# probabilities, is a cheap way to lower the variance of a network trained on
# few voices.
seeds = [(f"seed{s}", clone(network).set_params(random_state=s)) for s in range(5)]
competitors = {
    "BackpropClassifier (tuned, 5 seeds)": VotingClassifier(seeds, voting="soft"),
    "MLPClassifier (same, no smoothing)": MLPClassifier(**tuned, random_state=0),
    "MLPClassifier (defaults)": MLPClassifier(max_iter=1000, random_state=0),
    "LogisticRegression": LogisticRegression(max_iter=3000),
    "SVC": SVC(),
    "KNeighborsClassifier": KNeighborsClassifier(),
    "RandomForestClassifier": RandomForestClassifier(random_state=0),
    "HistGradientBoostingClassifier": HistGradientBoostingClassifier(random_state=0),
}
# sphinx_gallery_start_ignore
if QUICK:
    competitors["RandomForestClassifier"].set_params(n_estimators=50)
    competitors["HistGradientBoostingClassifier"].set_params(max_iter=20)
# sphinx_gallery_end_ignore


def fit_and_predict(model):
    """Fit scaler + model on the training speakers; predict seen and unseen."""
    fitted = make_pipeline(StandardScaler(), model).fit(F_train, y_train)
    return fitted.predict(F_seen), fitted.predict(F_unseen)


start = time.perf_counter()
outputs = Parallel(n_jobs=N_JOBS)(
    delayed(fit_and_predict)(model) for model in competitors.values()
)
print(f"{len(competitors)} models fitted in {time.perf_counter() - start:.1f} s")
# The tuned network is the search's refitted pipeline itself.
models = ["BackpropClassifier (tuned)", *competitors]
outputs = [(best.predict(digits.data[seen_test]), unseen_predicted), *outputs]
predictions = {name: unseen for name, (_, unseen) in zip(models, outputs)}
table = pd.DataFrame(
    {
        "model": models,
        "seen speakers": [accuracy_score(y_seen, seen) for seen, _ in outputs],
        "unseen speakers": [accuracy_score(y_unseen, un) for _, un in outputs],
    }
)
table["lost (points)"] = 100 * (table["seen speakers"] - table["unseen speakers"])
table = table.sort_values("unseen speakers", ascending=False, ignore_index=True)
print(
    table.to_string(
        index=False,
        float_format="{:.4f}".format,
        formatters={"lost (points)": "{:.1f}".format},
    )
)

# %%
# The comparison as a chart, on the full 0-1 axis so that no difference looks
# bigger than it is. The whiskers are 95% bootstrap intervals: the accuracy
# recomputed on 1,000 resamples of the test recordings, a measure of how
# much the figure owes to which recordings happened to be tested (200 seen,
# 1,000 unseen).
rng = np.random.default_rng(0)


def bootstrap_error(y_true, y_pred, accuracy):
    """Distances from ``accuracy`` down and up to the 95% bootstrap interval."""
    correct = y_true == y_pred  # (n,)
    resamples = rng.integers(0, len(correct), size=(1000, len(correct)))
    low, high = np.percentile(correct[resamples].mean(axis=1), [2.5, 97.5])
    return [accuracy - low, high - accuracy]


order = {name: i for i, name in enumerate(models)}
unseen_err = np.array(
    [
        bootstrap_error(y_unseen, predictions[name], acc)
        for name, acc in zip(table["model"], table["unseen speakers"])
    ]
).T  # (2, n_models)
seen_err = np.array(
    [
        bootstrap_error(y_seen, outputs[order[name]][0], acc)
        for name, acc in zip(table["model"], table["seen speakers"])
    ]
).T  # (2, n_models)

fig_comparison, ax = plt.subplots(figsize=(8, 4.8), layout="constrained")
y_pos = np.arange(len(table))
ax.barh(
    y_pos - 0.2,
    table["unseen speakers"],
    height=0.4,
    xerr=unseen_err,
    capsize=3,
    label="unseen speakers",
)
ax.barh(
    y_pos + 0.2,
    table["seen speakers"],
    height=0.4,
    xerr=seen_err,
    capsize=3,
    label="seen speakers, held-out takes",
)
ax.set_yticks(y_pos, table["model"])
ax.invert_yaxis()
ax.set_xlim(0.0, 1.0)
ax.set_xlabel("accuracy (10 digits; whiskers: 95% bootstrap interval)")
ax.set_title("Spoken digits: same features, different classifiers")
_ = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2)

# %%
# What the comparison says
# ------------------------
# The loss from seen to unseen voices, not the choice of classifier, is the
# main fact about this data. With four training voices, the best few models
# on two new ones often lie within each other's bootstrap intervals, and their
# order depends on which two speakers are held out. The lines below are
# computed from the table above; label smoothing is measured against sklearn's
# ``MLPClassifier`` with the same architecture and penalty, which lacks it.
by_model = table.set_index("model")
ours = by_model.loc["BackpropClassifier (tuned)", "unseen speakers"]
others = by_model.drop(index=[name for name in by_model.index if "Backprop" in name])
best_other = others["unseen speakers"].idxmax()
print(
    f"seen -> unseen speakers: every model loses "
    f"{table['lost (points)'].min():.1f} to {table['lost (points)'].max():.1f} points"
)
print(
    f"unseen speakers: tuned network {ours:.4f}, best scikit-learn model "
    f"{best_other} {others.loc[best_other, 'unseen speakers']:.4f} "
    f"({100 * (ours - others.loc[best_other, 'unseen speakers']):+.1f} points)"
)
no_smoothing = by_model.loc["MLPClassifier (same, no smoothing)", "unseen speakers"]
print(
    f"label smoothing: {100 * (ours - no_smoothing):+.1f} points over the same "
    "network without it"
)
row = table.index[table["model"] == "BackpropClassifier (tuned)"][0]
print(
    "95% bootstrap interval of the tuned network on the unseen speakers: "
    f"{ours - unseen_err[0, row]:.4f} to {ours + unseen_err[1, row]:.4f}"
)

# %%
# What a cross-validation that mixes speakers would have promised
# ---------------------------------------------------------------
# The same best pipeline, scored four ways: a shuffled 5-fold
# cross-validation over the training recordings (every fold contains every
# speaker), the seen speakers' held-out takes, the search's
# leave-one-speaker-out cross-validation, and the unseen speakers. Compare
# each with the last number, the one a new user of the model will see: only
# the grouped estimate kept every voice it scores out of training.
mixed_cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
# sphinx_gallery_start_ignore
if QUICK:
    mixed_cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
# sphinx_gallery_end_ignore
mixed = cross_val_score(
    make_pipeline(StandardScaler(), clone(network)), F_train, y_train, cv=mixed_cv,
    n_jobs=N_JOBS,
)  # fmt: skip
seen_accuracy = best.score(digits.data[seen_test], y_seen)
estimates = pd.DataFrame(
    {
        "estimate": [
            f"shuffled {mixed_cv.get_n_splits()}-fold CV (speakers shared)",
            "seen speakers, held-out takes",
            "leave-one-speaker-out CV",
            "unseen speakers",
        ],
        "accuracy": [mixed.mean(), seen_accuracy, search.best_score_, unseen_accuracy],
    }
)
print(estimates.to_string(index=False, float_format="{:.4f}".format))
print(
    f"seen -> unseen speakers: {100 * (seen_accuracy - unseen_accuracy):.1f} "
    "points lost"
)

# %%
# Confusion matrix on the unseen speakers
# ---------------------------------------
# Rows are the spoken digits, columns the predicted ones.
# The matrix and its title come from the same predictions, those of the tuned
# pipeline above: the title's accuracy is the share of the diagonal.
fig_confusion, ax = plt.subplots(figsize=(5.5, 5), layout="constrained")
display = ConfusionMatrixDisplay.from_predictions(
    y_unseen, unseen_predicted, ax=ax, cmap="Blues", colorbar=False
)
diagonal = np.trace(display.confusion_matrix) / display.confusion_matrix.sum()
_ = ax.set_title(f"BackpropClassifier, unseen speakers: accuracy {diagonal:.4f}")

# %%
# Saving the figures
# ------------------
# The documentation build (sphinx-gallery) collects the figures itself; run as
# a script, the example writes them to the current directory.
if "sphinx_gallery" not in sys.modules:
    figures = {
        "spoken_digits_mfcc.png": fig_audio,
        "spoken_digits_comparison.png": fig_comparison,
        "spoken_digits_confusion.png": fig_confusion,
    }
    for filename, figure in figures.items():
        figure.savefig(filename, dpi=100)
        print(f"saved {filename}")
