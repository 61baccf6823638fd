"""What the speech front end and the network's regularisation add for unseen voices.

On the Free Spoken Digit Dataset shipped with skbackprop (six speakers), every
configuration below is scored two ways, always on speakers the model never heard:

- ``LOSO``: leave-one-speaker-out, trained on five speakers, tested on the sixth;
  the mean accuracy over the six folds (and the worst fold);
- ``unseen pair``: the split of ``examples/plot_spoken_digits.py``, trained on the
  official training takes of four speakers, tested on every take of the other two
  (nicolas and theo).

The rows change one thing at a time: the front end (no trimming, the default
``trim="auto"``, deltas, per-recording cepstral mean / mean-and-variance
normalisation, the segment statistics of ``UtteranceFeatures``, a hand-made
summary of librosa-trimmed MFCCs), then the classifier on the chosen front end
(label smoothing, an ensemble of seeds, dropout, and scikit-learn's SVC for
reference). ``MFCC`` and ``UtteranceFeatures`` learn nothing from the data, so
each front end's features are computed once; the scaler and the classifier are
fitted in each fold. Writes ``speech_unseen_voices.csv`` next to this script
(the table in docs/speech_features.rst) and prints it.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/speech_unseen_voices.py

About five minutes on one core (``--n-jobs 2`` halves it); ``--quick`` runs a
reduced version in seconds (for the test suite).
"""

import argparse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.ensemble import VotingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import LeaveOneGroupOut
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

from skbackprop import BackpropClassifier
from skbackprop.datasets import load_spoken_digits
from skbackprop.preprocessing import MFCC, UtteranceFeatures

OUTPUT = Path(__file__).with_suffix(".csv")
UNSEEN = ["nicolas", "theo"]  # the example's two held-out speakers


def network(**params):
    """The example's network: one tanh layer of 64, L-BFGS, strong L2."""
    defaults = {"hidden_layer_sizes": (64,), "activation": "tanh", "solver": "lbfgs",
                "alpha": 3.0, "max_iter": 1000, "random_state": 0}  # fmt: skip
    return BackpropClassifier(**{**defaults, **params})


def seed_ensemble(model, n_seeds):
    """Soft vote of ``n_seeds`` copies of ``model`` that differ in their seed."""
    members = [
        (f"seed{s}", clone(model).set_params(random_state=s)) for s in range(n_seeds)
    ]
    return VotingClassifier(members, voting="soft")


def mean_std_summary(frames):
    """The hand-made summary: each coefficient's mean and std over the frames."""
    return np.array([np.r_[U.mean(axis=0), U.std(axis=0)] for U in frames])


def librosa_trimmed(waveforms, top_db=20):
    """Each recording cut to librosa.effects.trim's speech range (top_db below max)."""
    import librosa

    return [librosa.effects.trim(x, top_db=top_db)[0] for x in waveforms]


def front_ends(rate):
    """Name -> function of the waveforms returning the feature matrix."""

    def ours(mfcc, summary=None):
        summary = UtteranceFeatures() if summary is None else summary
        return lambda X: summary.fit_transform(
            MFCC(sample_rate=rate, **mfcc).fit_transform(X)
        )

    return {
        "no trimming (trim=None)": ours({"trim": None}),
        "default: MFCC() -> UtteranceFeatures()": ours({}),
        "default + deltas=1": ours({"deltas": 1}),
        "default + deltas=2": ours({"deltas": 2}),
        "deltas=1 + CMN (normalize='mean')": ours({"deltas": 1, "normalize": "mean"}),
        "deltas=1 + CMVN (normalize='mean_var')": ours(
            {"deltas": 1, "normalize": "mean_var"}
        ),
        "deltas=1, mean+std only (no segments)": ours(
            {"deltas": 1}, UtteranceFeatures(stats=("mean", "std"), n_resample=0)
        ),
        "hand-made: librosa trim 20 dB, MFCC mean+std": lambda X: mean_std_summary(
            MFCC(sample_rate=rate, trim=None).fit_transform(librosa_trimmed(X))
        ),
    }


def classifiers(quick):
    n_seeds = 2 if quick else 5
    smoothed = network(label_smoothing=0.2)
    return {
        "network": network(),
        "network, label_smoothing=0.2": smoothed,
        f"network, label_smoothing=0.2, {n_seeds} seeds": seed_ensemble(
            smoothed, n_seeds
        ),
        "network, adam, dropout=0.3": network(
            solver="adam",
            dropout=0.3,
            alpha=1.0,
            max_iter=60 if quick else 300,
            batch_size=64,
            learning_rate_init=1e-3,
        ),  # fmt: skip
        "SVC (RBF)": SVC(),
    }


def score(model, F, y, train, test):
    with warnings.catch_warnings():
        # adam stopped at max_iter is part of the setting being measured
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = make_pipeline(StandardScaler(), clone(model)).fit(F[train], y[train])
    return float(np.mean(fitted.predict(F[test]) == y[test]))


def splits(digits, quick):
    """Name and (train, test) masks: the six LOSO folds, then the example's split."""
    keep = digits.take % 10 == 0 if quick else np.ones(len(digits.target), bool)
    out = []
    for train, test in LeaveOneGroupOut().split(digits.data, groups=digits.speaker):
        fold_train = np.zeros_like(keep)
        fold_test = np.zeros_like(keep)
        fold_train[train], fold_test[test] = True, True
        out.append(("loso", fold_train & keep, fold_test & keep))
    unseen = np.isin(digits.speaker, UNSEEN)
    out.append(("pair", ~unseen & (digits.split == "train") & keep, unseen & keep))
    return out


def evaluate(rows, digits, quick, n_jobs):
    """rows: (front end, classifier) names; returns one result line per row."""
    fronts = front_ends(digits.sample_rate)
    models = classifiers(quick)
    features = {
        name: fronts[name](digits.data) for name in dict.fromkeys(f for f, _ in rows)
    }
    folds = splits(digits, quick)
    jobs = [(f, c, kind, train, test) for f, c in rows for kind, train, test in folds]
    scores = Parallel(n_jobs=n_jobs)(
        delayed(score)(models[c], features[f], digits.target, train, test)
        for f, c, _, train, test in jobs
    )
    table = pd.DataFrame(
        [(f, c, kind, s) for (f, c, kind, _, _), s in zip(jobs, scores)],
        columns=["front end", "classifier", "kind", "accuracy"],
    )
    grouped = table.groupby(["front end", "classifier", "kind"], sort=False)["accuracy"]
    wide = grouped.agg(["mean", "min"]).unstack("kind")
    return pd.DataFrame({
        "front end": [f for f, _ in wide.index],
        "classifier": [c for _, c in wide.index],
        "LOSO mean": wide[("mean", "loso")].to_numpy(),
        "LOSO worst": wide[("min", "loso")].to_numpy(),
        "unseen pair": wide[("mean", "pair")].to_numpy(),
    })  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the takes")
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    digits = load_spoken_digits()
    fronts = list(front_ends(digits.sample_rate))
    models = list(classifiers(args.quick))
    chosen = fronts[2]  # default + deltas=1
    rows = [(f, models[1]) for f in fronts] + [(f, models[-1]) for f in fronts]
    rows += [(chosen, c) for c in models if (chosen, c) not in rows]
    with threadpool_limits(1):
        table = evaluate(rows, digits, args.quick, args.n_jobs)
    table.to_csv(args.output, index=False, float_format="%.3f")
    print(table.to_string(index=False, float_format="{:.3f}".format))
    return table


if __name__ == "__main__":
    main()
