"""What the dataset converters in tools/ share: the command line and the .npz writer.

The converters run as scripts (``python tools/convert_....py``), so Python puts this
folder on the path and they import this module by its plain name.
"""

import argparse
import zipfile
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "skbackprop" / "datasets" / "data"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
# A fixed timestamp inside the zip makes the archive byte-identical on every run, so
# re-running a converter does not show up as a change in git.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)


def write_npz(file, arrays, compression):
    """Like ``np.savez``, but byte-reproducible (fixed zip timestamps).

    ``file`` is a path or a binary file object; ``compression`` a ``zipfile``
    constant (``ZIP_DEFLATED`` as in ``np.savez_compressed``, or ``ZIP_STORED``).
    """
    with zipfile.ZipFile(file, mode="w", compression=compression) as archive:
        for name, array in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_DATE_TIME)
            info.compress_type = compression
            with archive.open(info, mode="w") as member:
                np.lib.format.write_array(member, np.asarray(array), allow_pickle=False)


def argument_parser(doc, default_source, default_output, source_help):
    """The converters' command line, ``[SOURCE_DIR] [--output PATH]``, described by
    the first line of the script's docstring ``doc``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        default=default_source,
        help=f"{source_help} (default: {default_source})",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=default_output,
        help=f"archive to write (default: {default_output})",
    )
    return parser
