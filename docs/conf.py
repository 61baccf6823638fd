"""Sphinx configuration of the skbackprop documentation.

Build with warnings as errors, running the gallery::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

and run the doctests of the pages::

    python -m sphinx -b doctest docs docs/_build/doctest
"""

import doctest
import importlib
import inspect
import os
import pkgutil
import re
from pathlib import Path

import skbackprop

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

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
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.ipynb"]
templates_path = ["_templates"]

# -- API reference -----------------------------------------------------------
# api.rst is written here, from the __all__ of skbackprop and of each public
# subpackage, so that every public name is documented without a list to keep
# in sync by hand. The section titles come from the modules' docstrings.
API_INTRO = """\
API reference
=============

Every public class and function of skbackprop. The estimators follow the
scikit-learn estimator API; :doc:`choosing_parameters` says how to set their
parameters.
"""


def _public_modules():
    """skbackprop, then its public subpackages (no leading underscore)."""
    yield skbackprop
    for info in sorted(pkgutil.iter_modules(skbackprop.__path__), key=str):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"skbackprop.{info.name}")
            if getattr(module, "__all__", None):
                yield module


def _api_section(module):
    names = [name for name in module.__all__ if not name.startswith("_")]
    title = f"``{module.__name__}``"
    summary = module.__doc__.strip().split("\n\n")[0]
    lines = [title, "-" * len(title), "", f".. currentmodule:: {module.__name__}"]
    lines += ["", summary]
    for kind, template in (("class", "class.rst"), ("function", "function.rst")):
        members = [
            name
            for name in names
            if inspect.isclass(getattr(module, name)) == (kind == "class")
        ]
        if members:
            lines += ["", ".. autosummary::", "   :toctree: gen_modules/",
                      f"   :template: {template}", ""]
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
}

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skbackprop {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path = []
html_show_sourcelink = False


# -- hooks -------------------------------------------------------------------
# Inherited scikit-learn methods (score, get_params, set_output, ...) refer to
# labels and glossary terms of scikit-learn's own documentation, which do not
# exist here: keep their text, drop the link.
# This documentation has no glossary either, so :term: becomes text everywhere.
_FOREIGN_ROLE = re.compile(r":(?:ref|term):`([^`<]*?)\s*(?:<([^>]*)>)?`")
_TERM_ROLE = re.compile(r":term:`([^`<]*?)\s*(?:<([^>]*)>)?`")
# ``(n_features_in_,)`` in a numpydoc type would be read as a link target
# named n_features_in; quote such names as literals.
_SHAPE = re.compile(r"of shape \(([^)]*)\)")
_TRAILING_UNDERSCORE = re.compile(r"(?<![`\w])([A-Za-z]\w*_)(?=[,)\s]|$)")


def _plain_text(match):
    return match.group(1).strip() or match.group(2)


def _clean_docstring(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", None) or ""
    for i, line in enumerate(lines):
        foreign = not module.startswith("skbackprop")
        line = (_FOREIGN_ROLE if foreign else _TERM_ROLE).sub(_plain_text, line)
        line = _SHAPE.sub(
            lambda m: "of shape ("
            + _TRAILING_UNDERSCORE.sub(r"``\1``", m.group(1))
            + ")",
            line,
        )
        lines[i] = line


def setup(app):
    app.connect("autodoc-process-docstring", _clean_docstring)
