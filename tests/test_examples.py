"""The gallery examples run end to end, as a user runs them: a script in a shell."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
COMPETITORS = [
    "BackpropClassifier (tuned)",
    "MLPClassifier (same parameters)",
    "MLPClassifier (defaults)",
    "LogisticRegression",
    "SVC",
    "KNeighborsClassifier",
    "RandomForestClassifier",
    "HistGradientBoostingClassifier",
]
FIGURES = [
    "speaker_identification_comparison.png",
    "speaker_identification_curves.png",
    "speaker_identification_confusion.png",
]

pytest.importorskip("matplotlib")


def run_example(name, cwd, **env):
    """Run examples/<name> in a subprocess from ``cwd``; return its stdout."""
    environ = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        **env,
    }
    # The project's warning policy holds for the examples too.
    command = [
        sys.executable,
        "-W",
        "error::FutureWarning",
        "-W",
        "error::DeprecationWarning",
        str(EXAMPLES / name),
    ]
    result = subprocess.run(
        command, cwd=cwd, env=environ, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # A reader copies the examples' settings: they must converge, not print
    # warnings (the gallery page would show them too).
    assert "ConvergenceWarning" not in result.stderr, result.stderr[-3000:]
    return result.stdout


def test_speaker_identification_quick(tmp_path):
    stdout = run_example(
        "plot_speaker_identification.py", tmp_path, SKBACKPROP_EXAMPLE_QUICK="1"
    )
    assert "270 training and 370 test utterances, 9 speakers" in stdout
    # the comparison table: its header and one row per model
    assert re.search(r"model\s+CV accuracy\s+CV std\s+test accuracy", stdout)
    for name in COMPETITORS:
        assert re.search(rf"^\s*{re.escape(name)}\s+[01]\.\d{{4}}", stdout, re.M), name
    accuracy = float(re.search(r"official test accuracy: (\d\.\d+)", stdout).group(1))
    assert accuracy >= 0.98
    for filename in FIGURES:
        path = tmp_path / filename
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", filename
        assert f"saved {filename}" in stdout


def test_grid_search_pipeline(tmp_path):
    stdout = run_example("grid_search_pipeline.py", tmp_path)
    assert "classifier: test accuracy" in stdout
    assert "regressor: test R2" in stdout


SPOKEN_DIGITS_MODELS = [
    "BackpropClassifier (tuned)",
    "MLPClassifier (same, no smoothing)",
    "MLPClassifier (defaults)",
    "LogisticRegression",
    "SVC",
    "KNeighborsClassifier",
    "RandomForestClassifier",
    "HistGradientBoostingClassifier",
]
SPOKEN_DIGITS_FIGURES = [
    "spoken_digits_mfcc.png",
    "spoken_digits_comparison.png",
    "spoken_digits_confusion.png",
]


def test_spoken_digits_quick(tmp_path):
    stdout = run_example(
        "plot_spoken_digits.py", tmp_path, SKBACKPROP_EXAMPLE_QUICK="1"
    )
    assert "of 4 speakers; seen-speaker test: 200; unseen speakers" in stdout
    assert re.search(r"model\s+seen speakers\s+unseen speakers\s+lost", stdout)
    for name in SPOKEN_DIGITS_MODELS:
        row = rf"^\s*{re.escape(name)}\s+[01]\.\d{{4}}\s+[01]\.\d{{4}}"
        assert re.search(row, stdout, re.M), name
    accuracy = float(re.search(r"unseen-speaker accuracy: (\d\.\d+)", stdout).group(1))
    assert accuracy > 0.5  # ten classes: chance is 0.1
    assert re.search(r"shuffled \d-fold CV \(speakers shared\)\s+0\.\d{4}", stdout)
    for filename in SPOKEN_DIGITS_FIGURES:
        path = tmp_path / filename
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", filename
        assert f"saved {filename}" in stdout
