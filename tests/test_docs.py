"""The documentation pages: their doctests pass and the engine names they cite exist.

The documentation build runs the same doctests (``sphinx -b doctest``); running
them here too keeps ``python -m pytest`` on a fresh clone a complete check.
"""

import doctest
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import skbackprop._engine

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(DOCS.glob("*.rst"))
# Same flags as doctest_default_flags in docs/conf.py.
FLAGS = (
    doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.IGNORE_EXCEPTION_DETAIL
)
# every module of the engine, so that a new one is checked as soon as it exists
ENGINE_MODULES = tuple(
    module.name for module in pkgutil.iter_modules(skbackprop._engine.__path__)
)
# ``layers.Dense.forward``: a name in skbackprop/_engine/, written as a literal.
ENGINE_NAME = re.compile(rf"``((?:{'|'.join(ENGINE_MODULES)})\.[A-Za-z_][\w.]*)``")


def _engine_name_exists(name):
    """Whether ``module.Class.attribute`` names something in skbackprop._engine.

    An attribute that a class sets on its instances (``Network.params``) counts
    when its ``__init__`` assigns it.
    """
    module_name, *attributes = name.split(".")
    obj = importlib.import_module(f"skbackprop._engine.{module_name}")
    for attribute in attributes:
        if hasattr(obj, attribute):
            obj = getattr(obj, attribute)
        elif inspect.isclass(obj):
            source = inspect.getsource(obj)
            return re.search(rf"self\.{attribute}\b[^\n]*=", source) is not None
        else:
            return False
    return True


@pytest.fixture(autouse=True)
def _agg_backend():
    # pages that plot must not need a display
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_doctests(page):
    result = doctest.testfile(
        str(page), module_relative=False, optionflags=FLAGS, report=True
    )
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {page.name}"


def test_pages_with_doctests_exist():
    pages = {page.name for page in PAGES if ">>> " in page.read_text("utf-8")}
    assert {"quickstart.rst", "backpropagation.rst"} <= pages


@pytest.mark.parametrize("page", ["backpropagation.rst", "choosing_parameters.rst"])
def test_cited_engine_names_exist(page):
    names = set(ENGINE_NAME.findall((DOCS / page).read_text("utf-8")))
    names = {name for name in names if not name.endswith(".py")}  # file names
    missing = [name for name in sorted(names) if not _engine_name_exists(name)]
    assert not missing, f"{page} cites engine names that do not exist: {missing}"
    if page == "backpropagation.rst":
        assert len(names) > 30
