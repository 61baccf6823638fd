"""Serve MathJax from the built site itself, so that equations render offline.

Sphinx's ``mathjax`` extension points every page with an equation at a CDN. This
extension points it at ``_static/mathjax/tex-chtml.js`` instead and, after a
successful HTML build, copies that file and the pieces it loads at run time
(its web fonts, the TeX extensions it may autoload, the context menu and the
accessibility tools that the menu can switch on) from the MathJax 3 copy that
the ``mathjax`` Python package ships (PyPI: ``django-static-mathjax``, in the
``docs`` extra). About 7 MB of the package's 35 MB are copied.

List it after ``sphinx.ext.mathjax`` in ``extensions``.

Why this copy of MathJax: the pages' TeX is written for MathJax, which renders
it in the browser with nothing but these files, and a pip install is the only
way the docs build can bring them (npm's MathJax is out of pip's reach).
django-static-mathjax is plain MathJax 3.2.2 (Apache-2.0), maintained, with no
dependency. The alternatives fall short offline: sphinxcontrib-katex points at
a CDN by default and needs node to prerender; sphinx.ext.imgmath needs a LaTeX
installation; sphinx-mathjax-offline (the same MathJax) is an unmaintained
0.0.2 whose import name has dashes and which copies all 24 MB.
"""

import importlib.util
import shutil
from pathlib import Path

from sphinx.errors import ExtensionError

# relative to the _static directory of the built site
MATHJAX_PATH = "mathjax/tex-chtml.js"
# relative to the package's es5/ directory: the TeX-to-HTML bundle and the
# files it fetches from beside itself
MATHJAX_PARTS = (
    "tex-chtml.js",
    "output/chtml",
    "input/tex/extensions",
    "ui",
    "a11y",
    "sre",
)


def mathjax_source():
    """The ``es5`` directory of the installed MathJax copy."""
    spec = importlib.util.find_spec("mathjax")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        es5 = Path(location) / "static" / "mathjax" / "es5"
        if (es5 / "tex-chtml.js").is_file():
            return es5
    raise ExtensionError(
        "offline_mathjax: no MathJax copy found; install the documentation "
        'extra, pip install ".[docs]", which brings django-static-mathjax'
    )


def _use_local_copy(app, config):
    mathjax_source()  # fail at the start of the build, not at its end
    config.mathjax_path = MATHJAX_PATH


def _copy_mathjax(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    source = mathjax_source()
    target = Path(app.outdir) / "_static" / Path(MATHJAX_PATH).parent
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)
    shutil.copy2(source.parent / "LICENSE", target / "LICENSE")


def setup(app):
    app.setup_extension("sphinx.ext.mathjax")
    app.connect("config-inited", _use_local_copy)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
