"""Fail if a built HTML site has a dead cross-reference or raw TeX in its math.

Usage::

    python tools/check_docs_html.py docs/_build/html

Every ``*.html`` page under the directory is read for two faults that a
reader sees but a build may let through:

- **an unresolved cross-reference.** Sphinx renders a role it could resolve
  (``:class:``, ``:func:``, ``:ref:``, ``:doc:`` ...) as a link around an
  element of class ``xref``; one it could not resolve keeps the ``xref``
  element, styled like a link, with no link around it. The nitpicky build
  (``-n``) warns about most of them; this check sees the result, whatever the
  build's options were.
- **raw TeX in rendered math.** MathJax typesets ``\\text{...}`` (and the other
  text-mode commands) as plain text, so an escape such as ``\\_`` there shows
  up literally as a backslash and an underscore; in math mode ``\\_`` is an
  underscore and is left alone.

The script prints one line per fault and exits with status 1 if there is
any, 2 if the directory holds no HTML page (a check of nothing would pass),
and 0 otherwise.
"""

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from _site_check import run

# the TeX commands whose argument MathJax typesets as text
TEXT_COMMANDS = re.compile(r"\\(text|textrm|textit|textbf|textsf|texttt|mbox)\s*\{")
# elements that never contain content: no end tag to wait for
VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr", "col"}


def text_arguments(tex):
    """(command, argument) of the text-mode commands in the TeX string ``tex``."""
    for match in TEXT_COMMANDS.finditer(tex):
        depth, start = 1, match.end()
        for position in range(start, len(tex)):
            if tex[position] == "{" and tex[position - 1] != "\\":
                depth += 1
            elif tex[position] == "}" and tex[position - 1] != "\\":
                depth -= 1
                if depth == 0:
                    yield match.group(1), tex[start:position]
                    break


def raw_escapes(tex):
    """The text-mode commands of ``tex`` that would show ``\\_`` literally."""
    return [
        f"\\{command}{{{argument}}}"
        for command, argument in text_arguments(tex)
        if "\\_" in argument
    ]


class _PageParser(HTMLParser):
    """Collect the unresolved references and the TeX of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.unresolved = []  # (line, text of the reference)
        self.math = []  # (line, TeX source)
        # one entry per open element: (tag, is an <a>, is an unresolved xref,
        # is math); an element's state is read from the stack
        self._stack = []
        self._texts = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = set((dict(attrs).get("class") or "").split())
        in_link = any(entry[1] for entry in self._stack)
        xref = "xref" in classes and not in_link and tag != "a"
        math = "math" in classes and tag in ("span", "div")
        self._stack.append((tag, tag == "a", xref, math))
        if xref or math:
            self._texts.append([self.getpos()[0], ""])

    def handle_endtag(self, tag):
        # close up to the matching element (HTML allows omitted end tags)
        while self._stack:
            open_tag, _, xref, math = self._stack.pop()
            if xref or math:
                line, text = self._texts.pop()
                (self.unresolved if xref else self.math).append((line, text))
            if open_tag == tag:
                break

    def handle_data(self, data):
        for entry in self._texts:
            entry[1] += data


def page_faults(text):
    """(line, message) for every fault of one HTML page."""
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    faults = [
        (line, f"unresolved reference {reference.strip()!r}")
        for line, reference in parser.unresolved
    ]
    for line, tex in parser.math:
        faults += [
            (line, f"raw \\_ in rendered math: {command}")
            for command in raw_escapes(tex)
        ]
    return sorted(faults)


def site_faults(site):
    """(path, line, message) for every fault of the pages under ``site``."""
    found = []
    for path in sorted(Path(site).rglob("*.html")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [(path, line, message) for line, message in page_faults(text)]
    return found


def main(argv=None):
    return run(
        argv,
        __doc__.split("\n\n")[0],
        lambda site: [
            f"{path}:{line}: {message}" for path, line, message in site_faults(site)
        ],
        fault_summary="{n_faults} fault(s) in {n_pages} pages",
        passed="{n_pages} HTML pages checked: every cross-reference resolves, no "
        "raw TeX escape in the math",
    )


if __name__ == "__main__":
    sys.exit(main())
