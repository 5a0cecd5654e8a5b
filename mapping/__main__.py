"""``python -m mapping``: see :mod:`mapping.cli`."""

import sys

from mapping.cli import main

sys.exit(main())
