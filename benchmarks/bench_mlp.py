"""Training speed of skbackprop against scikit-learn's MLP (and PyTorch, if installed).

Trains the same network with the same settings in every system: ReLU hidden
layers, Adam (lr 1e-3), L2 alpha 1e-4 on the weights, fixed batch size and
number of epochs, shuffling, no early stopping. Each system gets one untimed
warm-up fit; then the timed fits are interleaved (sklearn, skbackprop, torch,
sklearn, ...) so that a change in machine load hits every system alike, and
every figure is a median over the repeats.

Workloads (synthetic data, random_state=0):

  S  5,000 x 20, 2 classes, hidden (100,), batch 200
  M  50,000 x 100, 10 classes, hidden (256, 128), batch 256
  R  regression 20,000 x 50, hidden (128, 64), batch 128
  W  60,000 x 784, 10 classes, hidden (512, 512), batch 256

Columns: seconds per epoch (wall time of fit / epochs run), CPU seconds per
epoch (process time: steadier on a shared machine with one thread), and the
ratio sklearn / system (above 1: faster than sklearn). With ``--cast32``, an
extra row trains skbackprop with ``dtype='float32'`` on the float64 data and
compares it with sklearn on that same float64 data.

Usage::

    python benchmarks/bench_mlp.py                      # all workloads, float64
    python benchmarks/bench_mlp.py --workloads S,M --dtypes float64,float32
    python benchmarks/bench_mlp.py --threads 2 --repeats 5 --torch
    python benchmarks/bench_mlp.py --workloads M --cast32

Needs numpy, scikit-learn and skbackprop; PyTorch only for ``--torch``.
"""

import argparse
import os
import platform
import statistics
import sys
import time
import warnings

WORKLOADS = {
    "S": dict(
        kind="clf",
        n_samples=5_000,
        n_features=20,
        n_informative=10,
        n_classes=2,
        hidden=(100,),
        batch=200,
        epochs=20,
    ),
    "M": dict(
        kind="clf",
        n_samples=50_000,
        n_features=100,
        n_informative=30,
        n_classes=10,
        hidden=(256, 128),
        batch=256,
        epochs=2,
    ),
    "R": dict(
        kind="reg",
        n_samples=20_000,
        n_features=50,
        n_informative=30,
        hidden=(128, 64),
        batch=128,
        epochs=5,
    ),
    "W": dict(
        kind="clf",
        n_samples=60_000,
        n_features=784,
        n_informative=60,
        n_classes=10,
        hidden=(512, 512),
        batch=256,
        epochs=1,
    ),
}
ALPHA, LR, SEED = 1e-4, 1e-3, 0


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--workloads", default="S,M,R,W", help="comma-separated (S,M,R,W)")
    ap.add_argument("--dtypes", default="float64", help="float64, float32 or both")
    ap.add_argument(
        "--threads",
        type=int,
        default=1,
        help="BLAS/OpenMP threads for every system (default 1; 0 leaves "
        "the environment alone)",
    )
    ap.add_argument("--repeats", type=int, default=3, help="timed fits per system")
    ap.add_argument(
        "--epochs-scale",
        type=float,
        default=1.0,
        help="multiply every workload's epochs (at least 1)",
    )
    ap.add_argument("--torch", action="store_true", help="add a plain PyTorch loop")
    ap.add_argument(
        "--cast32",
        action="store_true",
        help="add skbackprop with dtype='float32' on float64 data",
    )
    return ap.parse_args(argv)


def make_data(wl):
    import numpy as np
    from sklearn.datasets import make_classification, make_regression

    if wl["kind"] == "clf":
        X, y = make_classification(
            n_samples=wl["n_samples"],
            n_features=wl["n_features"],
            n_informative=wl["n_informative"],
            n_redundant=2,
            n_classes=wl["n_classes"],
            random_state=SEED,
        )
    else:
        X, y = make_regression(
            n_samples=wl["n_samples"],
            n_features=wl["n_features"],
            n_informative=wl["n_informative"],
            noise=10.0,
            random_state=SEED,
        )
        y = (y - y.mean()) / y.std()
    return np.ascontiguousarray(X), y


def sklearn_params(wl, epochs):
    return dict(
        hidden_layer_sizes=wl["hidden"],
        activation="relu",
        solver="adam",
        learning_rate_init=LR,
        alpha=ALPHA,
        batch_size=wl["batch"],
        max_iter=epochs,
        shuffle=True,
        early_stopping=False,
        tol=0.0,
        n_iter_no_change=10**9,
        random_state=SEED,
    )


def estimator_fit(cls, wl, **extra):
    """A function fit(X, y, epochs) -> epochs run, for an sklearn-style class."""

    def fit(X, y, epochs):
        est = cls(**sklearn_params(wl, epochs), **extra)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(X, y)
        return est.n_iter_

    return fit


