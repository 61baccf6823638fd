"""The speech front end on voices it never heard: a synthetic test set from espeak-ng.

A test set made for this benchmark, kept out of the package and out of the
choice of any default. Debian's ``espeak-ng`` (``apt-get install espeak-ng``)
speaks each word of a vocabulary (the ten digits, or the 26 letter names) in
many synthetic voices: every voice variant of espeak-ng that sounds human (its
own formant, pitch and breathiness settings), each with two English accents,
at random speeds (120-220 words a minute) and pitches. Every recording is then
made the way users make them: resampled to 8 kHz, at a random level (0 to
-20 dB), padded with 0.1 to 0.8 s of silence at each end, and mixed with white
or low-pass ("rumble") noise at a signal-to-noise ratio between 5 and 30 dB; one
recording in ten gets a click in the silence. The recordings are cached in a
temporary folder (``--cache``), never shipped.

Scored by 5-fold cross-validation whose folds hold out whole voice variants
(so every test voice is unheard, whatever its accent), with the same network
after each front end, and scikit-learn's SVC for reference:

- the default front end, ``MFCC(sample_rate=8000) -> UtteranceFeatures()``;
- the same with ``deltas=1``, and without trimming (``trim=None``);
- a hand-written summary: trim each recording with a fixed threshold 20 dB below
  its loudest frame (numpy, below), then the mean and standard deviation of its
  MFCCs, the summary a user would write first.

Writes ``speech_synthetic_voices.csv`` next to this script and prints it.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \\
        python benchmarks/speech_synthetic_voices.py

Generating the recordings takes a few minutes (once; then cached), scoring
about as long.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.io.wavfile
import scipy.signal
from joblib import Parallel, delayed
from sklearn.model_selection import GroupKFold
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

from skbackprop.preprocessing import MFCC, UtteranceFeatures

# The network and the fold's fit and score are those of the spoken-digits benchmark.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from speech_unseen_voices import network, score  # noqa: E402

RATE = 8000
OUTPUT = Path(__file__).with_suffix(".csv")
CACHE = Path(tempfile.gettempdir()) / "skbackprop_synthetic_voices"
VOCABULARIES = {
    "digits": "zero one two three four five six seven eight nine".split(),
    "letters": [chr(c) for c in range(ord("A"), ord("Z") + 1)],
}
ACCENTS = ["en-us", "en", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-gb-x-gbclan",
           "en-gb-x-gbcwmd", "en-us-nyc"]  # fmt: skip
# espeak-ng's voice variants that sound like people (no robots, whispers, effects)
VARIANTS = """m1 m2 m3 m4 m5 m6 m7 m8 f1 f2 f3 f4 f5 adam Alex Alicia Andrea Andy
Annie antonio aunty belinda benjamin boris caleb david ed edward Gene gustave Hugo iven
Jacky john Lee linda marcelo max Michael Mike norbert pablo paul quincy rob robert steph
travis victor zac grandma grandpa shelby sandro anika""".split()


def speak(text, voice, speed, pitch):
    """espeak-ng's recording of ``text`` as float samples at 8 kHz."""
    with tempfile.NamedTemporaryFile(suffix=".wav") as file:
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch),
             "-w", file.name, text],
            check=True, capture_output=True,
        )  # fmt: skip
        rate, x = scipy.io.wavfile.read(file.name)
    x = x.astype(np.float64) / 32768
    # espeak-ng's 22050 Hz to 8 kHz (8000 / 22050 = 160 / 441)
    return scipy.signal.resample_poly(x, 160, 441) if rate == 22050 else x


def as_recorded(x, rng):
    """A clean utterance at a random level, padded with silence, in noise."""
    x = x * 10 ** (-rng.uniform(0, 20) / 20) / np.abs(x).max() * 0.5
    before, after = (rng.uniform(0.1, 0.8, size=2) * RATE).astype(int)
    signal_power = np.mean(x**2)
    x = np.concatenate([np.zeros(before), x, np.zeros(after)])
    noise = rng.normal(size=x.size)
    if rng.random() < 0.5:  # rumble: white noise through a 300 Hz low-pass
        noise = scipy.signal.sosfilt(
            scipy.signal.butter(2, 300, fs=RATE, output="sos"), noise
        )
    snr_db = rng.uniform(5, 30)
    x += noise * np.sqrt(signal_power / 10 ** (snr_db / 10) / np.mean(noise**2))
    if rng.random() < 0.1:  # a click in the leading silence
        at = rng.integers(0, max(before - 8, 1))
        x[at : at + 8] += rng.choice([-0.8, 0.8])
    return np.clip(x, -1, 1).astype(np.float32)


