"""Sphinx configuration of the skbackprop documentation.

Build with warnings as errors and every cross-reference resolved, running
the gallery::

    python -m sphinx -W --keep-going -n -b html docs docs/_build/html

check that no reference was left unresolved and no math shows raw TeX::

    python tools/check_docs_html.py docs/_build/html

check that the built pages load nothing from the network (CI does)::

    python tools/check_offline_html.py docs/_build/html

and run the doctests of the pages::

    python -m sphinx -b doctest docs docs/_build/doctest
"""

import doctest
import importlib
import inspect
import os
import pkgutil
import sys
from pathlib import Path

import skbackprop

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# this site's own extensions: offline MathJax and docstring clean-up
sys.path.insert(0, str(DOCS / "sphinxext"))

# The gallery's examples and doctests must not fight over the 2 cores of CI.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

project = "skbackprop"
author = "The skbackprop developers"
copyright = "The skbackprop developers"
release = skbackprop.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    # MathJax served from _static, not from a CDN: the pages render offline
    "offline_mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    "clean_docstrings",
    # links to scikit-learn, numpy, scipy ... pages without intersphinx's
    # download: the build runs offline
    "external_refs",
]
# every cross-reference must resolve (the build runs with -n in CI too)
nitpicky = True

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "**.ipynb_checkpoints",
    "auto_examples/*.ipynb",
    # left by sphinx-gallery builds before write_computation_times was off
    "sg_execution_times.rst",
    "auto_examples/sg_execution_times.rst",
    "sphinxext",
]
templates_path = ["_templates"]

# -- API reference -----------------------------------------------------------
# api.rst is written here, from the __all__ of skbackprop and of each public
# subpackage, so that every public name is documented without a list to keep
# in sync by hand: a subpackage or a name added to an __all__ appears by
# itself. One section per module: the estimators of the top-level package
# first, then the subpackages in API_ORDER, then any other alphabetically.
API_INTRO = """\
API reference
=============

Every public class and function of skbackprop, grouped by module. The
estimators follow the scikit-learn estimator API; :doc:`choosing_parameters`
says how to set their parameters.
"""
API_ORDER = ("preprocessing", "datasets", "inspection")
# a section is titled by its module's last name, capitalised, unless named here
API_TITLES = {"skbackprop": "Estimators", "onnx": "ONNX export"}


def _public_modules():
    """skbackprop, then its public subpackages (no leading underscore)."""
    yield skbackprop
    names = [
        info.name
        for info in pkgutil.iter_modules(skbackprop.__path__)
        if not info.name.startswith("_")
    ]
    known = [name for name in API_ORDER if name in names]
    for name in known + sorted(set(names) - set(known)):
        module = importlib.import_module(f"skbackprop.{name}")
        if getattr(module, "__all__", None):
            yield module


def _api_section(module):
    names = [name for name in module.__all__ if not name.startswith("_")]
    short_name = module.__name__.rpartition(".")[2]
    title = API_TITLES.get(short_name, short_name.replace("_", " ").capitalize())
    summary = module.__doc__.strip().split("\n\n")[0]
    # ``module`` (not ``currentmodule``): :mod:`skbackprop.inspection` links here
    lines = [title, "-" * len(title), "", f".. module:: {module.__name__}"]
    lines += ["", f"``{module.__name__}``: {summary}"]
    # classes, then functions: one line per object, its name and the first
    # line of its docstring (the signature is on the object's own page)
    for kind, template in (("class", "class.rst"), ("function", "function.rst")):
        members = [
            name
            for name in names
            if inspect.isclass(getattr(module, name)) == (kind == "class")
        ]
        if members:
            lines += ["", ".. autosummary::", "   :toctree: gen_modules/"]
            lines += [f"   :template: {template}", "   :nosignatures:", ""]
            lines += [f"   {name}" for name in members]
    return "\n".join(lines) + "\n"


def _write_api_page():
    text = API_INTRO + "".join("\n" + _api_section(m) for m in _public_modules())
    path = DOCS / "api.rst"
    # rewrite only on change, so that Sphinx does not rebuild the page each time
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


_write_api_page()

autosummary_generate = True
autodoc_typehints = "none"
# numpydoc lists the methods itself; autosummary would add the same entries to a
# toctree a second time.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# -- doctest -----------------------------------------------------------------
doctest_default_flags = (
    doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | doctest.IGNORE_EXCEPTION_DETAIL
)
# A snippet a reader copies must not warn: within each page's doctests every
# warning is an error (tests/test_docs.py runs them the same way). The filter
# is undone after the page, so that it never reaches Sphinx's own code.
doctest_global_setup = """
import warnings as _doc_warnings
_doc_catch = _doc_warnings.catch_warnings()
_doc_catch.__enter__()
_doc_warnings.simplefilter("error")
"""
doctest_global_cleanup = "_doc_catch.__exit__(None, None, None)"

# -- gallery -----------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    # Execute every plot_*.py, and the plain grid-search example too.
    "filename_pattern": r"/(plot_.*|grid_search_pipeline)\.py$",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "abort_on_example_error": True,
    # "Examples using ..." sections on the API pages.
    "doc_module": ("skbackprop",),
    "backreferences_dir": "gen_modules/backreferences",
    # The matplotlib object that a call ending a cell returns (a Legend, a
    # Text ...) says nothing to a reader: print no repr for it. Everything an
    # example wants shown, it prints.
    "ignore_repr_types": r"^<class 'matplotlib\.",
    # The execution-times pages load DataTables and jQuery from CDNs, and tell
    # a reader nothing.
    "write_computation_times": False,
}

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skbackprop {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    # The API reference's table needs the width more than a contents list of
    # its few sections, which the left sidebar's entries make plain anyway.
    "secondary_sidebar_items": {"**": ["page-toc"], "api": []},
    # The top bar holds the four sections of index.rst's toctree (user guide,
    # API reference, examples, changelog): all of them, with no "More" menu.
    "header_links_before_dropdown": 6,
    # each section's pages in its left sidebar, expanded
    "show_nav_level": 2,
}
# The landing page and the changelog are sections of one page: no empty
# sidebar beside them.
html_sidebars = {"index": [], "changelog": []}
# "fit()" rather than "BackpropClassifier.fit()" in a class page's table of
# contents, which is narrow
toc_object_entries_show_parents = "hide"
html_static_path = ["_static"]
# long equations and wide tables scroll inside their own box instead of
# running off the page at 1024 px
html_css_files = ["skbackprop.css"]
html_show_sourcelink = False
