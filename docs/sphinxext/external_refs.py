"""Link references to scikit-learn, numpy, scipy ... without a network.

The pages cite objects of other libraries (``:class:`sklearn.pipeline.Pipeline```,
a numpydoc "See Also" entry, the inherited docstrings of scikit-learn's
methods). ``sphinx.ext.intersphinx`` would resolve them from each project's
``objects.inv``, downloaded at build time; the documentation builds without a
network, so it cannot. Instead, a reference that Sphinx finds nowhere on these
pages and whose name starts with a library of ``EXTERNAL_DOCS`` is resolved
here, to the page that library's documentation gives each public object
(their API pages are named after the object's dotted path).

A reference is resolved only when the name imports: a misspelt or removed
name stays unresolved, and the nitpicky build (``-n``) fails on it, as it
would with intersphinx. So a page may cite this way only libraries that the
``docs`` extra installs; another one (dask-ml, mlflow) gets a plain link.
"""

import importlib
import inspect

# library -> (address of an object's page, address of a module's page); the
# page is formatted with the object's (or its class's) dotted name
EXTERNAL_DOCS = {
    "sklearn": (
        "https://scikit-learn.org/stable/modules/generated/{}.html",
        "https://scikit-learn.org/stable/api/{}.html",
    ),
    "numpy": (
        "https://numpy.org/doc/stable/reference/generated/{}.html",
        "https://numpy.org/doc/stable/reference/routines.html",
    ),
    "scipy": (
        "https://docs.scipy.org/doc/scipy/reference/generated/{}.html",
        "https://docs.scipy.org/doc/scipy/reference/{}.html",
    ),
    "pandas": (
        "https://pandas.pydata.org/docs/reference/api/{}.html",
        "https://pandas.pydata.org/docs/reference/index.html",
    ),
    "matplotlib": (
        "https://matplotlib.org/stable/api/_as_gen/{}.html",
        "https://matplotlib.org/stable/api/index.html",
    ),
}
# libraries whose methods have pages of their own (matplotlib's Axes.plot);
# elsewhere a method is an anchor on its class's page
METHOD_PAGES = {"matplotlib"}


def _import_object(name):
    """The module, and the objects on the path to ``name``; None if it is not there."""
    parts = name.split(".")
    for split in range(len(parts), 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        path = [module]
        for attribute in parts[split:]:
            if not hasattr(path[-1], attribute):
                return None
            path.append(getattr(path[-1], attribute))
        return split, path
    return None


def external_address(name):
    """The documentation page of the external object ``name``, or None."""
    library = name.partition(".")[0]
    if library not in EXTERNAL_DOCS:
        return None
    found = _import_object(name)
    if found is None:
        return None
    object_page, module_page = EXTERNAL_DOCS[library]
    split, path = found
    if len(path) == 1:  # a module
        return module_page.format(name)
    # the page is that of the first class or function after the module; a
    # method or attribute of a class is an anchor on its class's page
    parts = name.split(".")
    page_end = split + 1
    if library in METHOD_PAGES or not inspect.isclass(path[1]):
        page_end = len(parts)
    page = object_page.format(".".join(parts[:page_end]))
    return page if page_end == len(parts) else f"{page}#{name}"


def _resolve(app, env, node, contnode):
    # imported here, so that external_address is usable (and tested) without
    # Sphinx installed
    from docutils import nodes

    if node.get("refdomain") != "py":
        return None
    address = external_address(node["reftarget"])
    if address is None:
        return None
    reference = nodes.reference("", "", internal=False, refuri=address)
    reference["reftitle"] = f"{node['reftarget']} (external documentation)"
    reference += contnode
    return reference


def setup(app):
    # after Sphinx's own domains: a name documented on these pages links here
    app.connect("missing-reference", _resolve, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
