"""``python -m mapping``: see :mod:`mapping.cli`."""

from mapping.cli import exit_now, main

exit_now(main())
