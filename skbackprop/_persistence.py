"""Fitted estimators in files: the training record as plain data.

The training record (the engine's ``TrainingState``, with its optimizer and
schedule) is stored as plain dicts, arrays and numbers, so that skops loads a
fitted estimator trusting no engine class; its public ``_``-suffixed copies
are not stored but made again on loading. Files written before the record
existed, which kept it in the fitted attributes, load into a record.
"""

import zlib

import numpy as np

from ._engine import TrainingState, from_state, to_state

# the training record's fields and the public attributes that copy them
PUBLISHED = {
    "n_iter": "n_iter_",
    "t": "t_",
    "loss": "loss_",
    "loss_curve": "loss_curve_",
    "best_loss": "best_loss_",
    "no_improvement_count": "_no_improvement_count",  # sklearn's tests read it
    "validation_scores": "validation_scores_",
    "validation_loss_curve": "validation_loss_curve_",
    "best_validation_score": "best_validation_score_",
    "best_iteration": "best_iteration_",
    "history": "history_",
}


def published_attributes(record):
    """The public attributes copied from a training record (lists copied)."""
    copies = {}
    for field, attribute in PUBLISHED.items():
        value = getattr(record, field)
        copies[attribute] = list(value) if isinstance(value, list) else value
    return copies


def file_state(state):
    """An estimator's ``__dict__`` as it goes into a file."""
    if "_training" in state:
        state["_training"] = _record_to_dict(state["_training"])
        for attribute in PUBLISHED.values():
            state.pop(attribute, None)
    return state


def loaded_state(state):
    """An estimator's ``__dict__`` from a file, the training record rebuilt."""
    if "_training" in state:
        state["_training"] = _record_from_dict(state["_training"])
    elif "coefs_" in state:  # a file of 0.1.0.dev0 before the record
        state["_training"] = _record_from_attributes(state)
        state.update(front_params_=[], activation_params_=[], _front=[], _inputs=None)
    return state


def _pack_history(history):
    """``history_`` as one compressed table: a file holds a node per record
    otherwise, and grows past sklearn's MLP with the number of epochs."""
    keys = list(history[0])
    table = np.array([[record[k] for k in keys] for record in history], float)
    return {
        "keys": keys,
        "ints": [isinstance(history[0][k], int) for k in keys],
        "table": zlib.compress(table.T.tobytes()),  # a column at a time
    }


def _unpack_history(packed):
    """The list of records that :func:`_pack_history` packed."""
    keys = packed["keys"]
    table = np.frombuffer(zlib.decompress(packed["table"])).reshape(len(keys), -1)
    columns = [
        col.astype(int).tolist() if is_int else col.tolist()
        for col, is_int in zip(table, packed["ints"])
    ]
    return [dict(zip(keys, row)) for row in zip(*columns)]


def _record_to_dict(record):
    """The training record as plain data: its optimizer and schedule as
    :func:`to_state` dicts, its history packed."""
    data = vars(record).copy()
    for name in ("optimizer", "schedule"):
        if data[name] is not None:
            data[name] = to_state(data[name])
    data["history"] = _pack_history(data["history"]) if data["history"] else []
    return data


def _record_from_dict(data):
    """The training record that :func:`_record_to_dict` stored."""
    data = dict(data)
    for name in ("optimizer", "schedule"):
        if data[name] is not None:
            data[name] = from_state(data[name])
    if data["history"]:
        data["history"] = _unpack_history(data["history"])
    return TrainingState(**data)


def _record_from_attributes(state):
    """The training record of a file that kept it in the fitted attributes
    (``_optimizer``, ``_schedule``, ``_best_params``, ``n_iter_``, ...)."""
    data = {field: state.pop(attribute) for field, attribute in PUBLISHED.items()}
    data["best_params"] = state.pop("_best_params", None)
    for name in ("optimizer", "schedule"):
        saved = state.pop(f"_{name}", None)
        data[name] = None if saved is None else from_state(saved)
    if isinstance(data["history"], dict):
        data["history"] = _unpack_history(data["history"])
    return TrainingState(**data)
