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

import io
import os
import secrets
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd

from mapping.domain.dataset import CONDITIONS, Dataset
from mapping.domain.schema import FORMS
from mapping.i18n import Catalog, format_datetime, normalise_lang, translate
from mapping.locales import catalog
from mapping.store.repository import (
    DEMO_NAME,
    JOIN_ALPHABET,
    DatasetDiff,
    EditError,
    Store,
    StoreError,
    _demo_dataset,
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


DEFAULT_SCORE = 3
"""Where the four condition sliders start: the middle, so nobody is nudged."""

MESSAGES: Catalog = catalog.namespace("live")


def text(key: str, lang: str = "nl", **params: Any) -> str:
    """A message of this module in ``lang``."""
    return translate(MESSAGES, key, normalise_lang(lang), **params)


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


# --------------------------------------------------------------------------- choices


def organisation_names(dataset: Dataset) -> dict[str, str]:
    """Organisation id -> name, sorted by name (for select boxes)."""
    return names(dataset.organisations)


def group_names(dataset: Dataset) -> dict[str, str]:
    """Parent group id -> name, sorted by name."""
    return names(dataset.parent_groups)


def names(frame: pd.DataFrame) -> dict[str, str]:
    """``id`` -> ``name`` of a table with those columns, sorted by name."""
    pairs = [(str(i), str(n) if n is not None else str(i))
             for i, n in zip(frame["id"], frame["name"], strict=True)]
    return dict(sorted(pairs, key=lambda p: (p[1].casefold(), p[0])))


def reach_links(dataset: Dataset) -> list[tuple[str, str]]:
    """Every reach link as ``(organisation, group)``."""
    frame = dataset.reach
    return [(str(o), str(g)) for o, g in zip(frame["organisation"], frame["group"], strict=True)]


def collaboration_links(dataset: Dataset) -> list[tuple[str, str, str | None]]:
    """Every collaboration rating as ``(source, target, reported_by)``."""
    frame = dataset.collaborations
    by = frame["reported_by"] if "reported_by" in frame.columns else [None] * len(frame)
    return [(str(s), str(t), None if _blank(r) else str(r))
            for s, t, r in zip(frame["source"], frame["target"], by, strict=True)]


def slider_value(value: Any) -> int:
    """A stored 1-5 score (maybe NaN or a decimal) as a whole slider position."""
    if _blank(value):
        return DEFAULT_SCORE
    return min(5, max(1, round(float(value))))


def row_of(dataset: Dataset, table: str, entity_id: str) -> dict[str, Any]:
    """The current values of organisation or group ``entity_id`` (for an edit form)."""
    frame = dataset.table(table)
    found = frame[frame["id"].astype(str) == str(entity_id)]
    if found.empty:
        return {}
    return {k: (None if _blank(v) else v) for k, v in found.iloc[0].to_dict().items()}


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and not value.strip()


# --------------------------------------------------------------------------- history


def history(store: Store, name: str, lang: str = "nl", hide_personal: bool = True,
            ) -> pd.DataFrame:
    """The version list as people read it, newest first.

    Times are Dutch time (:func:`local_time`); changes name organisations and
    groups by their names, not their ids (:func:`history_names`). With
    ``hide_personal`` the author column is left out (authors may be people's
    names).
    """
    frame = store.versions(name)
    known = history_names(store, name, frame)
    rows = []
    for r in frame.itertuples(index=False):
        rows.append({
            text("col_number", lang): int(r.number),
            text("col_time", lang): local_time(r.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            text("col_author", lang): r.author or "",
            text("col_change", lang): describe_action(r.action, r.subject, r.restored_from,
                                                      lang, known),
            text("col_label", lang): ", ".join(r.labels),
        })
    out = pd.DataFrame(rows[::-1])
    if hide_personal and not out.empty:
        out = out.drop(columns=[text("col_author", lang)])
    return out


def version_options(store: Store, name: str, lang: str = "nl") -> dict[int, str]:
    """Version number -> menu label (``Versie 7 · 14:05 · na workshop``), newest first.

    Read from the store on every call, so a menu drawn from it always lists
    the versions that exist now.
    """
    frame = store.versions(name)
    out: dict[int, str] = {}
    for r in frame.iloc[::-1].itertuples(index=False):
        label = text("version_option", lang, v=int(r.number), time=date_time(r.created_at, lang))
        out[int(r.number)] = f"{label} · {r.label}" if r.label else label
    return out


def history_names(store: Store, name: str, versions: pd.DataFrame | None = None,
                  ) -> dict[str, str]:
    """Id -> name of every organisation and group the history mentions.

    The newest version knows most of them; an id it does not know (deleted
    since) is looked up in the version before its deletion, so only versions
    that mention a removed organisation are loaded.
    """
    frame = store.versions(name) if versions is None else versions
    if frame.empty:
        return {}
    known = _all_names(store.load(name))
    for r in frame.itertuples(index=False):
        ids = _subject_ids(r.subject)
        if not ids or all(i in known for i in ids):
            continue
        before = r.parent if str(r.action or "").startswith("delete_") else r.number
        if before is None or before is pd.NA:
            continue
        try:
            older = _all_names(store.load(name, int(before)))
        except StoreError:
            continue
        for i in ids:
            if i in older:
                known.setdefault(i, older[i])
    return known


def _all_names(dataset: Dataset) -> dict[str, str]:
    return {**group_names(dataset), **organisation_names(dataset)}


def _subject_ids(subject: str | None) -> list[str]:
    """The ids in a version's subject: ``M7``, ``M7 -> G2`` or ``M7 - W1``."""
    if not subject:
        return []
    for separator in (" -> ", " - "):
        if separator in subject:
            return [part.strip() for part in subject.split(separator, 1)]
    return [subject.strip()]


def describe_action(action: str | None, subject: str | None, restored_from: Any,
                    lang: str = "nl", names: Mapping[str, str] | None = None) -> str:
    """One history line: ``+ organisatie Moskee Nuur``, ``teruggezet naar versie 3``...

    ``names`` (id -> name, :func:`history_names`) turns the ids of the
    subject into names; an id without a known name is shown as it is.
    """
    action = action or ""
    v = None if restored_from is None or restored_from is pd.NA else int(restored_from)
    subject = _named_subject(subject, names or {})
    if action in ("restore", "undo"):
        return text(f"action_{action}", lang, v=v)
    if action == "join_submit":
        return text("action_join_submit", lang, subject=subject or "")
    if action in ("create", "save", "snapshot"):
        return text(f"action_{action}", lang)
    verb, _, kind = action.partition("_")
    sign = {"add": "+", "update": "~", "delete": "-"}.get(verb)
    table = _TABLE_OF_ACTION.get(kind)
    if sign and table:
        return f"{sign} {text(table, lang)} {subject or ''}".strip()
    return f"{action} {subject or ''}".strip()


def _named_subject(subject: str | None, names: Mapping[str, str]) -> str | None:
    if not subject:
        return subject
    for separator, shown in ((" -> ", " → "), (" - ", " – ")):
        if separator in subject:
            a, b = (part.strip() for part in subject.split(separator, 1))
            return f"{names.get(a, a)}{shown}{names.get(b, b)}"
    return names.get(subject.strip(), subject)


_TABLE_OF_ACTION = {"organisation": "organisations", "group": "parent_groups",
                    "reach": "reach", "collaboration": "collaborations"}


def diff_lines(diff: DatasetDiff, dataset: Dataset | None = None, lang: str = "nl",
               hide_personal: bool = True, older: Dataset | None = None) -> list[str]:
    """What changed, one plain sentence per row, with names instead of ids.

    ``dataset`` (either version) supplies organisation and group names for
    links. An organisation or group is named by its name alone; its id is
    added only when another one in ``dataset`` has the same name (so two
    "Buurthuis" rows stay apart). With ``hide_personal``, changes that only
    touch ``contact`` or ``reported_by`` show without the values. ``older``
    (the other version) names what was removed since.
    """
    names: dict[str, str] = {}
    if older is not None:
        names.update(_all_names(older))
    if dataset is not None:
        names.update(_all_names(dataset))
    counts: dict[str, int] = {}
    for shown in (_all_names(dataset) if dataset is not None else names).values():
        counts[shown.casefold()] = counts.get(shown.casefold(), 0) + 1
    lines: list[str] = []
    for table in ("organisations", "parent_groups", "reach", "collaborations"):
        part = diff.tables[table]
        what = text(table, lang)
        for row in part.added:
            lines.append(text("added", lang, what=what,
                              name=_row_name(table, row, names, counts)))
        for row in part.removed:
            lines.append(text("removed", lang, what=what,
                              name=_row_name(table, row, names, counts)))
        for change in part.changed:
            fields = [f for f in change.fields
                      if not (hide_personal and f in ("contact", "reported_by"))]
            lines.append(text("changed", lang, what=what,
                              name=_row_name(table, change.after, names, counts),
                              fields=", ".join(fields) or "…"))
    if diff.columns_changed and not lines:
        lines.append(text("columns_changed", lang))
    if diff.neighbourhoods_changed:
        lines.append(text("neighbourhoods_changed", lang))
    return lines or [text("no_change", lang)]


def _row_name(table: str, row: Mapping[str, Any], names: Mapping[str, str],
              counts: Mapping[str, int]) -> str:
    if table in ("organisations", "parent_groups"):
        shown = str(row.get("name") or row.get("id"))
        if counts.get(shown.casefold(), 0) > 1:  # two of that name: the id tells them apart
            return f"{shown} ({row.get('id')})"
        return shown
    a, b = (("organisation", "group") if table == "reach" else ("source", "target"))
    left, right = str(row.get(a)), str(row.get(b))
    return f"{names.get(left, left)} → {names.get(right, right)}"


def recent_changes(store: Store, name: str, lang: str = "nl", limit: int = 5,
                   ) -> list[tuple[int, str]]:
    """The last ``limit`` versions as ``(number, sentence)``, newest first (live feed)."""
    head = store.head(name)
    out: list[tuple[int, str]] = []
    dataset = store.load(name, head)
    for number in range(head, max(1, head - limit), -1):
        lines = diff_lines(store.diff(name, number - 1, number), dataset, lang,
                           older=store.load(name, number - 1))
        out.append((number, "; ".join(lines)))
    return out


# --------------------------------------------------------------------------- joining


def join_url(page_url: str | None, code: str) -> str:
    """The short link participants open: ``<server>/join?code=CODE``.

    ``page_url`` is the address the facilitator's browser uses (Streamlit's
    ``st.context.url``); only its scheme and host are kept, so the link works
    from any page.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(page_url or "http://localhost:8501")
    base = f"{parts.scheme or 'http'}://{parts.netloc or 'localhost:8501'}"
    return f"{base}/join?code={code}"


LOCAL_ZONE = "Europe/Amsterdam"
"""The time zone of every time the workshop and join pages show (the room's clocks)."""


def local_time(moment: datetime | pd.Timestamp) -> datetime:
    """A stored moment (UTC, or naive UTC as SQLite returns it) in Dutch time.

    The one place that turns stored times into the room's time: the
    workshop's history, the version menus and "code valid until" all go
    through it. Falls back to UTC when the machine has no time-zone database.
    """
    if isinstance(moment, pd.Timestamp):
        moment = moment.to_pydatetime()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo(LOCAL_ZONE))
    except Exception:  # no tzdata: UTC is still right
        return moment.astimezone(UTC)


def clock_time(moment: datetime | pd.Timestamp) -> str:
    """``HH:MM`` in Dutch time (:func:`local_time`), e.g. for "code valid until"."""
    return local_time(moment).strftime("%H:%M")


def date_time(moment: datetime | pd.Timestamp, lang: str = "nl") -> str:
    """Date and time in Dutch time: ``12-03-2026 14:05`` (nl) or ``2026-03-12 14:05`` (en)."""
    return format_datetime(local_time(moment), lang)


def today() -> date:
    """Today's date in Dutch time (a default label made just after midnight UTC)."""
    return local_time(datetime.now(UTC)).date()


def is_local_link(url: str) -> bool:
    """Whether ``url`` points at this computer only (phones in the room cannot open it)."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def qr_png(url: str, scale: int = 8) -> bytes:
    """``url`` as a QR code PNG, drawn locally with ``segno`` (no web service)."""
    import segno

    buffer = io.BytesIO()
    # Error level M: still readable from a projector with some glare.
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


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
