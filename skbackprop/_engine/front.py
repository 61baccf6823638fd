"""The front of a network for a table: which layer reads which column.

:func:`tabular_front` assembles the specs of :mod:`~.embeddings` the way
RealMLP does (Holzmüller et al. 2024): numbers embedded (or passed through),
categories with few levels one-hot encoded and the others embedded, and
optionally a learnable scale on everything the first Dense layer reads.
"""

from .embeddings import (
    CategoricalSpec,
    ColumnsSpec,
    OneHotSpec,
    PeriodicSpec,
    PiecewiseLinearSpec,
    ScaleSpec,
)


def tabular_front(
    n_features,
    categories=None,
    *,
    numeric=None,
    edges=None,
    max_one_hot=9,
    embedding_dim=8,
    scale=False,
):
    """The specs of a front for ``n_features`` columns, [] when it would do nothing.

    ``categories`` maps the index of each column of category codes (see
    :func:`~.embeddings.category_codes`) to its number of levels; the other
    columns are numbers. ``numeric`` is None (numbers passed through),
    ``"periodic"`` (:class:`~.embeddings.PeriodicSpec` with its defaults) or
    ``"piecewise_linear"`` (with ``edges`` of shape (n_numbers, T + 1), one
    row per number column in order). Categories with at most ``max_one_hot``
    levels are one-hot encoded, the others embedded in ``embedding_dim``
    dimensions. ``scale`` appends a :class:`~.embeddings.ScaleSpec` over all.

    The output columns are the embedded numbers, the one-hot indicators and
    the embeddings, then the numbers passed through, each in column order.
    """
    categories = dict(categories or {})
    numbers = tuple(j for j in range(n_features) if j not in categories)
    few = tuple(j for j in sorted(categories) if categories[j] <= max_one_hot)
    many = tuple(j for j in sorted(categories) if categories[j] > max_one_hot)
    items = [
        (numbers, _numeric_spec(numeric, len(numbers), edges)),
        (few, OneHotSpec(tuple(categories[j] for j in few))),
        (many, CategoricalSpec(tuple(categories[j] for j in many), embedding_dim)),
    ]
    passthrough = numbers if numeric is None else ()
    items = tuple((idx, spec) for idx, spec in items if idx and spec is not None)
    front = [ColumnsSpec(n_features, items, passthrough)] if items else []
    width = front[0].n_out if front else n_features
    return front + [ScaleSpec(width)] if scale else front


def _periodic(n_numbers, edges):
    return PeriodicSpec(n_numbers)


def _piecewise_linear(n_numbers, edges):
    if edges is None or len(edges) != n_numbers:
        rows = "None" if edges is None else f"{len(edges)} rows"
        raise ValueError(
            "numeric='piecewise_linear' needs edges with one row per number "
            f"column ({n_numbers}); got {rows}."
        )
    return PiecewiseLinearSpec(edges)


# numeric= -> the spec of the numbers' embedding, given (n_numbers, edges)
NUMERIC_EMBEDDINGS = {"periodic": _periodic, "piecewise_linear": _piecewise_linear}


def _numeric_spec(numeric, n_numbers, edges):
    """The spec that embeds the numbers, None to pass them through."""
    if numeric is None or n_numbers == 0:
        return None
    if numeric not in NUMERIC_EMBEDDINGS:
        raise ValueError(
            f"numeric must be None or one of {sorted(NUMERIC_EMBEDDINGS)}; "
            f"got {numeric!r}."
        )
    return NUMERIC_EMBEDDINGS[numeric](n_numbers, edges)
