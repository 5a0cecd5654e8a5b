"""What the workshop and join pages do, without Streamlit (issue 5).

The pages (``pages/workshop.py`` for the facilitator's shared screen,
``pages/join.py`` for participants' phones) only draw widgets and call these
functions, so everything here is testable without a browser:

* which database to open (``--db`` / ``$MAPPING_DB`` / a file in the user's
  data folder) and creating a new dataset (empty, or a copy of the demo);
* new ids for organisations and groups that do not collide, even when many
  participants add one at the same moment;
* the history as a readable table and a diff as plain sentences;
* the join link and its QR code (made here with ``segno``: no network);
* the live network: graph, positions that keep every known node where it was,
  and the vis-network HTML.

Nothing here escapes text for Markdown: the pages show user text either in
widgets (plain text) or through :func:`mapping.session.md_escape`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from mapping.domain.dataset import CONDITIONS, Dataset
from mapping.domain.schema import FORMS
from mapping.i18n import normalise_lang
from mapping.store.repository import (
    DEMO_NAME,
    JOIN_ALPHABET,
    EditError,
    Store,
    StoreError,
    _demo_dataset,
)
from mapping.workshop.choices import (  # noqa: F401  (re-exported: callers import them from here)
    DEFAULT_SCORE,
    collaboration_links,
    group_names,
    names,
    organisation_names,
    reach_links,
    row_of,
    slider_value,
)
from mapping.workshop.clock import (  # noqa: F401  (re-exported: callers import them from here)
    LOCAL_ZONE,
    clock_time,
    date_time,
    is_local_link,
    join_url,
    local_time,
    qr_png,
    today,
)
from mapping.workshop.history import (  # noqa: F401  (re-exported: callers import them from here)
    describe_action,
    diff_lines,
    history,
    history_names,
    recent_changes,
    version_options,
)
from mapping.workshop.messages import (  # noqa: F401  (re-exported: callers import them from here)
    MESSAGES,
    text,
)

CATEGORIES: tuple[str, ...] = (
    "wijkteam", "jeugdteam", "cjg", "jgz", "school", "ggd", "veilig_thuis", "huisarts", "mzo",
    "moskee", "kerk", "buurtcentrum", "ouderkamer", "vrouwennetwerk", "sleutelfiguur",
    "vrijwilligers", "other")
"""Organisation categories of ``docs/domain.md``, offered in the forms."""

FORM_CHOICES: tuple[str, ...] = ("", *FORMS)
"""Forms of collaboration offered by the workshop and join pages: "not given" and the
declared vocabulary :data:`mapping.domain.schema.FORMS`, so files, workshop and join
store the same words (labels from :func:`form_choice_label`)."""


def form_choice_label(form: str, lang: str = "nl", empty: str = "—") -> str:
    """The menu label of a :data:`FORM_CHOICES` entry (``empty`` for "not given")."""
    from mapping.analysis.forms import form_label

    return form_label(form, normalise_lang(lang)) if form else empty


def same_name(a: Any, b: Any) -> bool:
    """Whether two names are the same for people: capitals and spacing do not count."""
    return name_key(a) == name_key(b) and name_key(a) != ""


def name_key(value: Any) -> str:
    """``value`` as compared by :func:`same_name`: case-folded, runs of spaces as one."""
    return " ".join(str(value or "").split()).casefold()


def named_like(frame: pd.DataFrame, name: Any) -> list[str]:
    """Ids of the rows of ``frame`` (``id``, ``name``) named :func:`same_name` as ``name``."""
    wanted = name_key(name)
    if not wanted:
        return []
    return [str(i) for i, n in zip(frame["id"], frame["name"], strict=True)
            if name_key(n) == wanted]


def new_token() -> str:
    """A submission token for one rendered form (:meth:`Store._edit`: saved once)."""
    return secrets.token_urlsafe(16)


# --------------------------------------------------------------------------- the database


def store_url(cli_db: str | None = None) -> str:
    """The database to open: ``--db``, else ``$MAPPING_DB``, else the default file.

    Returned as a string so pages can use it as a cache key: a test that
    points ``MAPPING_DB`` at a temporary file gets its own store.
    """
    if cli_db:
        return str(cli_db)
    from mapping.store.tables import default_path

    return os.environ.get("MAPPING_DB") or str(default_path())


# --------------------------------------------------------------------------- new datasets


def empty_dataset(name: str) -> Dataset:
    """A dataset with the canonical columns and no rows (a workshop starting from scratch)."""
    def frame(columns: dict[str, str]) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in columns.items()})

    return Dataset(
        organisations=frame({"id": "object", "name": "object", "kind": "object",
                             "category": "object", "neighbourhood": "object",
                             "lat": "float64", "lon": "float64", "topics": "object",
                             "contact": "object", "notes": "object"}),
        parent_groups=frame({"id": "object", "name": "object", "community": "object",
                             "neighbourhood": "object", "families": "Int64",
                             "notes": "object"}),
        reach=frame({"organisation": "object", "group": "object", "strength": "float64"}),
        collaborations=frame({"source": "object", "target": "object", "form": "object",
                              **dict.fromkeys(CONDITIONS, "float64"),
                              "reported_by": "object"}),
        neighbourhoods=None, name=name)


def demo_copy(store: Store) -> Dataset:
    """The demo district to start from: the stored ``demo`` dataset, else ``data/demo``.

    Raises
    ------
    StoreError
        When neither exists (message ``demo_missing`` through :func:`text`).
    """
    if store.exists(DEMO_NAME):
        return store.load(DEMO_NAME)
    demo = _demo_dataset()
    if demo is None:
        raise WorkshopError("demo_missing")
    return demo


def create_dataset(store: Store, name: str, start: str = "empty",
                   author: str | None = None) -> int:
    """Create dataset ``name`` from ``start`` (``"empty"`` or ``"demo"``); returns version 1."""
    base = demo_copy(store) if start == "demo" else empty_dataset(name)
    return store.create_dataset(name, base.replace(name=name), author=author,
                                message="demo" if start == "demo" else None)


class WorkshopError(StoreError):
    """A workshop action that cannot be done; messages from :data:`MESSAGES`."""

    def message(self, lang: str = "nl") -> str:
        """The message in ``lang``."""
        return text(self.key, lang, **self.params)


# --------------------------------------------------------------------------- ids


def new_id(existing: Iterable[Any], prefix: str) -> str:
    """A short id that is not in ``existing``: ``prefix`` plus four easy characters.

    Random rather than "highest number + 1": twenty phones adding an
    organisation at the same moment would otherwise all pick the same number.
    """
    taken = {str(x) for x in existing}
    while True:
        candidate = prefix + "".join(secrets.choice(JOIN_ALPHABET) for _ in range(4))
        if candidate not in taken:
            return candidate


def add_with_new_id(add: Callable[[dict[str, Any]], int], record: Mapping[str, Any],
                    existing: Iterable[Any], prefix: str, attempts: int = 5) -> tuple[int, str]:
    """Call ``add(record + id)`` with a fresh id, retrying if the id got taken meanwhile.

    Returns ``(version, id)``.
    """
    taken = {str(x) for x in existing}
    for _ in range(attempts):
        candidate = new_id(taken, prefix)
        try:
            return add({**record, "id": candidate}), candidate
        except EditError as exc:
            if not exc.key.startswith("duplicate_"):
                raise
            taken.add(candidate)
    raise EditError("duplicate_organisation", id=prefix)


def clean_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """``record`` without empty form fields (the store would store them as "not given")."""
    return {k: v for k, v in record.items()
            if v is not None and not (isinstance(v, str) and not v.strip())}


# --------------------------------------------------------------------------- live network


@dataclass
class LiveNetwork:
    """The drawn network of one dataset version and the positions it used."""

    version: int
    html: str
    positions: dict[Hashable, tuple[float, float]]
    organisations: int
    groups: int


def live_network(dataset: Dataset, version: int,
                 previous: Mapping[Hashable, tuple[float, float]] | None = None, *,
                 hide_personal: bool = True, lang: str = "nl", presentation: bool = False,
                 height: str = "640px") -> LiveNetwork:
    """Draw ``dataset`` keeping the nodes of ``previous`` where they were.

    New nodes go next to their neighbours (:func:`mapping.views.layout.positions`),
    so the room sees its network grow instead of reshuffle.
    """
    from mapping.analysis.graph import build_graph
    from mapping.analysis.report import analyse
    from mapping.views.layout import positions
    from mapping.views.render_network import render_network

    graph = build_graph(dataset)
    placed = positions(graph, previous=previous or None)
    coverage = analyse(dataset) if graph.number_of_nodes() else None
    # The legend starts folded: on the shared screen the network gets the room (issue 11).
    html = render_network(graph, placed, coverage=coverage, hide_personal=hide_personal,
                          lang=lang, presentation=presentation, height=height,
                          title=dataset.name, legend_folded=True)
    return LiveNetwork(version, html, dict(placed), len(dataset.organisations),
                       len(dataset.parent_groups))


# --------------------------------------------------------------------------- page catch-up

QUIET_SECONDS = 3.0
"""After an answer, how long the room must stay quiet before the whole workshop page reruns
once (its forms and history then list the new additions too)."""

STALE_SECONDS = 20.0
"""Longest the forms may lag behind the network while answers keep coming."""


@dataclass
class CatchUp:
    """When the facilitator's whole page reruns, while only its live part follows each answer.

    The live fragment redraws the network for every new version; the rest of
    the page (the forms' lists, the history) was drawn at :attr:`page_head`.
    Rerunning all of it for each of 30 answers in two seconds cost a full page
    run per answer; :meth:`due` asks for one run when the room has been quiet
    for :data:`QUIET_SECONDS`, or at the latest :data:`STALE_SECONDS` after the
    page fell behind. Times are ``time.monotonic()`` seconds, passed in so the
    rule is testable without a clock.
    """

    page_head: int | None = None
    seen_head: int | None = None
    seen_at: float = 0.0
    behind_since: float | None = None

    def drawn(self, head: int) -> None:
        """The whole page was just drawn at version ``head``."""
        self.page_head = head
        self.behind_since = None

    def due(self, head: int, now: float) -> bool:
        """Whether the whole page should rerun now; the live part has drawn ``head``."""
        if head != self.seen_head:
            self.seen_head, self.seen_at = head, now
        if self.page_head is None or head == self.page_head:
            self.behind_since = None
            return False
        if self.behind_since is None:
            self.behind_since = now
        return (now - self.seen_at >= QUIET_SECONDS
                or now - self.behind_since >= STALE_SECONDS)
