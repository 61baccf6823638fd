"""``skbackprop._progress``: what a fit reports after every epoch, to
scikit-learn's callbacks (``sklearn.callback``) and as verbose output.

The per-epoch ``history_`` is ``test_base.py``'s (the training record)."""

import importlib.util
import re

import pytest
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbackprop import BackpropClassifier, BackpropRegressor
from skbackprop._progress import EpochReporter

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

needs_callbacks = pytest.mark.skipif(
    importlib.util.find_spec("sklearn.callback") is None,
    reason="sklearn.callback needs scikit-learn >= 1.9",
)
needs_rich = pytest.mark.skipif(
    importlib.util.find_spec("rich") is None, reason="ProgressBar needs rich"
)


@pytest.fixture
def Xy():
    X, y = make_classification(n_samples=120, n_features=5, random_state=0)
    return StandardScaler().fit_transform(X), y


class Recorder:
    """A FitCallback that records every task and can ask to stop."""

    def __init__(self, stop_after=None):
        self.stop_after = stop_after
        self.ended, self.scores = [], []

    def setup(self, estimator, context):
        self.setup_called = True

    def teardown(self, estimator, context):
        self.teardown_called = True

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None):
        pass

    def on_fit_task_end(
        self,
        estimator,
        context,
        *,
        X=None,
        y=None,
        fitted_estimator=None,
        metadata=None,
    ):
        self.ended.append((context.task_name, context.task_id, context.max_subtasks))
        if context.task_name == "epoch":
            self.scores.append(fitted_estimator.score(X, y))
            return (
                self.stop_after is not None and context.task_id + 1 >= self.stop_after
            )
        return False


@needs_callbacks
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_one_task_per_epoch_with_a_usable_estimator(solver, Xy):
    X, y = Xy
    recorder = Recorder()
    clf = BackpropClassifier(
        hidden_layer_sizes=(8,), solver=solver, max_iter=7, random_state=0
    ).set_callbacks(recorder)
    clf.fit(X, y)
    epochs = [task for task in recorder.ended if task[0] == "epoch"]
    assert [task_id for _, task_id, _ in epochs] == list(range(clf.n_iter_))
    assert recorder.ended[-1] == ("fit", 0, 7)  # the root task ends last
    assert recorder.setup_called and recorder.teardown_called
    # each epoch's estimator predicts with the weights of that epoch
    assert len(recorder.scores) == clf.n_iter_
    assert recorder.scores[-1] == pytest.approx(clf.score(X, y))


@needs_callbacks
def test_a_callback_can_stop_training_without_warning(Xy, recwarn):
    X, y = Xy
    clf = BackpropClassifier(hidden_layer_sizes=(8,), max_iter=50, random_state=0)
    clf.set_callbacks(Recorder(stop_after=3)).fit(X, y)
    assert clf.n_iter_ == 3 and len(clf.history_) == 3
    assert not [w for w in recwarn if "Maximum iterations" in str(w.message)]


@needs_callbacks
def test_partial_fit_reports_one_epoch(Xy):
    X, y = Xy
    recorder = Recorder()
    clf = BackpropClassifier(hidden_layer_sizes=(8,), random_state=0)
    clf.set_callbacks(recorder).partial_fit(X, y, classes=[0, 1])
    assert [t[0] for t in recorder.ended] == ["epoch", "fit"]


@needs_callbacks
@needs_rich
def test_progress_bar_and_scoring_monitor_inside_grid_search(Xy, capsys):
    from sklearn import callback

    X, y = Xy
    monitor = callback.ScoringMonitor(scoring="accuracy")
    pipe = make_pipeline(
        StandardScaler(),
        BackpropClassifier(
            hidden_layer_sizes=(8,), max_iter=4, random_state=0
        ).set_callbacks(monitor),
    )
    search = GridSearchCV(pipe, {"backpropclassifier__alpha": [1e-4, 1e-2]}, cv=2)
    search.set_callbacks(callback.ProgressBar(max_propagation_depth=None))
    search.fit(X, y)
    assert "BackpropClassifier - fit" in capsys.readouterr().out
    scores = monitor.get_logs().data_as_pandas
    # 2 candidates x 2 folds + the refit, 4 epochs each, all scored
    assert len(scores) >= 5 * 4
    assert scores.filter(like="accuracy").notna().all().all()


@needs_callbacks
@needs_rich
def test_progress_bar_on_a_bare_estimator(Xy, capsys):
    from sklearn import callback

    X, y = Xy
    BackpropRegressor(
        hidden_layer_sizes=(4,), max_iter=3, random_state=0
    ).set_callbacks(callback.ProgressBar()).fit(X, y.astype(float))
    assert "BackpropRegressor - fit" in capsys.readouterr().out


# ------------------------------------------------------------------ verbose
@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_verbose_prints_sklearns_lines(Estimator, data_for, capsys):
    X, y = data_for(Estimator)
    est = Estimator(hidden_layer_sizes=(4,), max_iter=3, verbose=True, random_state=0)
    est.fit(X, y)
    out = capsys.readouterr().out
    assert "Iteration 1, loss = " in out and "Iteration 3, loss = " in out
    est.partial_fit(X, y)
    assert re.fullmatch(r"Iteration \d+, loss = \S+\n", capsys.readouterr().out)
    est.set_params(early_stopping=True, max_iter=2).fit(X, y)
    out = capsys.readouterr().out
    assert "Iteration 2, loss = " in out and "Validation score: " in out


def test_verbose_two_prints_a_table(Xy, capsys):
    X, y = Xy
    clf = BackpropClassifier(
        hidden_layer_sizes=(4,), max_iter=2, verbose=2, random_state=0
    ).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    header = ["Iteration", "loss", "val_loss", "val_score", "lr", "time"]
    assert lines[0].split() == header
    assert lines[1].split()[0] == "1" and lines[2].split()[0] == "2"
    clf.partial_fit(X, y)  # one more epoch, under a header of its own
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == header and lines[1].split()[0] == "3"


def test_constructing_the_reporter_fires_no_callback():
    class Spy(BackpropClassifier):
        calls = []

        def _init_callback_context(self, **kwargs):
            Spy.calls.append("context")
            return super()._init_callback_context(**kwargs)

    est = Spy()
    EpochReporter(est, None, None, None, 3, snapshot=dict)
    assert Spy.calls == []
