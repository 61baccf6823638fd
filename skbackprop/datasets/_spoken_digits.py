"""Loader for the Free Spoken Digit Dataset recordings shipped with skbackprop."""

import io
import lzma

import numpy as np
from sklearn.utils import Bunch

from .._sklearn_compat import validate_params
from ._japanese_vowels import _data_path, _split_utterances

DATA_FILE = "spoken_digits.npz.xz"
DESCR_FILE = "spoken_digits.rst"
DIGITS = np.arange(10)
# FSDD's official split: takes 0 to 4 of every speaker and digit are the test set.
N_TEST_TAKES = 5


def _read_archive():
    with _data_path(DATA_FILE).open("rb") as file:
        raw = lzma.decompress(file.read())
    with np.load(io.BytesIO(raw)) as archive:
        arrays = {name: archive[name] for name in archive.files}
    return arrays


def _decode(codes, mu):
    """mu-law codes in [-127, 127] -> float32 samples in [-1, 1], through a table."""
    # Indexed by the codes' bytes read as uint8 (code c at c mod 256), which
    # numpy gathers faster than through an index array of intp.
    levels = np.arange(256).astype(np.int8) / 127.0  # (256,), byte u -> int8(u)
    table = np.sign(levels) * np.expm1(np.abs(levels) * np.log1p(mu)) / mu
    return table.astype(np.float32)[codes.view(np.uint8)]  # (n_samples_total,)


@validate_params(
    {"return_X_y": ["boolean"], "as_frame": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def load_spoken_digits(*, return_X_y=False, as_frame=False):
    """Load and return the Free Spoken Digit Dataset (spoken-digit recognition).

    Six men each say the English digits "zero" to "nine" fifty times; every
    recording is a mono waveform sampled at 8 kHz, of its own length. The task
    is to tell which digit was spoken, ideally by speakers the model has never
    heard. The recordings ship with skbackprop, so nothing is downloaded.

    ==================  ==============================
    Classes                                         10
    Samples total          3000 (2700 train, 300 test)
    Speakers                                         6
    Samples per second                            8000
    Length                          0.14 to 2.28 s
    ==================  ==============================

    ``data`` is a 1-D object array of 1-D float32 arrays, one recording each;
    it can be indexed like any array, so it goes through
    :func:`~sklearn.model_selection.train_test_split` and cross-validation
    unchanged. :class:`~skbackprop.preprocessing.MFCC` turns it into frames and
    :class:`~skbackprop.preprocessing.UtteranceFeatures` into a feature matrix.
    Pass ``speaker`` as the ``groups`` of a
    :class:`~sklearn.model_selection.GroupKFold` or
    :class:`~sklearn.model_selection.LeaveOneGroupOut` to test on unseen
    speakers.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, returns ``(data, target)`` instead of a Bunch object.

    as_frame : bool, default=False
        If True, `target` is a pandas Series of categorical dtype named
        ``"digit"`` and the Bunch also holds `frame`, a DataFrame with one row
        per recording. `data` stays the sequence of waveforms described below,
        so that it can still be fed to a pipeline.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object, with the following attributes.

        data : ndarray of shape (3000,), dtype=object
            The recordings. Element ``i`` is a float32 ndarray of shape
            ``(n_samples_i,)`` with values in [-1, 1].
        target : {ndarray, Series} of shape (3000,)
            The spoken digit, an int from 0 to 9. If `as_frame=True`, a pandas
            Series of categorical dtype named ``"digit"``.
        speaker : ndarray of shape (3000,), dtype=str
            The speaker's name, for grouped cross-validation.
        take : ndarray of shape (3000,)
            The take, 0 to 49, of that speaker saying that digit.
        split : ndarray of shape (3000,), dtype=str
            FSDD's official split: ``"test"`` for takes 0 to 4, ``"train"``
            for takes 5 to 49. It shares speakers between train and test.
        train_indices : ndarray of shape (2700,)
            Positions of the training recordings.
        test_indices : ndarray of shape (300,)
            Positions of the test recordings.
        sample_rate : int
            8000, the samples per second of every recording.
        target_names : ndarray of shape (10,)
            The digits 0 to 9.
        speaker_names : list of str
            The six speakers, sorted.
        frame : DataFrame of shape (3000, 6) or None
            None unless `as_frame=True`. One row per recording, with the
            columns ``waveform`` (the recording), ``n_samples``, ``digit``,
            ``speaker`` (categorical), ``take`` and ``split``.
        DESCR : str
            The full description of the dataset, with its source, licence and
            what the shipped encoding changes.

    (data, target) : tuple if ``return_X_y`` is True
        The `data` and `target` described above.

    Notes
    -----
    The recordings come from the Free Spoken Digit Dataset (FSDD), Zohar
    Jackson and contributors, licensed under CC BY-SA 4.0, and are shipped
    under the same licence. They are stored as 8-bit mu-law codes, which
    changes the samples slightly; `DESCR` says by how much.

    Examples
    --------
    >>> from skbackprop.datasets import load_spoken_digits
    >>> digits = load_spoken_digits()
    >>> len(digits.data), digits.sample_rate
    (3000, 8000)
    >>> x = digits.data[0]
    >>> x.dtype.name, x.shape, int(digits.target[0]), str(digits.speaker[0])
    ('float32', (2384,), 0, 'george')
    >>> digits.speaker_names
    ['george', 'jackson', 'lucas', 'nicolas', 'theo', 'yweweler']
    >>> len(digits.train_indices), len(digits.test_indices)
    (2700, 300)
    """
    arrays = _read_archive()
    samples = _decode(arrays["codes"], float(arrays["mu"]))
    data = _split_utterances(samples, arrays["lengths"].astype(np.intp))
    digits = arrays["digits"].astype(np.int64)
    speaker_names = [str(name) for name in arrays["speaker_names"]]
    speaker = np.asarray(speaker_names)[arrays["speakers"]]
    take = arrays["takes"].astype(np.int64)
    is_test = take < N_TEST_TAKES
    split = np.where(is_test, "test", "train")
    target = digits
    frame = None

    if as_frame:
        import pandas as pd

        target = pd.Series(pd.Categorical(digits, categories=DIGITS), name="digit")
        frame = pd.DataFrame(
            {
                "waveform": data,
                "n_samples": arrays["lengths"].astype(np.int64),
                "digit": target,
                "speaker": pd.Categorical(speaker, categories=speaker_names),
                "take": take,
                "split": pd.Categorical(split, categories=["train", "test"]),
            }
        )

    if return_X_y:
        return data, target

    return Bunch(
        data=data,
        target=target,
        speaker=speaker,
        take=take,
        split=split,
        train_indices=np.flatnonzero(~is_test),
        test_indices=np.flatnonzero(is_test),
        sample_rate=int(arrays["sample_rate"]),
        frame=frame,
        target_names=DIGITS.copy(),
        speaker_names=speaker_names,
        DESCR=_data_path(DESCR_FILE).read_text(encoding="utf-8"),
    )
