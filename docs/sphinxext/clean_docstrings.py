"""Make the docstrings on the API pages true for skbackprop.

Our classes inherit methods from scikit-learn (``score``, ``get_params``,
``set_output``, the metadata-routing ``set_*_request`` ...), and autodoc shows
those methods with scikit-learn's docstrings. Read on a skbackprop page, parts
of them are false or lead nowhere:

- ``.. versionadded:: 1.3`` renders as "Added in version 1.3", a version of
  scikit-learn that this package never had; version notes of inherited methods
  are dropped, and a deprecation becomes a note that names scikit-learn.
- ``:ref:`` and ``:term:`` point at labels of scikit-learn's documentation.
  A reference to scikit-learn's user guide says so ("scikit-learn's user
  guide") and links to the page when its address is known; any other such
  reference keeps its text without a link.

In skbackprop's own docstrings only ``:term:`` is rewritten (there is no
glossary here); their ``:ref:`` targets are labels of these pages.

``(n_features_in_,)`` in a numpydoc type would be read as a link target named
``n_features_in``, so such names are quoted as literals on every docstring.
"""

import re

SKLEARN_DOCS = "https://scikit-learn.org/stable/"
# scikit-learn labels that inherited docstrings cite -> (address, what it is)
SKLEARN_PAGES = {
    "metadata_routing": (SKLEARN_DOCS + "metadata_routing.html", "user guide"),
    "sphx_glr_auto_examples_miscellaneous_plot_set_output.py": (
        SKLEARN_DOCS + "auto_examples/miscellaneous/plot_set_output.html",
        "set_output example",
    ),
}

# an optional "the " before the role, the role's text and its <target>
_REF = re.compile(
    r"(?:\b(?P<the>[Tt]he)\s+)?:ref:`(?P<text>[^`<]*?)\s*(?:<(?P<target>[^>]*)>)?`"
)
_TERM = re.compile(r":term:`([^`<]*?)\s*(?:<([^>]*)>)?`")
_VERSION_NOTE = re.compile(
    r"^(?P<indent>\s*)\.\. (?P<kind>versionadded|versionchanged|deprecated)::"
    r"\s*(?P<version>\S*)\s*(?P<rest>.*)$"
)
_SHAPE = re.compile(r"of shape \(([^)]*)\)")
_TRAILING_UNDERSCORE = re.compile(r"(?<![`\w])([A-Za-z]\w*_)(?=[,)\s]|$)")


def _plain_term(match):
    return match.group(1).strip() or match.group(2)


def _sklearn_reference(match):
    """The words (and link, if the page is known) for a scikit-learn label."""
    text = match["text"].strip()
    label = match["target"] or text
    the = f"{match['the']} " if match["the"] else ""
    address, what = SKLEARN_PAGES.get(label, (None, None))
    if "user guide" in text.lower():
        words, the = "scikit-learn's user guide", ""
    elif label.startswith("sphx_glr_") and (not match["target"] or what):
        words, the = f"scikit-learn's {what or 'example'}", ""
    else:
        return the + (text or label)
    return the + (f"`{words} <{address}>`__" if address else words)


def _drop_version_notes(lines):
    """Drop versionadded/versionchanged blocks; say whose a deprecation is."""
    kept, skip_deeper_than = [], None
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if skip_deeper_than is not None:
            if not line.strip() or indent > skip_deeper_than:
                continue
            skip_deeper_than = None
        note = _VERSION_NOTE.match(line)
        if note is None:
            kept.append(line)
        elif note["kind"] == "deprecated":
            pad = note["indent"]
            kept += [f"{pad}.. note::", ""]
            kept.append(f"{pad}   Deprecated since scikit-learn {note['version']}.")
            if note["rest"]:
                kept.append(f"{pad}   {note['rest']}")
        else:
            skip_deeper_than = len(note["indent"])
    return kept


def clean_lines(lines, foreign):
    """The docstring ``lines`` as they should read on a skbackprop page.

    ``foreign`` is true for a docstring written for scikit-learn (an inherited
    method), false for one of skbackprop's own.
    """
    if foreign:
        lines = _drop_version_notes(lines)
    # roles may wrap over two lines: substitute on the whole text
    text = "\n".join(lines)
    if foreign:
        text = _REF.sub(_sklearn_reference, text)
    text = _TERM.sub(_plain_term, text)
    return [
        _SHAPE.sub(
            lambda m: (
                "of shape (" + _TRAILING_UNDERSCORE.sub(r"``\1``", m.group(1)) + ")"
            ),
            line,
        )
        for line in text.split("\n")
    ]


def is_foreign(obj):
    """Whether ``obj`` was written outside skbackprop (inherited from sklearn)."""
    module = getattr(obj, "__module__", None) or ""
    return not (module == "skbackprop" or module.startswith("skbackprop."))


def _process_docstring(app, what, name, obj, options, lines):
    lines[:] = clean_lines(lines, is_foreign(obj))


def setup(app):
    app.connect("autodoc-process-docstring", _process_docstring)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
