"""Prediction throughput and extra memory against scikit-learn's MLP.

Fits each library briefly on a sample, then times ``predict`` on a large
float32 array (2,000,000 x 50 by default) and records the peak memory the
call allocates beyond its input (``tracemalloc``: numpy reports its buffers
to it). Prints one table row per estimator and library. Then, for online
serving, the latency of ``predict``, ``predict_proba`` and
``predict_log_proba`` on 1, 10 and 100 rows of a 40-100-5 classifier
(median over interleaved rounds of many calls, input validation included).

    python benchmarks/bench_predict.py
    python benchmarks/bench_predict.py --rows 500000 --repeats 5
    python benchmarks/bench_predict.py --latency-only

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


def latency(rounds, calls=300):
    """Median microseconds per call on small batches, both libraries interleaved."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(500, 40)), rng.integers(0, 5, 500)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        models = {
            lib: cls(hidden_layer_sizes=(100,), max_iter=5, random_state=0).fit(X, y)
            for lib, cls in (
                ("sklearn", MLPClassifier),
                ("skbackprop", BackpropClassifier),
            )
        }
    print("| method | rows | sklearn (us) | skbackprop (us) | ratio vs sklearn |")
    print("|---|---:|---:|---:|---:|")
    for method in ("predict", "predict_proba", "predict_log_proba"):
        for n in (1, 10, 100):
            times = {lib: [] for lib in models}
            for _ in range(rounds):
                for lib, model in models.items():
                    call = getattr(model, method)
                    start = time.perf_counter()
                    for _ in range(calls):
                        call(X[:n])
                    times[lib].append((time.perf_counter() - start) / calls * 1e6)
            sk, bp = (statistics.median(times[lib]) for lib in models)
            print(f"| {method} | {n} | {sk:.1f} | {bp:.1f} | {sk / bp:.2f} |")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--features", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--latency-rounds", type=int, default=7)
    ap.add_argument("--latency-only", action="store_true")
    args = ap.parse_args(argv)
    if not args.latency_only:
        throughput(args)
    latency(args.latency_rounds)


def throughput(args):
    """Rows per second and extra memory of predict on a large array."""
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
