"""Featurising time of MFCC on the shipped spoken digits, and of python_speech_features.

Times ``MFCC.fit_transform`` on the recordings of ``load_spoken_digits()`` (all 3,000
by default: the whole Free Spoken Digit Dataset) on one thread, for a few settings,
and, for reference, the same features from ``python_speech_features.mfcc`` called
once per recording (the settings under which the two agree). Prints one table row per
setting: the median wall time over ``--repeats`` runs.

    python benchmarks/bench_mfcc.py
    python benchmarks/bench_mfcc.py --recordings 300 --repeats 5

Run with ``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1`` for steadier figures.
"""

import argparse
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_limits

from skbackprop.datasets import load_spoken_digits
from skbackprop.preprocessing import MFCC

SETTINGS = {
    "defaults": {},
    "deltas=2, normalize, trim=40": {
        "deltas": 2,
        "normalize": "mean_var",
        "trim": 40,
    },
    "as python_speech_features": {
        "window": "rectangular",
        "n_fft": 512,
        "mel_edges": "fft_bin",
        "trim": None,
    },
}


def median_time(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def reference(X, sample_rate):
    """python_speech_features, one call per recording, or None if not installed."""
    try:
        import python_speech_features as psf
    except ImportError:
        return None
    samples = [np.asarray(x, dtype=np.float64) for x in X]
    return lambda: [psf.mfcc(x, samplerate=sample_rate, nfft=512) for x in samples]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recordings", type=int, default=3000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    digits = load_spoken_digits()
    X = list(digits.data[: args.recordings])
    seconds_of_audio = sum(len(x) for x in X) / digits.sample_rate
    print(f"{len(X)} recordings, {seconds_of_audio:.0f} s of audio at 8 kHz")
    print("| implementation | settings | frames | seconds | recordings/s |")
    print("|---|---|---:|---:|---:|")
    with threadpool_limits(1):
        for name, params in SETTINGS.items():
            mfcc = MFCC(sample_rate=digits.sample_rate, **params)
            seconds, out = median_time(lambda m=mfcc: m.fit_transform(X), args.repeats)
            frames = sum(len(U) for U in out)
            print(
                f"| skbackprop MFCC | {name} | {frames} | {seconds:.3f} | "
                f"{len(X) / seconds:.0f} |"
            )
        run = reference(X, digits.sample_rate)
        if run is not None:
            seconds, out = median_time(run, 1)
            frames = sum(len(U) for U in out)
            print(
                f"| python_speech_features | as python_speech_features | {frames} | "
                f"{seconds:.3f} | {len(X) / seconds:.0f} |"
            )


if __name__ == "__main__":
    main()
