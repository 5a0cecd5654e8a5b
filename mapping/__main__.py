"""``python -m mapping``: see :mod:`mapping.cli`."""

import sys

from mapping.cli import QUICK_EXIT, exit_now, main

code = main()
if sys.argv[1:2] and sys.argv[1] in QUICK_EXIT:
    exit_now(code)  # a reading command: no teardown of the district it holds
sys.exit(code)
