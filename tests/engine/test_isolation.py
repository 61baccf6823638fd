"""The engine imports and runs without scikit-learn.

Imports run one way (``_engine`` <- estimators), so every engine module is
imported in a fresh interpreter where sklearn cannot be imported. The package's
``__init__`` imports the estimators (and so sklearn); the subprocess therefore
registers a bare ``skbackprop`` package object pointing at the source directory
and imports ``skbackprop._engine`` beneath it without running ``__init__``.
"""

import ast
import importlib.util
import json
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BLOCKERS = {
    # a meta-path finder that refuses sklearn and all its submodules
    "meta_path": """
        import importlib.abc

        class BlockSklearn(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "sklearn" or name.startswith("sklearn."):
                    raise ImportError(f"sklearn is blocked: {name}")
                return None

        sys.meta_path.insert(0, BlockSklearn())
    """,
    # None in sys.modules makes every `import sklearn...` raise ImportError
    "sys_modules_none": """
        sys.modules["sklearn"] = None
    """,
}

SCRIPT = """
import importlib
import json
import pkgutil
import sys
import types

{blocker}

try:
    import sklearn  # noqa: F401
except ImportError:
    pass
else:
    raise SystemExit("the sklearn blocker does not work")

pkg = types.ModuleType("skbackprop")
pkg.__path__ = [{package_dir!r}]
sys.modules["skbackprop"] = pkg

engine = importlib.import_module("skbackprop._engine")
modules = []
for info in pkgutil.walk_packages(engine.__path__, prefix="skbackprop._engine."):
    importlib.import_module(info.name)
    modules.append(info.name)

import numpy as np
from skbackprop._engine import (
    OPTIMIZERS, SCHEDULES, Monitor, Network, Trainer, TrainingState, fit_lbfgs
)

rng = np.random.RandomState(0)
X = rng.normal(size=(20, 4))
Y = np.eye(3)[rng.randint(3, size=20)]
net = Network([4, 5, 3], "tanh", "log_loss", np.float64, dropout=0.2, rng=rng)
net.params[...] = rng.uniform(-0.5, 0.5, net.params.size)
loss = net.loss_and_grads(X, Y, rng.uniform(0.5, 2.0, 20), alpha=0.1)
assert np.isfinite(loss) and np.isfinite(net.grads).all() and net.grads.any()

trainer = Trainer(net, OPTIMIZERS["adam"](net.params.size, np.float64),
                  SCHEDULES["constant"](0.01), alpha=0.1, batch_size=8,
                  shuffle=True, rng=rng)
state = TrainingState()
result = trainer.fit(X, Y, None, state, Monitor(), 2)
assert (state.n_iter, len(state.history), result.stop.value) == (2, 2, "max_iter")
result = fit_lbfgs(net, X, Y, None, TrainingState(), Monitor(),
                   alpha=0.1, max_iter=3, max_fun=100, tol=1e-4)
assert np.isfinite(result.solver_result.fun)

leaked = sorted(m for m in sys.modules if m == "sklearn" or m.startswith("sklearn."))
# the sys.modules blocker leaves the key "sklearn" mapped to None: not a module
leaked = [m for m in leaked if sys.modules[m] is not None]
package_file = getattr(sys.modules["skbackprop"], "__file__", None)
print(json.dumps({{"modules": modules, "loss": loss, "leaked": leaked,
                  "package_file": package_file}}))
"""


def _package_dir():
    # find_spec locates the package without executing its __init__
    spec = importlib.util.find_spec("skbackprop")
    (package_dir,) = spec.submodule_search_locations
    return package_dir


@pytest.mark.parametrize("blocker", sorted(BLOCKERS))
def test_engine_runs_without_sklearn(blocker):
    script = SCRIPT.format(
        blocker=textwrap.dedent(BLOCKERS[blocker]), package_dir=_package_dir()
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["leaked"] == []
    assert report["package_file"] is None  # skbackprop/__init__.py never ran
    engine_dir = str(Path(_package_dir()) / "_engine")
    expected = {module.name for module in pkgutil.iter_modules([engine_dir])}
    found = {name.rsplit(".", 1)[-1] for name in report["modules"]}
    assert expected <= found, found


def test_blocker_really_blocks_the_estimators():
    # guard against a blocker that lets sklearn through: the estimators need it
    script = textwrap.dedent(BLOCKERS["meta_path"]) + "\nimport skbackprop\n"
    proc = subprocess.run(
        [sys.executable, "-c", "import sys\n" + script],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert "sklearn is blocked" in proc.stderr


def _imported_modules(path, package):
    """Absolute names of the modules a source file imports (ImportFrom resolved)."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: level 1 is the file's own package
                base = package.rsplit(".", node.level - 1)[0]
                yield f"{base}.{node.module}" if node.module else base
            else:
                yield node.module


def test_the_package_uses_the_engine_through_its_face():
    # the estimators and inspection/ import skbackprop._engine, never its modules
    root = Path(_package_dir())
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root.parent).with_suffix("")
        if relative.parts[:2] == ("skbackprop", "_engine"):
            continue
        package = ".".join(relative.parts[:-1])  # also right for __init__.py
        for name in _imported_modules(path, package):
            if name and name.startswith("skbackprop._engine."):
                offenders.append(f"{relative}: {name}")
    assert offenders == []


def test_engine_face_names_its_api():
    import skbackprop._engine as engine

    assert len(engine.__all__) == len(set(engine.__all__))
    assert all(hasattr(engine, name) for name in engine.__all__)
    public = {name for name in vars(engine) if not name.startswith("_")}
    # every name bound in the face is part of __all__ (submodules aside)
    modules = {info.name for info in pkgutil.iter_modules(engine.__path__)}
    assert public - modules == set(engine.__all__)
