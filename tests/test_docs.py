"""The documentation pages: their doctests pass and the engine names they cite exist.

The documentation build runs the same doctests (``sphinx -b doctest``); running
them here too keeps ``python -m pytest`` on a fresh clone a complete check.
"""

import contextlib
import doctest
import importlib
import importlib.util
import inspect
import io
import pkgutil
import re
import warnings
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


# pages whose every snippet needs a module beyond the test extra's oldest
# versions: skipped where it is missing (sklearn.callback is new in 1.9)
PAGE_NEEDS = {"progress.rst": ("sklearn.callback", "rich")}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_doctests(page):
    for module in PAGE_NEEDS.get(page.name, ()):
        pytest.importorskip(module)
    # a snippet a reader copies must not warn: every warning fails its example
    # (docs/conf.py does the same for the documentation build's doctests)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = doctest.testfile(
            str(page), module_relative=False, optionflags=FLAGS, report=True
        )
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {page.name}"


def test_pages_with_doctests_exist():
    pages = {page.name for page in PAGES if ">>> " in page.read_text("utf-8")}
    assert {"quickstart.rst", "backpropagation.rst", "progress.rst"} <= pages


@pytest.mark.parametrize("page", ["backpropagation.rst", "choosing_parameters.rst"])
def test_cited_engine_names_exist(page):
    names = set(ENGINE_NAME.findall((DOCS / page).read_text("utf-8")))
    names = {name for name in names if not name.endswith(".py")}  # file names
    missing = [name for name in sorted(names) if not _engine_name_exists(name)]
    assert not missing, f"{page} cites engine names that do not exist: {missing}"
    if page == "backpropagation.rst":
        assert len(names) > 30


# -- the API pages: inherited scikit-learn text ------------------------------
_spec = importlib.util.spec_from_file_location(
    "clean_docstrings", DOCS / "sphinxext" / "clean_docstrings.py"
)
clean_docstrings = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(clean_docstrings)


def _public_classes():
    import skbackprop

    modules = [skbackprop] + [
        importlib.import_module(f"skbackprop.{info.name}")
        for info in pkgutil.iter_modules(skbackprop.__path__)
        if not info.name.startswith("_")
    ]
    return sorted(
        {
            getattr(module, name)
            for module in modules
            for name in getattr(module, "__all__", ())
            if inspect.isclass(getattr(module, name, None))
        },
        key=lambda cls: cls.__qualname__,
    )


def _inherited_methods():
    """(class, name, method) for every public method written outside skbackprop."""
    for cls in _public_classes():
        for name, member in inspect.getmembers(cls):
            if name.startswith("_") or not callable(member):
                continue
            if member.__doc__ and clean_docstrings.is_foreign(member):
                yield cls, name, member


def test_inherited_methods_exist():
    # the metadata-routing methods are what the clean-up is for: if they were
    # gone, the tests below would pass on nothing
    names = {name for _, name, _ in _inherited_methods()}
    assert {"set_fit_request", "get_metadata_routing", "get_params"} <= names


