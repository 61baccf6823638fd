"""Optimizers and schedules as plain dicts, for pickle, joblib and skops.

A state is the object's registry key and its attributes (arrays, numbers, and
the states of the objects it wraps), so a file holding it loads trusting no
engine class; scratch buffers (names starting with "_") are not stored. Each
kind's constructor takes its attributes back by name, so restoring is a
constructor call, and the object continues exactly where it stopped.
"""

from .optimizers import OPTIMIZERS
from .schedules import SCHEDULES, Warmup

KINDS = {**OPTIMIZERS, **SCHEDULES, "warmup": Warmup}


def to_state(obj):
    """``obj`` as a plain dict: its kind and its public attributes."""
    kind = next(key for key, cls in KINDS.items() if type(obj) is cls)
    attributes = {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    nested = {
        k: to_state(v) for k, v in attributes.items() if type(v) in KINDS.values()
    }
    return {"kind": kind, **attributes, **nested}


def from_state(state):
    """The object that :func:`to_state` described."""
    attributes = dict(state)
    cls = KINDS[attributes.pop("kind")]
    return cls(
        **{
            k: from_state(v) if isinstance(v, dict) else v
            for k, v in attributes.items()
        }
    )
