"""The gallery examples run end to end, as a user runs them: a script in a shell."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# The models both comparison tables end with, after the tuned network and
# sklearn's MLP with its parameters.
DEFAULT_MODELS = [
    "MLPClassifier (defaults)",
    "LogisticRegression",
    "SVC",
    "KNeighborsClassifier",
    "RandomForestClassifier",
    "HistGradientBoostingClassifier",
]
COMPETITORS = [
    "BackpropClassifier (tuned)",
    "MLPClassifier (same parameters)",
    *DEFAULT_MODELS,
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


def run_comparison_example(name, folder, header, models, n_scores, figures):
    """Run the quick version of a comparison example and check what it shows.

    Its table has the ``header`` and a row per model (the name, then ``n_scores``
    scores), and each figure is a PNG file in ``folder`` that it says it saved.
    Returns its stdout for the checks of its own results.
    """
    stdout = run_example(name, folder, SKBACKPROP_EXAMPLE_QUICK="1")
    assert re.search(header, stdout)
    scores = r"\s+[01]\.\d{4}" * n_scores
    for model in models:
        assert re.search(rf"^\s*{re.escape(model)}{scores}", stdout, re.M), model
    for filename in figures:
        path = folder / filename
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", filename
        assert f"saved {filename}" in stdout
    return stdout


def test_speaker_identification_quick(tmp_path):
    stdout = run_comparison_example(
        "plot_speaker_identification.py",
        tmp_path,
        header=r"model\s+CV accuracy\s+CV std\s+test accuracy",
        models=COMPETITORS,
        n_scores=1,
        figures=FIGURES,
    )
    assert "270 training and 370 test utterances, 9 speakers" in stdout
    accuracy = float(re.search(r"official test accuracy: (\d\.\d+)", stdout).group(1))
    assert accuracy >= 0.98


def test_grid_search_pipeline(tmp_path):
    stdout = run_example("grid_search_pipeline.py", tmp_path)
    assert "classifier: test accuracy" in stdout
    assert "regressor: test R2" in stdout


SPOKEN_DIGITS_MODELS = [
    "BackpropClassifier (tuned)",
    "MLPClassifier (same, no smoothing)",
    *DEFAULT_MODELS,
]
SPOKEN_DIGITS_FIGURES = [
    "spoken_digits_mfcc.png",
    "spoken_digits_comparison.png",
    "spoken_digits_confusion.png",
]


def test_spoken_digits_quick(tmp_path):
    stdout = run_comparison_example(
        "plot_spoken_digits.py",
        tmp_path,
        header=r"model\s+seen speakers\s+unseen speakers\s+lost",
        models=SPOKEN_DIGITS_MODELS,
        n_scores=2,
        figures=SPOKEN_DIGITS_FIGURES,
    )
    assert "of 4 speakers; seen-speaker test: 200; unseen speakers" in stdout
    accuracy = float(re.search(r"unseen-speaker accuracy: (\d\.\d+)", stdout).group(1))
    assert accuracy > 0.5  # ten classes: chance is 0.1
    assert re.search(r"shuffled \d-fold CV \(speakers shared\)\s+0\.\d{4}", stdout)
