"""tools/check_offline_html.py: it fails on a page that loads from the network.

CI runs the checker on the built documentation; these tests make sure that it
would notice an external script, style sheet or font, and that it lets local
assets and ordinary links through.
"""

import subprocess
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"
TOOL = TOOLS / "check_offline_html.py"
# run as a script, a tool finds its neighbours (_site_check.py) on the path
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))
import check_offline_html as check  # noqa: E402

LOCAL_PAGE = """<!DOCTYPE html>
<html><head>
<link rel="stylesheet" href="_static/styles/theme.css" />
<link rel="icon" href="_static/favicon.png" />
<link rel="canonical" href="https://example.org/docs/index.html" />
<script src="_static/mathjax/tex-chtml.js" defer></script>
<script>window.MathJax = {tex: {inlineMath: [["\\\\(", "\\\\)"]]}};</script>
<style>@font-face { font-family: X; src: url("fonts/x.woff2"); }</style>
</head><body>
<a href="https://scikit-learn.org/stable/">scikit-learn</a>
<img src="_images/plot.png" alt="a plot" />
<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline" />
<div style="background: url(_static/bg.png)"></div>
</body></html>
"""


def _site(tmp_path, page, css=None):
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    if css is not None:
        (tmp_path / "_static").mkdir()
        (tmp_path / "_static" / "theme.css").write_text(css, encoding="utf-8")
    return tmp_path


def _with_head(tag):
    return LOCAL_PAGE.replace("</head>", f"{tag}\n</head>")


def test_local_page_passes(tmp_path):
    site = _site(tmp_path, LOCAL_PAGE, css='@import "fonts.css"; a { color: red; }')
    assert check.external_resources(site) == []
    assert check.main([str(site)]) == 0


@pytest.mark.parametrize(
    "tag",
    [
        '<script src="https://cdn.jsdelivr.net/npm/mathjax@4/tex-mml-chtml.js">'
        "</script>",
        '<script src="//code.jquery.com/jquery-3.7.0.js"></script>',
        '<link href="https://fonts.googleapis.com/css2?family=Lato" rel="stylesheet">',
        '<link rel="preload" as="font" href="http://example.org/f.woff2">',
        '<link rel="preconnect" href="https://fonts.gstatic.com">',
        "<style>@import url('https://fonts.googleapis.com/css?family=Lato');</style>",
        "<script>loader.load('https://cdn.example.org/mathjax/tex-chtml.js')</script>",
        # inside <style> a browser loads nothing, but the page still names a CDN
        '<style scoped><link href="https://cdn.datatables.net/x.css" '
        'rel="stylesheet" /></style>',
    ],
)
def test_external_asset_in_page_fails(tmp_path, tag):
    site = _site(tmp_path, _with_head(tag))
    found = check.external_resources(site)
    assert len(found) == 1, found
    path, line, what, address = found[0]
    assert path == site / "index.html"
    assert address in tag
    assert check.main([str(site)]) == 1


def test_external_image_and_inline_style_fail(tmp_path):
    page = LOCAL_PAGE.replace(
        "</body>",
        '<img src="https://img.shields.io/badge/x.svg" />'
        '<p style="background: url(https://example.org/bg.png)"></p></body>',
    )
    addresses = {found[3] for found in check.external_resources(_site(tmp_path, page))}
    assert addresses == {
        "https://img.shields.io/badge/x.svg",
        "https://example.org/bg.png",
    }


@pytest.mark.parametrize(
    "css",
    [
        "@font-face { font-family: L; src: url(https://fonts.gstatic.com/l.woff2); }",
        '@import "https://fonts.googleapis.com/css?family=Lato";',
        "@import url('//cdn.example.org/theme.css');",
    ],
)
def test_external_font_or_import_in_css_fails(tmp_path, css):
    site = _site(tmp_path, LOCAL_PAGE, css=css)
    found = check.external_resources(site)
    assert [entry[0] for entry in found] == [site / "_static" / "theme.css"]
    assert check.main([str(site)]) == 1


def test_css_comment_is_not_a_resource(tmp_path):
    css = "/* fonts were once at url(https://fonts.gstatic.com/x.woff2) */ a {}"
    assert check.external_resources(_site(tmp_path, LOCAL_PAGE, css=css)) == []


def test_empty_directory_fails(tmp_path):
    # a build that wrote nothing must not pass as a clean site
    assert check.main([str(tmp_path)]) == 2


def test_script_exit_status(tmp_path):
    site = _site(
        tmp_path, _with_head('<script src="https://cdn.example.org/a.js"></script>')
    )
    result = subprocess.run(
        [sys.executable, str(TOOL), str(site)], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "https://cdn.example.org/a.js" in result.stdout
    assert "index.html:" in result.stdout