@pytest.mark.parametrize(
    "cls, name, method",
    list(_inherited_methods()),
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_inherited_docstring_is_true_here(cls, name, method):
    lines = inspect.getdoc(method).splitlines()
    text = "\n".join(clean_docstrings.clean_lines(lines, foreign=True))
    # scikit-learn's version history is not this package's
    for directive in ("versionadded", "versionchanged", "deprecated"):
        assert f".. {directive}::" not in text, name
    # no reference to a label of scikit-learn's documentation is left: they
    # do not exist here
    assert ":ref:" not in text and ":term:" not in text, name
    # a user guide named on our page is scikit-learn's, and says so
    for match in re.finditer(r"user guide", text, re.IGNORECASE):
        assert text[: match.start()].endswith("scikit-learn's "), (name, text)


def test_sklearn_references_rewritten():
    lines = [
        "Please check the :ref:`User Guide <metadata_routing>` on how it works.",
        "Refer to the :ref:`user guide <some_label>` for more details.",
        "Return :ref:`accuracy <accuracy_score>` on the data.",
        "",
        ".. versionadded:: 1.3",
        "",
        "    ``polars`` option was added.",
        "",
        "Parameters",
        ".. deprecated:: 1.6",
        "   Use ``other`` instead.",
    ]
    text = "\n".join(clean_docstrings.clean_lines(lines, foreign=True))
    assert (
        "Please check `scikit-learn's user guide "
        "<https://scikit-learn.org/stable/metadata_routing.html>`__ on how it works."
    ) in text
    assert "Refer to scikit-learn's user guide for more details." in text
    assert "Return accuracy on the data." in text
    assert "1.3" not in text and "polars" not in text
    assert "Parameters" in text
    assert "Deprecated since scikit-learn 1.6." in text
    assert "Use ``other`` instead." in text


def test_own_references_kept():
    # skbackprop's docstrings cite labels of these pages: they stay links
    lines = [
        "Read more in the :ref:`User Guide <inspection>`.",
        ".. versionadded:: 0.1",
    ]
    assert clean_docstrings.clean_lines(lines, foreign=False) == lines


# -- references to other libraries, resolved offline ---------------------------
_spec = importlib.util.spec_from_file_location(
    "external_refs", DOCS / "sphinxext" / "external_refs.py"
)
external_refs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(external_refs)
SKLEARN_API = "https://scikit-learn.org/stable/modules/generated/"


@pytest.mark.parametrize(
    "name, address",
    [
        ("sklearn.pipeline.Pipeline", SKLEARN_API + "sklearn.pipeline.Pipeline.html"),
        ("sklearn.set_config", SKLEARN_API + "sklearn.set_config.html"),
        # a method is an anchor on its class's page
        (
            "sklearn.pipeline.Pipeline.fit",
            SKLEARN_API
            + "sklearn.pipeline.Pipeline.html#sklearn.pipeline.Pipeline.fit",
        ),
        (
            "sklearn.pipeline",
            "https://scikit-learn.org/stable/api/sklearn.pipeline.html",
        ),
        (
            "scipy.optimize.minimize",
            "https://docs.scipy.org/doc/scipy/reference/generated/"
            "scipy.optimize.minimize.html",
        ),
        # misspelt, or of a library without a known documentation: unresolved,
        # so that the nitpicky build fails on it
        ("sklearn.pipeline.Pipelin", None),
        ("sklearn.no_such_module.Thing", None),
        ("skbackprop.BackpropClassifier", None),
        ("threadpoolctl.threadpool_limits", None),
    ],
)
def test_external_address(name, address):
    assert external_refs.external_address(name) == address


# -- the README ----------------------------------------------------------------
README = DOCS.parent / "README.md"


def test_readme_example_runs_without_warnings():
    from sklearn.exceptions import ConvergenceWarning

    text = README.read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert len(blocks) == 1
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with contextlib.redirect_stdout(io.StringIO()) as stdout:
            exec(compile(blocks[0], "README.md", "exec"), {"__name__": "__readme__"})
    assert "backpropclassifier__alpha" in stdout.getvalue()
    convergence = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert not convergence, [str(w.message) for w in convergence]


def _readme_command(marker):
    match = re.search(
        rf"<!-- {marker} -->\n```bash\n(.*?)\n```", README.read_text("utf-8")
    )
    return match and match.group(1)


def test_readme_commands_are_what_ci_runs():
    # .ci/run reads these three commands from the README and runs them
    # verbatim: the docs command in the example command's environment
    ci = (DOCS.parent / ".ci" / "run").read_text("utf-8")
    for marker in ("example-command", "docs-command", "test-command"):
        assert _readme_command(marker), marker
        assert f"readme_command {marker}" in ci, marker
    example = _readme_command("example-command")
    assert re.search(
        r'pip install "\.\[example\]" && python examples/\S+\.py$', example
    )
    docs = _readme_command("docs-command")
    assert docs.startswith('pip install ".[docs]" && ')
    # warnings are errors and every cross-reference must resolve
    assert "sphinx -W --keep-going -n -b html docs docs/_build/html" in docs
    assert "-b doctest" in docs


def test_readme_names_every_extra():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    extras = tomllib.loads((DOCS.parent / "pyproject.toml").read_text("utf-8"))[
        "project"
    ]["optional-dependencies"]
    rows = set(re.findall(r"^\| `([\w-]+)` \|", README.read_text("utf-8"), re.M))
    assert set(extras) <= rows, sorted(set(extras) - rows)


# -- the docs extra ---------------------------------------------------------
# imported by a page or an example, installed with scikit-learn, not by name
INDIRECT = {"joblib": "scikit-learn"}


def _requirement_name(requirement):
    return re.match(r"[A-Za-z0-9_.-]+", requirement).group().lower().replace("_", "-")


def test_docs_extra_has_what_the_pages_import():
    # the README's docs command installs the 'docs' extra alone: every module
    # that a page's doctests or a gallery example imports must come with it
    import importlib.metadata
    import sys

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((DOCS.parent / "pyproject.toml").read_text("utf-8"))[
        "project"
    ]
    installed = {
        _requirement_name(r)
        for r in project["dependencies"] + project["optional-dependencies"]["docs"]
    }
    statement = r"(?:from\s+(\w+)[\w.]*\s+import\b|import\s+(\w+))"
    doctest_import = re.compile(rf"^\s*(?:>>>|\.\.\.)\s+{statement}", re.M)
    script_import = re.compile(rf"^\s*{statement}", re.M)

    def imported(pattern, text):
        return {a or b for a, b in pattern.findall(text)}

    modules = set()
    for page in PAGES:
        modules |= imported(doctest_import, page.read_text("utf-8"))
        # what a page needs without importing it (ProgressBar draws with rich)
        modules |= {name.partition(".")[0] for name in PAGE_NEEDS.get(page.name, ())}
    for script in (DOCS.parent / "examples").glob("*.py"):
        modules |= imported(script_import, script.read_text("utf-8"))
    assert {"skops", "onnxruntime", "rich"} <= modules
    distributions = importlib.metadata.packages_distributions()
    missing = sorted(
        module
        for module in modules - set(sys.stdlib_module_names) - {"skbackprop"}
        if INDIRECT.get(module) not in installed
        and not {_requirement_name(d) for d in distributions.get(module, [module])}
        & installed
    )
    assert not missing, f"the docs extra lacks what these import: {missing}"


def test_benchmarks_page_cites_only_shipped_scripts_and_options():
    # a reader must be able to run what the page names: every script it cites
    # is in benchmarks/ and every option it gives that script is one it takes
    text = (DOCS / "benchmarks.rst").read_text("utf-8")
    citations = re.findall(r"(?<![\w/])(?:benchmarks/)?(\w+\.py)\b([^`\n]*)", text)
    assert len(citations) >= 5
    for script, rest in citations:
        path = DOCS.parent / "benchmarks" / script
        assert path.is_file(), f"benchmarks.rst cites {script}, not in benchmarks/"
        source = path.read_text("utf-8")
        for option in re.findall(r"(?<!\w)--[\w-]+", rest.split("#")[0]):
            assert f'"{option}"' in source, f"{script} has no option {option}"
