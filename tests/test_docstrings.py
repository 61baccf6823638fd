"""numpydoc validation of every public class, function and method."""

import inspect

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

import skbackprop  # noqa: E402
import skbackprop.datasets  # noqa: E402
import skbackprop.inspection  # noqa: E402
import skbackprop.preprocessing  # noqa: E402

try:  # needs the 'onnx' extra
    import skbackprop.onnx
except ImportError:
    ONNX = ()
else:
    ONNX = (skbackprop.onnx,)

# Checks we do not enforce: see-also / extended-summary / examples sections on
# every method, and return-value descriptions of `self`.
IGNORED = {"GL08", "SA01", "ES01", "EX01", "RT02", "GL02", "GL03"}


def _public_objects():
    for module in (
        skbackprop,
        skbackprop.datasets,
        skbackprop.inspection,
        skbackprop.preprocessing,
        *ONNX,
    ):
        for name in module.__all__:
            obj = getattr(module, name)
            if not callable(obj):
                continue
            yield f"{module.__name__}.{name}"
            if inspect.isclass(obj):
                for method in vars(obj):
                    if not method.startswith("_") and callable(getattr(obj, method)):
                        yield f"{module.__name__}.{name}.{method}"


@pytest.mark.parametrize("name", sorted(set(_public_objects())))
def test_docstring(name):
    result = numpydoc_validate.validate(name)
    errors = [(code, msg) for code, msg in result["errors"] if code not in IGNORED]
    assert not errors, f"{name}: {errors}"
