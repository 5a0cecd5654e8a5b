"""Opening the store, and seeding the demo district the first time it is opened."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from mapping.domain.dataset import Dataset
from mapping.store.codec import _now
from mapping.store.errors import DatasetExists

if TYPE_CHECKING:
    from mapping.store.repository import Store

DEMO_NAME = "demo"
"""Name under which :func:`open_store` seeds the demo district."""

DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"


def open_store(url_or_path: str | Path | None = None, seed_demo: bool = True) -> Store:
    """Open (and on first use create) the store.

    Parameters
    ----------
    url_or_path
        ``--db`` value: a URL (``sqlite:///...``, ``postgresql://...``) or a
        SQLite file path. ``None``: ``$MAPPING_DB``, else
        :func:`mapping.store.tables.default_path`
        (``~/.local/share/wijknetwerk/wijknetwerk.db``).
    seed_demo
        Store the demo district (``data/demo``) as dataset ``"demo"`` the
        first time the store is opened where the demo data exists.

    Returns
    -------
    Store
    """
    from mapping.store.repository import Store  # the repository re-exports this module

    store = Store(url_or_path)
    try:
        if seed_demo and store._meta("demo_seeded") is None:
            demo = _demo_dataset()
            if demo is not None:
                with contextlib.suppress(DatasetExists):
                    store.create_dataset(DEMO_NAME, demo, author="wijknetwerk",
                                         message="demo district")
                store._set_meta("demo_seeded", _now().isoformat())
    except BaseException:
        store.close()  # a failed open must not leave a connection pool behind
        raise
    return store


def _demo_dataset() -> Dataset | None:
    """The demo district, or None when it is not available (yet)."""
    try:
        from mapping.io.load import load_path
    except ImportError:
        return None
    if not DEMO_DIR.is_dir() or not any(DEMO_DIR.iterdir()):
        return None
    result = load_path(DEMO_DIR, "nl")
    return result.dataset if result.ok else None


# --------------------------------------------------------------------------- CLI
