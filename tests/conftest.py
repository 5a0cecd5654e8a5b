"""Suite-wide collection order: the long files first.

CI runs two workers that take one file at a time, in collection order. The
browser and two-server files take minutes each; started last, one worker runs
them alone at the end while the other is idle (about two minutes of a 15-minute
run). Started first, the short files fill the gaps beside them.
"""

from __future__ import annotations

import pytest

# The two longest files (about 3 and 2 minutes), so each worker starts with one of them.
LONGEST = ("test_access_browser.py", "test_two_servers.py")


def _long(item: pytest.Item) -> bool:
    return item.get_closest_marker("browser") is not None or "deploy" in item.path.parts


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move every file that holds a browser or deployment test before the others."""
    long_files = {item.path for item in items if _long(item)}
    items.sort(key=lambda item: (item.path.name not in LONGEST,  # stable: order within kept
                                 item.path not in long_files))
