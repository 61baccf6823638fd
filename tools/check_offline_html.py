"""Fail if a built HTML site would load anything from the network.

Usage::

    python tools/check_offline_html.py docs/_build/html

Every ``*.html`` page under the directory is read for the resources a browser
fetches by itself when it opens the page: ``<script src>``, ``<link>`` elements
that load something (style sheets, preloads, icons, ...), ``<img>``,
``<iframe>``, media sources, ``@import`` and ``url(...)`` in ``<style>``
elements and ``style`` attributes, and the quoted address of a script, style
sheet or font anywhere in an inline ``<script>`` or ``<style>`` (a loader
configured to fetch from a CDN). Every ``*.css``
file is read for ``@import`` and ``url(...)``, which is how web fonts arrive.
Links the reader follows (``<a href>``) are not resources and are allowed.

A resource is external when its address names a network location:
``http://``, ``https://``, ``ftp://`` or protocol-relative ``//host/...``.
The script prints one line per external resource and exits with status 1 if
there is any, 2 if the directory holds no HTML page (a check of nothing would
pass), and 0 otherwise.
"""

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from _site_check import run

EXTERNAL = re.compile(r"^\s*(?:(?:https?|ftp):)?//", re.IGNORECASE)
# url(...) and @import "..." in CSS, with or without quotes
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)""", re.IGNORECASE)
CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]*)\1""", re.IGNORECASE)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# a quoted network address of a script, style sheet or font inside a script
SCRIPT_ASSET = re.compile(
    r"""(['"`])((?:(?:https?:)?//)[^'"`\s]+?\.(?:m?js|css|woff2?|ttf|otf|eot))"""
    r"""(?:[?#][^'"`\s]*)?\1""",
    re.IGNORECASE,
)
# <link rel=...> values that make the browser fetch (or connect to) the address
FETCHING_RELS = {
    "stylesheet",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "icon",
    "apple-touch-icon",
    "mask-icon",
    "manifest",
}
# element -> attributes whose address the browser loads on its own
SOURCE_ATTRIBUTES = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "source": ("src", "srcset"),
    "track": ("src",),
    "input": ("src",),
}


def is_external(address):
    """Whether ``address`` names a network location rather than a local file."""
    return bool(EXTERNAL.match(address or ""))


def css_addresses(text):
    """The addresses that CSS ``text`` imports or refers to with ``url()``."""
    text = CSS_COMMENT.sub("", text)
    for pattern in (CSS_URL, CSS_IMPORT):
        for match in pattern.finditer(text):
            yield match.group(2).strip()


class _ResourceParser(HTMLParser):
    """Collect (line, what, address) for every resource of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.resources = []
        self._inline = None  # "script" or "style" while inside such an element

    def _add(self, what, address):
        self.resources.append((self.getpos()[0], what, address))

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        for name in SOURCE_ATTRIBUTES.get(tag, ()):
            if name in attributes:
                # srcset: "a.png 1x, b.png 2x"
                for candidate in attributes[name].split(","):
                    if candidate.strip():
                        self._add(f"<{tag} {name}>", candidate.split()[0])
        if tag == "link":
            rels = set(attributes.get("rel", "").lower().split())
            if rels & FETCHING_RELS and "href" in attributes:
                self._add(f"<link rel={'/'.join(sorted(rels))}>", attributes["href"])
        if "style" in attributes:
            for address in css_addresses(attributes["style"]):
                self._add(f"<{tag} style>", address)
        if tag in ("script", "style"):
            self._inline = tag

    def handle_endtag(self, tag):
        if tag == self._inline:
            self._inline = None

    def handle_data(self, data):
        if self._inline is None:
            return
        if self._inline == "style":
            for address in css_addresses(data):
                self._add("<style>", address)
        # an address spelt out in a script (a loader's configuration), or in a
        # style element (where a browser reads it as text, but the page still
        # names a CDN: sphinx-gallery once wrote <link> elements there)
        for match in SCRIPT_ASSET.finditer(data):
            self._add(f"inline <{self._inline}>", match.group(2))


def html_resources(text):
    """(line, what, address) of every resource an HTML page loads by itself."""
    parser = _ResourceParser()
    parser.feed(text)
    parser.close()
    return parser.resources


def external_resources(site):
    """(path, line, what, address) of every external resource under ``site``."""
    site = Path(site)
    found = []
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for line, what, address in html_resources(text):
            if is_external(address):
                found.append((path, line, what, address))
    for path in sorted(site.rglob("*.css")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for address in css_addresses(text):
            if is_external(address):
                found.append((path, 0, "css url()/@import", address))
    return found


def main(argv=None):
    return run(
        argv,
        __doc__.split("\n\n")[0],
        lambda site: [
            f"{path}:{line}: {what} loads {address}"
            for path, line, what, address in external_resources(site)
        ],
        fault_summary="{n_faults} external resource(s) in {n_pages} pages: the "
        "site must render without a network",
        passed="{n_pages} HTML pages checked: no external script, style sheet or font",
    )


if __name__ == "__main__":
    sys.exit(main())
