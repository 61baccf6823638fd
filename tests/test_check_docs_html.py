"""tools/check_docs_html.py: it fails on a dead cross-reference and on raw TeX.

CI runs the checker on the built documentation; these tests make sure that it
notices both faults in pages as Sphinx writes them, and lets resolved
references and ordinary math through.
"""

import subprocess
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"
TOOL = TOOLS / "check_docs_html.py"
# run as a script, a tool finds its neighbours (_site_check.py) on the path
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))
import check_docs_html as check  # noqa: E402

# the shapes Sphinx writes: a resolved reference is a link around the xref
GOOD_PAGE = r"""<!DOCTYPE html>
<html><body>
<p><a class="reference internal" href="api.html#skbackprop.BackpropClassifier"
   title="skbackprop.BackpropClassifier"><code class="xref py py-class docutils
   literal notranslate"><span class="pre">BackpropClassifier</span></code></a></p>
<p><a class="reference external" href="https://scikit-learn.org/"><code
   class="xref py py-class docutils literal notranslate"><span
   class="pre">Pipeline</span></code></a></p>
<p><a class="reference internal" href="quickstart.html"><span class="doc">Quick
   start</span></a></p>
<p><span class="math notranslate nohighlight">\(c_{n\_ceps - 1}\)</span></p>
<div class="math notranslate nohighlight">
\[\text{gradient_x_input}_j = (x_j - b_j) \frac{\partial f}{\partial x_j}\]
</div>
</body></html>
"""

UNRESOLVED_PAGE = r"""<!DOCTYPE html>
<html><body>
<p>capped by <code class="xref py py-func docutils literal notranslate"><span
   class="pre">skbackprop._engine.trainer.blas_threads()</span></code></p>
<p>see <span class="xref std std-ref">no-such-label</span></p>
</body></html>
"""

RAW_TEX_PAGE = r"""<!DOCTYPE html>
<html><body>
<div class="math notranslate nohighlight">
\[\theta \leftarrow \theta + v \quad
  \text{or, with } \texttt{nesterovs\_momentum=True}\]
</div>
</body></html>
"""


def _site(tmp_path, page):
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    return tmp_path


def test_good_page_passes(tmp_path):
    assert check.site_faults(_site(tmp_path, GOOD_PAGE)) == []
    assert check.main([str(tmp_path)]) == 0


def test_unresolved_references_fail(tmp_path):
    faults = check.site_faults(_site(tmp_path, UNRESOLVED_PAGE))
    messages = [message for _, _, message in faults]
    assert len(messages) == 2
    assert "skbackprop._engine.trainer.blas_threads()" in messages[0]
    assert "no-such-label" in messages[1]
    assert check.main([str(tmp_path)]) == 1


def test_raw_escape_in_text_mode_fails(tmp_path):
    faults = check.site_faults(_site(tmp_path, RAW_TEX_PAGE))
    assert [message for _, _, message in faults] == [
        r"raw \_ in rendered math: \texttt{nesterovs\_momentum=True}"
    ]


@pytest.mark.parametrize(
    "tex, raw",
    [
        (r"a_{n\_ceps}", []),  # math mode: an underscore
        (r"\text{a\_b} + \text{c}", [r"\text{a\_b}"]),
        (r"\mbox{x {y\_z}}", [r"\mbox{x {y\_z}}"]),  # nested braces
        (r"\text {p\_q}", [r"\text{p\_q}"]),
        (r"\textbf{ok}", []),
    ],
)
def test_raw_escapes(tex, raw):
    assert check.raw_escapes(tex) == raw


def test_empty_site_is_an_error(tmp_path):
    assert check.main([str(tmp_path)]) == 2


def test_script_exit_status(tmp_path):
    # as CI runs it: a script that finds its neighbour _site_check.py itself
    site = _site(tmp_path, UNRESOLVED_PAGE)
    result = subprocess.run(
        [sys.executable, str(TOOL), str(site)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "index.html:" in result.stdout and "no-such-label" in result.stdout
    assert "2 fault(s) in 1 pages" in result.stderr


def test_sphinx_output(tmp_path):
    # the HTML shapes above are Sphinx's own: build a page with one resolved
    # and one unresolved reference, and raw TeX in its math
    pytest.importorskip("sphinx")
    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text(
        'extensions = ["sphinx.ext.mathjax"]\nmathjax_path = "mathjax.js"\n'
    )
    (source / "index.rst").write_text(
        "Title\n=====\n\n.. py:function:: here()\n\n"
        ":func:`here` and :func:`nowhere` and :math:`\\text{a\\_b}`\n"
    )
    build = tmp_path / "html"
    subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(source), str(build)],
        check=True,
        capture_output=True,
    )
    messages = [message for _, _, message in check.site_faults(build)]
    assert sorted(messages) == [
        r"raw \_ in rendered math: \text{a\_b}",
        "unresolved reference 'nowhere()'",
    ]
