"""Loader for the Japanese Vowels speaker data shipped with skbackprop."""

from importlib import resources

import numpy as np
from sklearn.utils import Bunch

from .._sklearn_compat import validate_params

DATA_FILE = "japanese_vowels.npz"
DESCR_FILE = "japanese_vowels.rst"
N_COEF = 12
FEATURE_NAMES = [f"lpc_{j}" for j in range(1, N_COEF + 1)]
SPEAKERS = np.arange(1, 10)


def _data_path(name):
    # Only data/* is declared as package data in pyproject.toml, so both the archive
    # and its description live there.
    return resources.files("skbackprop.datasets").joinpath("data", name)


def _read_archive():
    with _data_path(DATA_FILE).open("rb") as file, np.load(file) as archive:
        frames = archive["frames"] / archive["scale"]  # (n_frames_total, 12), float64
        lengths = archive["lengths"].astype(np.intp)  # (n_utterances,)
        speakers = archive["speakers"].astype(np.int64)  # (n_utterances,)
        is_train = archive["is_train"].astype(bool)  # (n_utterances,)
    return frames, lengths, speakers, is_train


def _split_utterances(frames, lengths):
    """Cut the concatenated frames into a 1-D object array of per-utterance views."""
    parts = np.split(frames, np.cumsum(lengths)[:-1])
    data = np.empty(len(parts), dtype=object)
    # Filling element by element: assigning the list at once would let numpy try to
    # broadcast the arrays instead of storing them.
    for i, part in enumerate(parts):
        data[i] = part
    return data


def _long_frame(frames, lengths, speakers, split):
    # pandas is a dependency, but only the as_frame path needs it.
    import pandas as pd

    utterance = np.repeat(np.arange(len(lengths)), lengths)  # (n_frames_total,)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)  # (n_frames_total,)
    frame = pd.DataFrame(frames, columns=FEATURE_NAMES)
    frame.insert(0, "frame", np.arange(len(frames)) - starts)
    frame.insert(0, "utterance", utterance)
    frame["speaker"] = pd.Categorical(speakers[utterance], categories=SPEAKERS)
    frame["split"] = pd.Categorical(split[utterance], categories=["train", "test"])
    return frame


@validate_params(
    {"return_X_y": ["boolean"], "as_frame": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_japanese_vowels(*, return_X_y=False, as_frame=False):
    """Load and return the Japanese Vowels dataset (speaker identification).

    Nine male speakers each say the Japanese vowels /ae/; every utterance is a
    variable-length sequence of frames, each frame 12 LPC cepstrum coefficients.
    The task is to tell which speaker produced an utterance. The data ship with
    skbackprop, so nothing is downloaded.

    ==================  ==========================
    Classes                                      9
    Samples total          640 (270 train, 370 test)
    Frames per sample                      7 to 29
    Features per frame                          12
    Features                                  real
    ==================  ==========================

    Because the utterances differ in length, ``data`` is not a 2-D matrix but a
    1-D object array of 2-D arrays. It can be indexed like any array, so it goes
    through :func:`~sklearn.model_selection.train_test_split` and
    cross-validation unchanged;
    :class:`~skbackprop.preprocessing.UtteranceFeatures` turns it into a
    fixed-size feature matrix.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, returns ``(data, target)`` instead of a Bunch object. See
        below for more information about the `data` and `target` objects.

    as_frame : bool, default=False
        If True, `target` is a pandas Series of categorical dtype named
        ``"speaker"`` and the Bunch also holds `frame`, a long DataFrame with one
        row per frame. `data` stays the sequence of utterances described
        below, so that it can still be fed to a pipeline.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : ndarray of shape (640,), dtype=object
            The utterances. Element ``i`` is a float64 ndarray of shape
            ``(n_frames_i, 12)``, one row per frame, one column per LPC
            cepstrum coefficient.
        target : {ndarray, Series} of shape (640,)
            The speaker of each utterance, an int from 1 to 9. If
            `as_frame=True`, a pandas Series of categorical dtype named
            ``"speaker"``.
        split : ndarray of shape (640,), dtype=str
            The official split: ``"train"`` for the first 270 utterances and
            ``"test"`` for the other 370.
        train_indices : ndarray of shape (270,)
            Positions of the training utterances, ``np.flatnonzero(split ==
            "train")``.
        test_indices : ndarray of shape (370,)
            Positions of the test utterances.
        feature_names : list of str
            The names of the 12 coefficients of a frame, ``"lpc_1"`` to
            ``"lpc_12"``.
        target_names : ndarray of shape (9,)
            The speaker labels, 1 to 9. They equal the sorted values of
            `target` (and the ``classes_`` of a classifier fitted on it), so
            they are not indexed by `target`.
        frame : DataFrame of shape (9961, 16) or None
            None unless `as_frame=True`. One row per frame, with the
            columns ``utterance`` (position in `data`, 0 to 639), ``frame``
            (position of the frame within its utterance), ``lpc_1`` to
            ``lpc_12``, ``speaker`` and ``split``.
        DESCR : str
            The full description of the dataset, with its source and licence.

    (data, target) : tuple if ``return_X_y`` is True
        The `data` and `target` described above.

    Notes
    -----
    The data come from the UCI Machine Learning Repository ("Japanese
    Vowels", M. Kudo, J. Toyama and M. Shimbo, 1999) and are licensed under
    CC BY 4.0; see `DESCR` for the full attribution.

    Examples
    --------
    >>> from skbackprop.datasets import load_japanese_vowels
    >>> vowels = load_japanese_vowels()
    >>> len(vowels.data)
    640
    >>> vowels.data[0].shape
    (20, 12)
    >>> int((vowels.split == "train").sum()), int((vowels.split == "test").sum())
    (270, 370)
    >>> X_train = vowels.data[vowels.train_indices]
    >>> y_train = vowels.target[vowels.train_indices]
    >>> X_train.shape, y_train.shape
    ((270,), (270,))
    """
    frames, lengths, speakers, is_train = _read_archive()
    data = _split_utterances(frames, lengths)
    target = speakers
    split = np.where(is_train, "train", "test")
    frame = None

    if as_frame:
        import pandas as pd

        target = pd.Series(
            pd.Categorical(speakers, categories=SPEAKERS), name="speaker"
        )
        frame = _long_frame(frames, lengths, speakers, split)

    if return_X_y:
        return data, target

    return Bunch(
        data=data,
        target=target,
        split=split,
        train_indices=np.flatnonzero(is_train),
        test_indices=np.flatnonzero(~is_train),
        frame=frame,
        feature_names=list(FEATURE_NAMES),
        target_names=SPEAKERS.copy(),
        DESCR=_data_path(DESCR_FILE).read_text(encoding="utf-8"),
    )
