"""benchmarks/bench_tabular.py runs end to end and summarises as documented
(a tiny data set, one split, fast models; no timing asserted)."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load():
    spec = importlib.util.spec_from_file_location(
        "bench_tabular", BENCHMARKS / "bench_tabular.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load()

# the module of each source package (the `benchmark` extra installs them)
MODULES = {"scikit-learn": "sklearn", "scikit-lego": "sklego"}


def test_runs_end_to_end_and_writes_its_tables(tmp_path, capsys):
    out = tmp_path / "tabular.md"
    argv = [
        "--datasets",
        "digits",
        "--splits",
        "1",
        "--max-rows",
        "300",
        "--models",
        "hgb,linear",
        "--out",
        str(out),
    ]
    records = bench.main(argv)
    assert list(records["model"]) == ["hgb", "linear"]
    assert records["score"].between(0.8, 1).all()  # accuracy on digits
    text = out.read_text()
    assert text in capsys.readouterr().out
    assert "python benchmarks/bench_tabular.py " + " ".join(argv) in text
    for model in ("hgb", "linear"):  # a row of the summary each
        assert sum(line.startswith(f"| {model} |") for line in text.splitlines()) == 1
    saved = pd.read_csv(out.with_suffix(".csv"))
    pd.testing.assert_frame_equal(saved, records, check_dtype=False)


def test_unknown_names_are_refused_with_the_choices():
    with pytest.raises(SystemExit, match=r"--models: unknown \['xgb'\].*'hgb'"):
        bench.parse_args(["--models", "hgb,xgb"])


def test_summary_ranks_normalises_and_finds_the_largest_gap():
    scores = {  # data set -> model -> score (mean over two splits)
        "a": {"m1": 0.9, "m2": 0.8, "m3": 0.5},
        "b": {"m1": 0.6, "m2": 0.7, "m3": np.nan},  # m3 failed
    }
    records = pd.DataFrame(
        [
            dict(dataset=d, split=k, model=m, score=s + (0.01 if k else -0.01), cpu=1.0)
            for d, row in scores.items()
            for m, s in row.items()
            for k in (0, 1)
        ]
    )
    _, ranks, summary = bench.summarise(records)
    assert ranks.loc["b"].tolist() == [2, 1, 3]  # a failure ranks last
    assert summary.index.tolist() == ["m1", "m2", "m3"]
    assert summary["mean rank"].tolist() == [1.5, 1.5, 3]
    # a: (s - 0.5) / 0.4; b: (s - 0.6) / 0.1 among the models that ran
    np.testing.assert_allclose(summary["mean normalised"], [0.5, 0.875, 0])
    np.testing.assert_allclose(summary.loc[["m1", "m2"], "max gap"], [0.1, 0.1])
    assert summary.loc["m1", "worst set"] == "b"
    assert summary["CPU s"].tolist() == [4, 4, 4]


@pytest.mark.parametrize("name", list(bench.DATASETS))
def test_every_data_set_loads_offline_with_categories_as_category(name):
    dataset = bench.DATASETS[name]
    pytest.importorskip(MODULES.get(dataset.package, dataset.package))
    X, y = dataset.load()
    assert isinstance(X, pd.DataFrame) and len(X) == len(y) >= 1500
    for column in X.columns:  # numbers as float64, anything else a category
        assert X[column].dtype in (np.float64, "category"), column
    if dataset.task == bench.REGRESSION:
        assert np.isfinite(y).all()
    else:
        assert set(np.unique(y)) == set(range(y.max() + 1)) and y.max() >= 1


def test_goal_checks_rank_normalised_score_gap_and_cpu_budget():
    summary = pd.DataFrame(
        {
            "mean rank": [1.5, 2.0, 2.5],
            "mean normalised": [0.9, 0.8, 0.7],
            "max gap": [0.02, 0.05, 0.1],
            "CPU s": [20.0, 1.0, 100.0],
        },
        index=["fast", "slow", "realmlp_td"],
    )
    assert bench.goal(summary, "fast")["met"].tolist() == ["yes"] * 4
    assert bench.goal(summary, "slow")["met"].tolist() == ["no", "no", "no", "yes"]
    without_reference = bench.goal(summary.drop("realmlp_td"), "fast")
    assert len(without_reference) == 3


def test_add_to_reports_the_models_of_an_earlier_run(tmp_path):
    first = tmp_path / "first.md"
    argv = ["--datasets", "digits", "--splits", "1", "--max-rows", "300"]
    bench.main([*argv, "--models", "hgb,linear", "--out", str(first)])
    csv = str(first.with_suffix(".csv"))
    records = bench.main([*argv, "--models", "linear", "--add-to", csv])
    assert list(records["model"]) == ["hgb", "linear"]  # linear replaced
    again = bench.main([*argv, "--records", csv])  # summarised, not run
    pd.testing.assert_frame_equal(again, pd.read_csv(csv))
    with pytest.raises(SystemExit, match="--add-to: .* same --datasets"):
        bench.main([*argv, "--splits", "2", "--models", "linear", "--add-to", csv])
