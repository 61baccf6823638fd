"""Convert the Japanese Vowels ``.ts`` files into the archive shipped with skbackprop.

Usage::

    python tools/convert_japanese_vowels.py [SOURCE_DIR] [--output PATH]

``SOURCE_DIR`` holds ``JapaneseVowels_TRAIN.ts`` and ``JapaneseVowels_TEST.ts`` in the
sktime/aeon ``.ts`` text format (default: ``../shared/data/japanese_vowels`` relative to
the repository root). The output defaults to
``skbackprop/datasets/data/japanese_vowels.npz``.

The archive holds the training utterances first, then the test utterances, each in file
order:

``frames``    int32 array of shape (n_frames_total, 12): every frame of every utterance,
              concatenated, in units of ``1 / scale``
``scale``     float64 scalar, 1e6
``lengths``   int16 array of shape (640,): the number of frames of each utterance
``speakers``  int8 array of shape (640,): the speaker label, 1 to 9
``is_train``  bool array of shape (640,): True for the official training utterances

The source values carry at most six decimals, so storing them as integer millionths
is lossless (the script checks this) and compresses better than float32. The loader
turns them back into float64 with ``frames / scale``, which gives the same doubles as
parsing the text.

Data: UCI Machine Learning Repository, "Japanese Vowels", by M. Kudo, J. Toyama and
M. Shimbo (1999), licensed CC BY 4.0. The ``.ts`` copies come from the aeon package.
"""

import zipfile

import numpy as np
from _archive import DATA_DIR, SHARED_DATA, argument_parser, write_npz

DEFAULT_SOURCE = SHARED_DATA / "japanese_vowels"
DEFAULT_OUTPUT = DATA_DIR / "japanese_vowels.npz"

N_COEF = 12
SCALE = 1e6


def read_ts(path):
    """Read one multivariate ``.ts`` file.

    Returns a list of float64 arrays of shape (n_frames, 12) and a list of int labels.
    """
    utterances, labels = [], []
    in_data = False
    for line_number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            in_data = in_data or line.lower() == "@data"
            continue
        if not in_data:
            raise ValueError(f"{path}:{line_number}: data line before '@data'")
        *dimensions, label = line.split(":")
        if len(dimensions) != N_COEF:
            raise ValueError(
                f"{path}:{line_number}: expected {N_COEF} dimensions, "
                f"got {len(dimensions)}"
            )
        series = [[float(value) for value in dim.split(",")] for dim in dimensions]
        if len({len(s) for s in series}) != 1:
            raise ValueError(f"{path}:{line_number}: dimensions differ in length")
        utterances.append(np.array(series).T)  # (n_frames, 12)
        labels.append(int(label))
    return utterances, labels


def to_millionths(frames):
    """Return ``frames`` as int32 millionths, checking that nothing is lost."""
    scaled = np.rint(frames * SCALE)
    if np.abs(scaled).max() >= np.iinfo(np.int32).max:
        raise ValueError("values too large for int32 millionths")
    scaled = scaled.astype(np.int32)
    if not np.array_equal(scaled / SCALE, frames):
        raise ValueError("values have more than six decimals; int32 storage is lossy")
    return scaled


def convert(source, output):
    train, train_labels = read_ts(source / "JapaneseVowels_TRAIN.ts")
    test, test_labels = read_ts(source / "JapaneseVowels_TEST.ts")
    utterances = train + test
    frames = np.concatenate(utterances)  # (n_frames_total, 12)
    arrays = {
        "frames": to_millionths(frames),
        "scale": np.float64(SCALE),
        "lengths": np.array([len(u) for u in utterances], dtype=np.int16),
        "speakers": np.array(train_labels + test_labels, dtype=np.int8),
        "is_train": np.arange(len(utterances)) < len(train),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    write_npz(output, arrays, zipfile.ZIP_DEFLATED)
    lengths = arrays["lengths"]
    print(
        f"wrote {output} ({output.stat().st_size / 1024:.0f} KiB): "
        f"{len(train)} train + {len(test)} test utterances, {len(frames)} frames, "
        f"{lengths.min()} to {lengths.max()} frames each, "
        f"speakers {sorted(set(train_labels + test_labels))}"
    )


def main(argv=None):
    parser = argument_parser(
        __doc__,
        DEFAULT_SOURCE,
        DEFAULT_OUTPUT,
        "folder with JapaneseVowels_TRAIN.ts and JapaneseVowels_TEST.ts",
    )
    args = parser.parse_args(argv)
    convert(args.source, args.output)


if __name__ == "__main__":
    main()