def record_voice(words, variant, accents, seed, renditions):
    rng = np.random.default_rng(seed)
    rows = []
    for accent in accents:
        for label, word in enumerate(words):
            for _ in range(renditions):
                speed, pitch = rng.integers(120, 221), rng.integers(20, 81)
                x = speak(word, f"{accent}+{variant}", speed, pitch)
                rows.append((as_recorded(x, rng), label, variant, accent))
    return rows


def load(vocabulary, cache, renditions, n_jobs):
    """The recordings of one vocabulary, generated once into ``cache``."""
    path = cache / f"{vocabulary}_{renditions}.npz"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(0)
        accents = [rng.choice(ACCENTS, size=2, replace=False) for _ in VARIANTS]
        voices = Parallel(n_jobs=n_jobs)(
            delayed(record_voice)(VOCABULARIES[vocabulary], v, a, seed, renditions)
            for seed, (v, a) in enumerate(zip(VARIANTS, accents))
        )
        rows = [row for voice in voices for row in voice]
        data = np.empty(len(rows), dtype=object)
        data[:] = [r[0] for r in rows]
        np.savez(path, data=data, target=[r[1] for r in rows],
                 variant=[r[2] for r in rows], accent=[r[3] for r in rows])  # fmt: skip
    with np.load(path, allow_pickle=True) as archive:
        return {name: archive[name] for name in archive.files}


def fixed_trim(x, top_db=20, frame=200, hop=80):
    """The hand-written trim: samples from the first to the last 25 ms frame whose
    mean square is within ``top_db`` of the loudest frame's."""
    n = 1 + max(len(x) - frame, 0) // hop
    power = np.array([np.mean(x[i * hop : i * hop + frame] ** 2) for i in range(n)])
    loud = np.flatnonzero(10 * np.log10(power / power.max() + 1e-30) >= -top_db)
    return x[loud[0] * hop : loud[-1] * hop + frame]


def front_ends():
    def ours(**params):
        return lambda X: UtteranceFeatures().fit_transform(
            MFCC(sample_rate=RATE, **params).fit_transform(X)
        )

    def hand_made(X):
        frames = MFCC(sample_rate=RATE, trim=None).fit_transform(
            [fixed_trim(x) for x in X]
        )
        return np.array([np.r_[U.mean(axis=0), U.std(axis=0)] for U in frames])

    return {
        "default: MFCC() -> UtteranceFeatures()": ours(),
        "default + deltas=1": ours(deltas=1),
        "no trimming (trim=None)": ours(trim=None),
        "hand-made: fixed 20 dB trim, MFCC mean+std": hand_made,
    }


CLASSIFIERS = {
    "network, label_smoothing=0.2": network(label_smoothing=0.2),
    "SVC (RBF)": SVC(),
}


def evaluate(data, n_jobs):
    folds = list(GroupKFold(n_splits=5).split(data["data"], groups=data["variant"]))
    rows = []
    for front, featurise in front_ends().items():
        F = featurise(data["data"])
        scores = Parallel(n_jobs=n_jobs)(
            delayed(score)(model, F, data["target"], train, test)
            for model in CLASSIFIERS.values() for train, test in folds
        )  # fmt: skip
        for i, name in enumerate(CLASSIFIERS):
            fold_scores = scores[i * len(folds) : (i + 1) * len(folds)]
            rows.append((front, name, np.mean(fold_scores), np.min(fold_scores)))
    return pd.DataFrame(rows, columns=["front end", "classifier", "mean", "worst fold"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--renditions", type=int, default=2, help="per word and voice")
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    tables = []
    for vocabulary in VOCABULARIES:
        data = load(vocabulary, args.cache, args.renditions, args.n_jobs)
        print(f"{vocabulary}: {len(data['target'])} recordings, "
              f"{len(set(data['variant']))} voice variants")  # fmt: skip
        with threadpool_limits(1):
            table = evaluate(data, args.n_jobs)
        tables.append(table.assign(words=vocabulary))
    table = pd.concat(tables, ignore_index=True)
    table = table[["words", "front end", "classifier", "mean", "worst fold"]]
    table.to_csv(args.output, index=False, float_format="%.3f")
    print(table.to_string(index=False, float_format="{:.3f}".format))
    return table


if __name__ == "__main__":
    main()
