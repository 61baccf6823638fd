"""The benchmark scripts in benchmarks/ run and print their tables (tiny sizes,
no timing asserted: speed is measured by running them, not by tests)."""

import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def load(name):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_predict_prints_both_libraries(capsys):
    load("bench_predict").main(
        ["--rows", "3000", "--features", "6", "--repeats", "1", "--latency-rounds", "1"]
    )
    rows = [
        line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")
    ]
    latency = [row for row in rows if row.startswith("| predict")]
    assert len(latency) == 3 * 3  # three methods on 1, 10 and 100 rows
    rows = [row for row in rows if row not in latency and "rows |" not in row]
    assert len(rows) == 1 + 4  # header, then 2 estimators x 2 libraries
    assert {row.split("|")[2].strip() for row in rows[1:]} == {"sklearn", "skbackprop"}


def test_bench_mfcc_prints_every_setting(capsys):
    load("bench_mfcc").main(["--recordings", "20", "--repeats", "1"])
    rows = [
        line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")
    ]
    assert len(rows) == 1 + 3 + 1  # header, three settings, the reference
    # with the same settings, both implementations find the same number of frames
    assert rows[3].split("|")[3] == rows[4].split("|")[3]
