"""Convert the Free Spoken Digit Dataset's wav files into the archive skbackprop ships.

Usage::

    python tools/convert_spoken_digits.py [SOURCE_DIR] [--output PATH] [--check]

``SOURCE_DIR`` holds FSDD's ``recordings/`` folder of ``{digit}_{speaker}_{take}.wav``
files (default: ``../shared/data/fsdd`` relative to the repository root). The output
defaults to ``skbackprop/datasets/data/spoken_digits.npz.xz``: an uncompressed ``.npz``
archive, compressed as a whole with xz (LZMA), which packs the 8-bit codes about 15%
tighter than the deflate of ``np.savez_compressed``. It holds the 3,000 recordings
sorted by speaker, digit and take:

``codes``     int8 array of shape (n_samples_total,): every recording's samples,
              concatenated, as mu-law codes from -127 to 127
``mu``        float64 scalar, 255: the mu-law parameter
``lengths``   int32 array of shape (3000,): the number of samples of each recording
``digits``    int8 array of shape (3000,): the spoken digit, 0 to 9
``speakers``  int8 array of shape (3000,): index into ``speaker_names``
``speaker_names``  str array of shape (6,), sorted
``takes``     int8 array of shape (3000,): the take, 0 to 49
``sample_rate``    int32 scalar, 8000

Encoding: sample ``x = s / 32768`` (``s`` the int16 value) becomes
``round(127 * sign(x) log(1 + mu |x|) / log(1 + mu))``: mu-law companding (as in
telephony, G.711) onto 255 symmetric levels, so digital silence stays exactly 0. The
loader inverts it with a 255-entry table. Every recording and every sample is kept; only
the amplitude resolution changes. With ``--check`` the script also computes
:class:`~skbackprop.preprocessing.MFCC` (default settings, sample_rate=8000) of the
original and the decoded recordings and prints their largest difference, the figure
quoted in the dataset description.

Data: Free Spoken Digit Dataset (FSDD), Zohar Jackson and contributors,
https://github.com/Jakobovski/free-spoken-digit-dataset (commit 26eb9aaf, 2024-05-02),
licensed CC BY-SA 4.0; the converted archive is shared under the same licence.
"""

import io
import lzma
import re
import zipfile

import numpy as np
from _archive import DATA_DIR, SHARED_DATA, argument_parser, write_npz
from scipy.io import wavfile

DEFAULT_SOURCE = SHARED_DATA / "fsdd"
DEFAULT_OUTPUT = DATA_DIR / "spoken_digits.npz.xz"

MU = 255.0
LEVELS = 127
SAMPLE_RATE = 8000
FILE_NAME = re.compile(r"^(\d)_([a-z]+)_(\d+)\.wav$")


def mu_law_encode(samples):
    """int16 samples -> int8 mu-law codes in [-127, 127]."""
    x = samples.astype(np.float64) / 32768.0
    y = np.sign(x) * np.log1p(MU * np.abs(x)) / np.log1p(MU)
    return np.rint(LEVELS * y).astype(np.int8)


def mu_law_decode(codes):
    """The inverse companding, as the loader computes it (float64 in [-1, 1])."""
    y = codes.astype(np.float64) / LEVELS
    return np.sign(y) * np.expm1(np.abs(y) * np.log1p(MU)) / MU


def read_recordings(source):
    """Return the recordings sorted by (speaker, digit, take) with their labels."""
    entries = []
    for path in (source / "recordings").glob("*.wav"):
        match = FILE_NAME.match(path.name)
        if match is None:
            raise ValueError(f"unexpected file name {path.name}")
        digit, speaker, take = match.groups()
        entries.append((speaker, int(digit), int(take), path))
    entries.sort(key=lambda entry: entry[:3])
    waveforms = []
    for *_, path in entries:
        rate, samples = wavfile.read(path)
        if rate != SAMPLE_RATE or samples.dtype != np.int16 or samples.ndim != 1:
            raise ValueError(f"{path.name}: expected mono int16 at {SAMPLE_RATE} Hz")
        waveforms.append(samples)
    return entries, waveforms


