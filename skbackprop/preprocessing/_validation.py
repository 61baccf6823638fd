"""Input checks shared by the transformers that take a sequence of arrays."""

import numpy as np


def as_sequence(X, items, *, elements, each, hint, stacked_ndim=None):
    """Return X as a list of ``items``, rejecting containers that are not sequences.

    Parameters
    ----------
    X : object
        What the user passed as X.
    items : str
        What X holds, in the plural ("waveforms").
    elements : tuple of (str, str)
        The elements, said briefly ("1-D arrays") and in full ("1-D arrays of
        samples"), for the messages on non-sequences and DataFrames.
    each : str
        One element, for the message on a numeric array ("a 1-D array of samples").
    hint : str
        How to pass such an array instead.
    stacked_ndim : int, default=None
        The number of dimensions of a numeric array of equal-length elements that
        is accepted as it is; None accepts none.
    """
    brief, full = elements
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__"):
        raise TypeError(
            f"X must be a sequence of {items} (list, object ndarray or pandas "
            f"Series of {brief}); got {type(X).__name__}."
        )
    if hasattr(X, "columns"):
        raise ValueError(
            f"X must be a sequence of {items}, not a DataFrame; pass a list or "
            f"pandas Series whose elements are {full}."
        )
    if isinstance(X, np.ndarray) and X.dtype != object and X.ndim != stacked_ndim:
        raise ValueError(
            f"X must be a sequence of {items}, each {each}; got a numeric array of "
            f"shape {X.shape}. {hint}"
        )
    if len(X) == 0:
        raise ValueError(f"X contains no {items}; at least one is required.")
    return list(X)


def as_number_array(x, name):
    """Return ``x`` as an ndarray, objects converted to float64.

    ``name`` says which element it is in the messages ("Waveform 3").
    """
    try:
        x = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} cannot be converted to an array: {exc}") from exc
    if x.dtype.kind == "O":
        try:
            x = x.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{name} must contain numbers; it holds objects that cannot be "
                f"converted to float: {exc}"
            ) from exc
    return x


def check_finite(x, name):
    """Raise a ValueError naming ``name`` if ``x`` holds NaN or infinity."""
    if not np.isfinite(x).all():
        raise ValueError(f"{name} contains NaN or infinity.")
