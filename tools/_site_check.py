"""What the checks of the built documentation in tools/ share: the command line.

The checks run as scripts (``python tools/check_....py docs/_build/html``), so
Python puts this folder on the path and they import this module by its plain
name.
"""

import argparse
import sys
from pathlib import Path


def run(argv, description, find_faults, fault_summary, passed):
    """Check the site named on the command line; the script's exit status.

    ``find_faults(site)`` returns one line of text per fault. Each is printed;
    then ``fault_summary`` (to stderr) if there is any, else ``passed``, both
    formatted with ``n_faults`` and ``n_pages``. The status is 1 with a fault,
    2 if the directory holds no HTML page (a check of nothing would pass), and
    0 otherwise.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("site", type=Path, help="the built HTML directory")
    args = parser.parse_args(argv)
    n_pages = sum(1 for _ in args.site.rglob("*.html"))
    if n_pages == 0:
        print(f"{args.site}: no HTML page to check", file=sys.stderr)
        return 2
    faults = find_faults(args.site)
    for fault in faults:
        print(fault)
    counts = {"n_faults": len(faults), "n_pages": n_pages}
    if faults:
        print(fault_summary.format(**counts), file=sys.stderr)
        return 1
    print(passed.format(**counts))
    return 0