def write_npz_xz(path, arrays):
    """An uncompressed, byte-reproducible .npz, compressed as a whole with xz."""
    buffer = io.BytesIO()
    write_npz(buffer, arrays, zipfile.ZIP_STORED)
    preset = 9 | lzma.PRESET_EXTREME
    path.write_bytes(lzma.compress(buffer.getvalue(), preset=preset))


def mfcc_difference(waveforms, codes, lengths, digits, takes):
    """Compare MFCC(original) with MFCC(decoded): largest differences, and the
    official-split accuracy of one fixed digit classifier on each."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skbackprop.preprocessing import MFCC, UtteranceFeatures

    mfcc = MFCC(sample_rate=SAMPLE_RATE, trim=None)
    original = mfcc.fit_transform(waveforms)
    decoded = mfcc.transform(np.split(mu_law_decode(codes), np.cumsum(lengths)[:-1]))
    diff = np.abs(np.concatenate(original) - np.concatenate(decoded))  # (n, 13)
    spread = np.concatenate(original).std(axis=0)  # (13,)
    test = takes < 5
    accuracy = []
    for frames in (original, decoded):
        X = np.empty(len(frames), dtype=object)
        X[:] = frames
        model = make_pipeline(
            UtteranceFeatures(), StandardScaler(), LogisticRegression(max_iter=3000)
        )
        model.fit(X[~test], digits[~test])
        accuracy.append(model.score(X[test], digits[test]))
    return {
        "max_abs": diff.max(),
        "at_coefficient": np.unravel_index(np.argmax(diff), diff.shape)[1],
        "max_abs_per_coefficient": diff.max(axis=0),
        "max_over_std": (diff / spread).max(),
        "median_over_std": np.median(diff / spread),
        "p99_over_std": np.percentile(diff / spread, 99),
        "accuracy": accuracy,
    }


def convert(source, output, check=False):
    entries, waveforms = read_recordings(source)
    speaker_names = sorted({speaker for speaker, *_ in entries})
    codes = mu_law_encode(np.concatenate(waveforms))
    lengths = np.array([len(w) for w in waveforms], dtype=np.int32)
    arrays = {
        "codes": codes,
        "mu": np.float64(MU),
        "lengths": lengths,
        "digits": np.array([e[1] for e in entries], dtype=np.int8),
        "speakers": np.array(
            [speaker_names.index(e[0]) for e in entries], dtype=np.int8
        ),
        "speaker_names": np.array(speaker_names),
        "takes": np.array([e[2] for e in entries], dtype=np.int8),
        "sample_rate": np.int32(SAMPLE_RATE),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    write_npz_xz(output, arrays)
    print(
        f"wrote {output} ({output.stat().st_size / 1e6:.2f} MB): "
        f"{len(waveforms)} recordings, {len(codes)} samples, "
        f"speakers {speaker_names}"
    )
    if check:
        result = mfcc_difference(
            waveforms, codes, lengths, arrays["digits"], arrays["takes"]
        )
        print(
            f"MFCC (defaults) of original vs decoded: largest |difference| "
            f"{result['max_abs']:.3f} (coefficient {result['at_coefficient']}), "
            f"{result['max_over_std']:.3f} standard deviations of that "
            f"coefficient at worst, {result['p99_over_std']:.3f} at the 99th "
            f"percentile, {result['median_over_std']:.3f} at the median"
        )
        per_coef = ", ".join(f"{v:.3f}" for v in result["max_abs_per_coefficient"])
        print(f"largest |difference| per coefficient: {per_coef}")
        original, decoded = result["accuracy"]
        print(
            "official-split test accuracy of MFCC -> UtteranceFeatures -> "
            f"StandardScaler -> LogisticRegression: original {original:.4f}, "
            f"decoded {decoded:.4f}"
        )


def main(argv=None):
    parser = argument_parser(
        __doc__, DEFAULT_SOURCE, DEFAULT_OUTPUT, "folder holding FSDD's recordings/"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="also print the largest MFCC difference between original and decoded",
    )
    args = parser.parse_args(argv)
    convert(args.source, args.output, check=args.check)


if __name__ == "__main__":
    main()
