"""Prediction throughput and extra memory against scikit-learn's MLP.

Fits each library briefly on a sample, then times ``predict`` on a large
float32 array (2,000,000 x 50 by default) and records the peak memory the
call allocates beyond its input (``tracemalloc``: numpy reports its buffers
to it). Prints one table row per estimator and library.

    python benchmarks/bench_predict.py
    python benchmarks/bench_predict.py --rows 500000 --repeats 5

Needs only skbackprop and scikit-learn. Run with one BLAS thread
(``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1``) for steadier figures.
"""

import argparse
import statistics
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skbackprop import BackpropClassifier, BackpropRegressor

PAIRS = {
    "classifier": (MLPClassifier, BackpropClassifier),
    "regressor": (MLPRegressor, BackpropRegressor),
}


def fitted(cls, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return cls(hidden_layer_sizes=(128, 64), max_iter=3, random_state=0).fit(X, y)


def measure(model, X, repeats):
    """Median seconds of predict(X), and the peak bytes it allocated."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(X)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    model.predict(X)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--features", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.rows, args.features)).astype(np.float32)
    y_reg = X[:, :5].sum(axis=1)
    targets = {"classifier": (y_reg > 0).astype(int), "regressor": y_reg}
    sample = slice(0, 20_000)
    print(f"X: {args.rows} x {args.features} float32 ({X.nbytes / 2**20:.0f} MiB)")
    print("| estimator | library | rows/s | ratio vs sklearn | extra memory / input |")
    print("|---|---|---:|---:|---:|")
    for name, (sk_cls, bp_cls) in PAIRS.items():
        y = targets[name][sample]
        results = {}
        for library, cls in (("sklearn", sk_cls), ("skbackprop", bp_cls)):
            results[library] = measure(fitted(cls, X[sample], y), X, args.repeats)
        base = results["sklearn"][0]
        for library, (seconds, peak) in results.items():
            print(
                f"| {name} | {library} | {args.rows / seconds:.3g} | "
                f"{base / seconds:.2f} | {peak / X.nbytes:.2f} |"
            )


if __name__ == "__main__":
    main()