def torch_fit(wl, threads):
    """The plain PyTorch training loop with the same network and settings."""
    import torch
    from torch import nn

    if threads:
        torch.set_num_threads(threads)

    def fit(X, y, epochs):
        dtype = torch.float32 if X.dtype.name == "float32" else torch.float64
        sizes = [X.shape[1], *wl["hidden"]]
        layers = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            layers += [nn.Linear(a, b, dtype=dtype), nn.ReLU()]
        binary = wl["kind"] == "clf" and wl["n_classes"] == 2
        n_out = 1 if wl["kind"] == "reg" or binary else wl["n_classes"]
        model = nn.Sequential(*layers, nn.Linear(sizes[-1], n_out, dtype=dtype))
        for m in model:
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
        decay = [p for n, p in model.named_parameters() if n.endswith("weight")]
        rest = [p for n, p in model.named_parameters() if n.endswith("bias")]
        opt = torch.optim.Adam(
            [
                {"params": decay, "weight_decay": ALPHA / wl["batch"]},
                {"params": rest, "weight_decay": 0.0},
            ],
            lr=LR,
        )
        Xt = torch.from_numpy(X)
        if wl["kind"] == "clf" and not binary:
            yt, loss_fn = torch.from_numpy(y.astype("int64")), nn.CrossEntropyLoss()
        else:
            yt = torch.from_numpy(y.astype(X.dtype).reshape(-1, 1))
            loss_fn = nn.MSELoss() if wl["kind"] == "reg" else nn.BCEWithLogitsLoss()
        gen = torch.Generator().manual_seed(SEED)
        for _ in range(epochs):
            perm = torch.randperm(len(Xt), generator=gen)
            for i in range(0, len(Xt), wl["batch"]):
                idx = perm[i : i + wl["batch"]]
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(Xt[idx]), yt[idx])
                loss.backward()
                opt.step()
                loss.item()  # the per-batch loss a loss curve needs
        return epochs

    return fit


def timed(fit, X, y, epochs):
    t0, c0 = time.perf_counter(), time.process_time()
    ran = fit(X, y, epochs) or epochs
    return (time.perf_counter() - t0) / ran, (time.process_time() - c0) / ran


def systems_for(wl, dtype, args):
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    import skbackprop

    clf = wl["kind"] == "clf"
    ours = skbackprop.BackpropClassifier if clf else skbackprop.BackpropRegressor
    systems = {
        "sklearn": estimator_fit(MLPClassifier if clf else MLPRegressor, wl),
        "skbackprop": estimator_fit(ours, wl),
    }
    if args.cast32 and dtype == "float64":
        systems["skbackprop dtype=float32"] = estimator_fit(ours, wl, dtype="float32")
    if args.torch:
        systems["torch"] = torch_fit(wl, args.threads)
    return systems


def run_workload(name, dtype, args):
    """Median s/epoch (wall, cpu) of every system on one workload and dtype."""
    wl = WORKLOADS[name]
    X, y = make_data(wl)
    X = X.astype(dtype)
    if wl["kind"] == "reg":
        y = y.astype(dtype)
    epochs = max(1, round(wl["epochs"] * args.epochs_scale))
    systems = systems_for(wl, dtype, args)
    n_warm = 2 * wl["batch"]
    for fit in systems.values():  # lazy imports, BLAS thread start-up
        fit(X[:n_warm], y[:n_warm], 1)
    times = {s: [] for s in systems}
    for _ in range(args.repeats):
        for s, fit in systems.items():  # interleaved: A B C A B C ...
            times[s].append(timed(fit, X, y, epochs))
    return {
        s: (statistics.median(t[0] for t in ts), statistics.median(t[1] for t in ts))
        for s, ts in times.items()
    }


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.threads > 0:  # before numpy loads its BLAS
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.threads)
    import numpy as np
    import sklearn

    import skbackprop

    workloads = [w for w in args.workloads.split(",") if w]
    dtypes = [d for d in args.dtypes.split(",") if d]
    print(
        f"# skbackprop {getattr(skbackprop, '__version__', '?')}, scikit-learn "
        f"{sklearn.__version__}, numpy {np.__version__}, python "
        f"{platform.python_version()}; {platform.machine()}, {os.cpu_count()} CPUs; "
        f"threads={args.threads or 'env'}; "
        f"repeats={args.repeats} (interleaved, medians)"
    )
    print()
    print(
        "| workload | dtype | system | s/epoch | CPU s/epoch | ratio vs sklearn "
        "| CPU ratio vs sklearn |"
    )
    print("|---|---|---|---:|---:|---:|---:|")
    for name in workloads:
        for dtype in dtypes:
            res = run_workload(name, dtype, args)
            wall0, cpu0 = res["sklearn"]
            for s, (wall, cpu) in res.items():
                print(
                    f"| {name} | {dtype} | {s} | {wall:.4g} | {cpu:.4g} | "
                    f"{wall0 / wall:.2f} | {cpu0 / cpu:.2f} |",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
