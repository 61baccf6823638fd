"""scikit-learn's own MLP test suite, run against BackpropClassifier and
BackpropRegressor in place of MLPClassifier and MLPRegressor.

The installed scikit-learn ships ``neural_network/tests/test_mlp.py``; its
import line is rewritten to our estimators and the whole file runs in a
subprocess. Only tests of sklearn's private internals are left out, each with
its reason; every other test must pass.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import sklearn
from sklearn.utils.fixes import parse_version

SUITE = Path(sklearn.__file__).parent / "neural_network" / "tests" / "test_mlp.py"
IMPORT = "from sklearn.neural_network import MLPClassifier, MLPRegressor"
OURS = (
    "from skbackprop import BackpropClassifier as MLPClassifier, "
    "BackpropRegressor as MLPRegressor"
)

# sklearn test -> why it cannot apply to another implementation, or where
# skbackprop deliberately differs
PRIVATE = {
    "test_fit": "sets and reads sklearn's private _coef_grads / _forward_pass",
    "test_gradient": "calls sklearn's private _backprop",
    "test_learning_rate_warmstart": "reads _optimizer.learning_rate (ours: _schedule)",
    "test_adaptive_learning_rate": "reads _optimizer.learning_rate (ours: _schedule)",
    "test_mlp_diverging_loss": (
        "expects training to go on after the loss exploded (NaN validation "
        "scores); skbackprop stops a diverging fit, restores the best weights "
        "and warns (the divergence rule of skbackprop._engine.trainer)"
    ),
    "test_preserve_feature_names[MLPClassifier]": (
        "fits a single class, which BackpropClassifier refuses with a clear "
        "ValueError, as LogisticRegression and most sklearn classifiers do"
    ),
}

CONFTEST = """
import pytest


@pytest.fixture(params=[0, 42])
def global_random_seed(request):
    return request.param
"""


@pytest.mark.skipif(
    parse_version(sklearn.__version__) < parse_version("1.9") or not SUITE.exists(),
    reason="the suite of scikit-learn >= 1.9, as installed with its tests",
)
def test_sklearn_mlp_suite_passes(tmp_path):
    source = SUITE.read_text()
    assert IMPORT in source
    (tmp_path / "test_mlp_skbackprop.py").write_text(source.replace(IMPORT, OURS))
    (tmp_path / "conftest.py").write_text(CONFTEST)
    deselect = []
    for name in PRIVATE:
        # parametrised ids carry our class names after the import rewrite
        node = name.replace("[MLPClassifier]", "[BackpropClassifier]")
        deselect += ["--deselect", f"test_mlp_skbackprop.py::{node}"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *deselect],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout[-4000:]
    assert " passed" in summary and "deselected" in summary
