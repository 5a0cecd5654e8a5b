"""Issue 9, item 5 (store and pages): failures are messages, nothing is lost.

Real failures, not mocks, wherever the machine allows them:

* a corrupt SQLite file (random bytes);
* a read-only SQLite file: ``chattr +i`` (immutable, which stops root too;
  ``chmod 0444`` does not) where the file system supports it, and SQLite's
  ``?mode=ro`` URI everywhere;
* a full disk: SQLite's ``max_page_count`` (SQLite then fails with exactly the
  "database or disk is full" error of a full disk) everywhere, and a real
  1 MB tmpfs where mounting is allowed;
* PostgreSQL stopped mid-session with ``pg_ctl stop`` (marked ``postgres``)
  and started again.

For each: the store raises :class:`~mapping.store.repository.StoreUnavailable` with a
message in Dutch and English that holds no SQL, parameters or row data; the
server log holds no row data; what was stored before is still there after the
failure ends; the pages show the message (never a traceback, never another
dataset in place of the chosen one) and keep the unsaved change in the form;
the CLI prints one line and exits non-zero. NUL and other control characters
in ids and names are refused before any SQL runs, with the loader's words.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from mapping.cli import main
from mapping.domain import limits
from mapping.domain.dataset import Dataset
from mapping.session import md_escape
from mapping.store.repository import (
    EditError,
    Store,
    StoreError,
    StoreUnavailable,
    TextRefused,
    open_store,
)
from tests.security.corpus import CONTROL, INVISIBLE
from tests.store.conftest import assert_same, make_dataset
from tests.store.pgcluster import Cluster, throwaway_cluster

ROOT = Path(__file__).resolve().parents[2]

CONTACT = "Jan Geheim-Contactpersoon"
"""A contact person: must never appear in a message, the CLI output or the log."""

LEAKS = ("SELECT", "INSERT", "UPDATE", "[SQL", "sqlalche.me", "parameters", "psycopg",
         "sqlite3", "Traceback", CONTACT)
"""What a failure message must never contain."""


def dataset() -> Dataset:
    data = make_dataset("wijk")
    orgs = data.organisations.copy()
    orgs.loc[0, "contact"] = CONTACT
    return data.replace(organisations=orgs)


LOG_LEAKS = ("SELECT", "INSERT", "UPDATE", "[SQL", "parameters", CONTACT, "Wijkteam Noord",
             "Traceback")
"""What the server log must never hold: SQL and row data (driver type names are fine)."""


def assert_clean(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text, (leak, text)


def assert_log_clean(text: str) -> None:
    for leak in LOG_LEAKS:
        assert leak not in text, (leak, text)


def assert_failure(exc: BaseException, reason: str) -> None:
    """A :class:`StoreUnavailable` for ``reason`` with clean nl and en messages."""
    assert isinstance(exc, StoreUnavailable), repr(exc)
    assert exc.reason == reason, (exc.reason, str(exc))
    nl, en = exc.message("nl"), exc.message("en")
    assert nl != en and nl and en
    assert_clean(nl + en + str(exc))
    # ``from None``: no traceback printer finds the SQL in the exception chain.
    assert exc.__cause__ is None and exc.__suppress_context__


@contextlib.contextmanager
def failing(reason: str) -> Iterator[list[StoreUnavailable]]:
    """Expect a StoreUnavailable for ``reason`` inside the block; the caught errors are listed."""
    caught: list[StoreUnavailable] = []
    with pytest.raises(StoreUnavailable) as info:
        yield caught
    assert_failure(info.value, reason)
    caught.append(info.value)


_LISTENERS: dict[int, object] = {}


def on_connect(store: Store, *pragmas: str) -> None:
    """Run ``pragmas`` on every new connection of ``store`` (the pool is emptied first)."""
    def pragmas_on(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.close()

    sa.event.listen(store.engine, "connect", pragmas_on)
    _LISTENERS[id(store)] = pragmas_on
    store.engine.dispose()


def clear_connect(store: Store) -> None:
    """Remove the listener of :func:`on_connect` again (fresh connections afterwards)."""
    sa.event.remove(store.engine, "connect", _LISTENERS.pop(id(store)))
    store.engine.dispose()


# --------------------------------------------------------------------------- SQLite files


def test_corrupt_sqlite_file(tmp_path, caplog):
    path = tmp_path / "kapot.sqlite"
    path.write_bytes(os.urandom(64 * 1024))
    before = path.read_bytes()
    with caplog.at_level(logging.WARNING, logger="mapping.store.repository"), failing("corrupt"):
        open_store(str(path))
    with failing("corrupt"):
        Store(str(path), create=False).list_datasets()
    assert path.read_bytes() == before  # the store did not touch (or "repair") the file
    assert "corrupt" in caplog.text and "SQLITE_NOTADB" in caplog.text
    assert_log_clean(caplog.text)


def test_truncated_sqlite_file(tmp_path):
    """A real database cut in half (a copy interrupted): damaged, not "cannot be opened"."""
    path = tmp_path / "half.sqlite"
    with open_store(str(path)) as store:
        store.create_dataset("wijk", dataset())
    data = path.read_bytes()
    path.write_bytes(data[:4096] + os.urandom(len(data) // 2))
    with pytest.raises(StoreUnavailable) as info, Store(str(path)) as broken:
        broken.latest("wijk")
    assert info.value.reason in ("corrupt", "failed")  # SQLite reports CORRUPT or NOTADB
    assert_clean(info.value.message("nl") + info.value.message("en"))


def _immutable(path: Path) -> bool:
    """Make ``path`` immutable (stops root too); False when the file system cannot."""
    if shutil.which("chattr") is None:
        return False
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True)
    return done.returncode == 0


def _mutable(path: Path) -> None:
    subprocess.run(["chattr", "-i", str(path)], capture_output=True)


@pytest.mark.parametrize("how", ["immutable", "uri"])
def test_read_only_sqlite_file(tmp_path, how, caplog):
    path = tmp_path / "alleen-lezen.sqlite"
    with open_store(str(path)) as store:
        store.create_dataset("wijk", dataset())
        saved = store.load("wijk")
    if how == "immutable":
        if not _immutable(path):
            pytest.skip("chattr +i is not available here (the uri case still runs)")
        url: str = str(path)
    else:
        # SQLite's own read-only mode: what a file on a read-only disk gives, for any user.
        url = f"sqlite:///file:{path}?mode=ro&uri=true"
    try:
        with caplog.at_level(logging.WARNING, logger="mapping.store.repository"):
            store = Store(url, create=False)
            assert_same(store.load("wijk"), saved)  # reading still works
            with failing("read_only"):
                store.add_organisation("wijk", {"id": "X1", "name": "Nieuw", "kind": "formal"})
            with failing("read_only"):
                store.create_dataset("tweede", dataset())
            with open_store(url) as reader:  # a read-only database can still be shown
                assert reader.list_datasets() == ["demo", "wijk"]
            assert store.head("wijk") == 1
            store.close()
    finally:
        if how == "immutable":
            _mutable(path)
    assert_log_clean(caplog.text)
    with open_store(str(path)) as again:  # writable again: nothing was lost
        assert_same(again.load("wijk"), saved)
        assert again.add_organisation("wijk", {"id": "X1", "name": "Nieuw",
                                               "kind": "formal"}) == 2


def test_sqlite_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "bestand"
    blocker.write_text("geen map")
    with pytest.raises(StoreUnavailable) as info:
        open_store(str(blocker / "sub" / "wijk.sqlite"))  # a file where a folder must be
    assert info.value.reason in ("failed", "unreachable")
    assert_clean(info.value.message("en"))


def test_disk_full_sqlite(tmp_path, caplog):
    """SQLite's page limit gives exactly the error of a full disk ("database or disk is full")."""
    path = tmp_path / "vol.sqlite"
    store = open_store(str(path))
    store.create_dataset("wijk", dataset())
    saved, head = store.load("wijk"), store.head("wijk")
    with store._transaction() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    on_connect(store, f"PRAGMA max_page_count = {pages}")
    big = {"id": "X1", "name": "Nieuw", "kind": "formal", "notes": "n" * 9_000}
    with caplog.at_level(logging.WARNING, logger="mapping.store.repository"):
        with failing("disk_full"):
            store.add_organisation("wijk", big)
        with failing("disk_full"):
            store.create_dataset("tweede", _big())
    assert "SQLITE_FULL" in caplog.text
    assert_log_clean(caplog.text)
    assert store.head("wijk") == head  # the failed edit left nothing behind
    assert_same(store.load("wijk"), saved)
    clear_connect(store)  # space freed: the same edit saves
    assert store.add_organisation("wijk", big) == head + 1
    store.close()


def _big(copies: int = 40) -> Dataset:
    """A dataset that needs many new database pages (long notes, many organisations)."""
    data = dataset()
    orgs = pd.concat([data.organisations] * copies, ignore_index=True)
    orgs["id"] = [f"N{i}" for i in range(len(orgs))]
    orgs["notes"] = "x" * 2_000
    return data.replace(organisations=orgs)


@contextlib.contextmanager
def tiny_tmpfs(target: Path) -> Iterator[Path]:
    target.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(target)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root and a permissive container); "
                    "test_disk_full_sqlite covers the same error")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def test_disk_full_real_tmpfs(tmp_path):
    """A real full disk, where the machine lets the test mount a 1 MB tmpfs."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    with tiny_tmpfs(tmp_path / "klein") as disk:
        store = open_store(str(disk / "wijk.sqlite"))
        store.create_dataset("wijk", dataset())
        saved = store.load("wijk")
        big = _big(400)
        with pytest.raises(StoreUnavailable) as info:
            for i in range(20):  # fill the disk
                store.create_dataset(f"vol{i}", big)
        assert_failure(info.value, "disk_full")
        assert_same(store.load("wijk"), saved)
        store.close()


# --------------------------------------------------------------------------- text rules


@pytest.fixture
def sqlite_store(tmp_path) -> Iterator[Store]:
    with open_store(str(tmp_path / "tekst.sqlite"), seed_demo=False) as store:
        store.create_dataset("wijk", dataset())
        yield store


def _edits(bad: str) -> list[tuple[str, object]]:
    """Every way an edit or a join answer hands the store an id or a name."""
    return [
        ("add_organisation id", lambda s: s.add_organisation(
            "wijk", {"id": bad, "name": "Nieuw", "kind": "formal"})),
        ("add_organisation name", lambda s: s.add_organisation(
            "wijk", {"id": "X1", "name": bad, "kind": "formal"})),
        ("add_group id", lambda s: s.add_group("wijk", {"id": bad, "name": "Groep"})),
        ("add_reach", lambda s: s.add_reach("wijk", {"organisation": bad, "group": "G1"})),
        ("update_organisation id", lambda s: s.update_organisation("wijk", bad, {"name": "x"})),
        ("update_organisation name", lambda s: s.update_organisation("wijk", "W1",
                                                                     {"name": bad})),
        ("delete_group", lambda s: s.delete_group("wijk", bad)),
        ("add_collaboration", lambda s: s.add_collaboration(
            "wijk", {"source": "W1", "target": bad})),
        ("join submit org", lambda s: s.join(s.open_join("wijk")).submit(
            {"id": "X1", "name": bad, "kind": "informal"})),
        ("join submit group", lambda s: s.join(s.open_join("wijk")).submit("W1", [bad])),
        ("join submit partner", lambda s: s.join(s.open_join("wijk")).submit(
            "W1", [], [{"target": {"id": bad, "name": "P", "kind": "formal"}, "trust": 3}])),
        ("snapshot label", lambda s: s.snapshot("wijk", bad)),
        ("create_dataset name", lambda s: s.create_dataset(bad, dataset())),
    ]


@pytest.mark.parametrize("bad", CONTROL)
def test_control_characters_refused(sqlite_store, bad):
    store = sqlite_store
    head = store.head("wijk")
    for label, edit in _edits(bad):
        with pytest.raises(TextRefused) as info:
            edit(store)
        assert info.value.code == "text_control", label
        assert isinstance(info.value, EditError)  # the pages show it like any refused edit
        # The loader's own words (mapping.domain.limits), in both languages; the NUL itself is
        # never echoed.
        assert limits.message("text_control", "nl") in info.value.message("nl")
        assert limits.message("text_control", "en") in info.value.message("en")
        assert "\x00" not in info.value.message("nl") + info.value.message("en")
    assert store.head("wijk") == head  # nothing written


def test_refused_before_any_sql_runs(sqlite_store):
    """Not one statement reaches the database for a refused edit."""
    store = sqlite_store
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", record)
    try:
        for bad in CONTROL:
            for _label, edit in _edits(bad):
                if _label.startswith("join"):
                    continue  # opening the join code is SQL of its own
                with pytest.raises(TextRefused):
                    edit(store)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", record)
    assert statements == []


@pytest.mark.parametrize("bad", INVISIBLE)
def test_invisible_characters_in_ids_refused_in_names_kept(sqlite_store, bad):
    store = sqlite_store
    with pytest.raises(TextRefused) as info:
        store.add_organisation("wijk", {"id": bad, "name": "Nieuw", "kind": "formal"})
    assert info.value.code == "text_invisible"
    assert limits.message("text_invisible", "en") in info.value.message("en")
    # In a name an invisible character is allowed (the loader only flags it).
    store.add_organisation("wijk", {"id": "X9", "name": bad, "kind": "formal"})
    assert bad in set(store.load("wijk").organisations["name"])


def test_whole_dataset_with_nul_names_table_row_and_column(sqlite_store):
    data = dataset()
    orgs = data.organisations.copy()
    orgs.loc[2, "id"] = "M1\x00"
    with pytest.raises(TextRefused) as info:
        sqlite_store.create_dataset("nul", data.replace(organisations=orgs))
    nl, en = info.value.message("nl"), info.value.message("en")
    assert "organisaties" in nl and "rij 4" in nl and "'id'" in nl
    assert "organisations" in en and "row 4" in en
    assert CONTACT not in nl + en
    assert "nul" not in sqlite_store.list_datasets()


# --------------------------------------------------------------------------- CLI


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mapping", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def _folder(tmp_path: Path) -> Path:
    from mapping.io.write import write_csv

    folder = tmp_path / "wijk"
    write_csv(dataset(), folder)
    return folder


@pytest.mark.parametrize("broken", ["corrupt", "unreachable"])
def test_cli_with_a_failing_database(tmp_path, broken):
    if broken == "corrupt":
        db = tmp_path / "kapot.sqlite"
        db.write_bytes(os.urandom(8192))
        target = str(db)
    else:
        target = "postgresql://nobody@127.0.0.1:1/none"  # nothing listens on port 1
    folder = _folder(tmp_path)
    for args in (("import", str(folder), "--db", target),
                 ("export", "wijk", "--db", target, "--out", str(tmp_path / "uit")),
                 ("import", str(folder), "--db", target, "--lang", "en")):
        done = _run(*args)
        assert done.returncode == 1, done
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        expected = StoreUnavailable(broken).message("en" if "en" in args else "nl")
        assert lines[0] == expected
        assert_clean(done.stdout + done.stderr)


def test_cli_import_with_nul_id_refused_in_one_line(tmp_path, monkeypatch, capsys):
    """Even if a loader let a NUL through, the store refuses it in one clean line."""
    from mapping.io import load

    data = dataset()
    orgs = data.organisations.copy()
    orgs.loc[0, "id"] = "W1\x00"
    monkeypatch.setattr(load, "load_for_command", lambda *_a, **_k: data.replace(
        organisations=orgs))
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    assert main(["import", str(tmp_path), "--db", db, "--name", "nul"]) == 1
    out = capsys.readouterr()
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and out.out == ""
    assert limits.message("text_control", "nl") in lines[0]
    assert_clean(lines[0])
    with open_store(db) as store:
        assert "nul" not in store.list_datasets()


def test_cli_import_nul_after_8_kb(tmp_path):
    """The real loader and store, a NUL deep in the file: refused, no traceback, no data."""
    data = dataset()
    orgs = pd.concat([data.organisations] * 60, ignore_index=True)
    orgs["id"] = [f"O{i:04d}" for i in range(len(orgs))]
    orgs.loc[len(orgs) - 1, "id"] = "O\x00LAST"
    from mapping.io.write import write_csv

    folder = tmp_path / "diep"
    write_csv(data.replace(organisations=orgs, reach=data.reach.iloc[0:0],
                           collaborations=data.collaborations.iloc[0:0]), folder)
    assert (folder / "organisations.csv").stat().st_size > 8192
    done = _run("import", str(folder), "--db", str(tmp_path / "diep.sqlite"))
    assert done.returncode == 1, done
    assert_clean(done.stdout + done.stderr)
    assert "Traceback" not in done.stderr


# --------------------------------------------------------------------------- pages (SQLite)


def _open_app(page: str, query: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.run()
    return at


def _errors(at) -> list[str]:
    return [e.value for e in at.error]


@pytest.fixture
def page_db(tmp_path, monkeypatch) -> Iterator[Path]:
    """``MAPPING_DB`` for the pages, with ``wijk`` saved; caches cleared around the test."""
    import streamlit as st

    from pages import _shared

    path = tmp_path / "pagina.sqlite"
    with open_store(str(path)) as store:
        store.create_dataset("wijk", dataset())
    monkeypatch.setenv("MAPPING_DB", str(path))
    monkeypatch.setattr(_shared, "_STORE_FAILED", {})
    st.cache_resource.clear()
    yield path
    st.cache_resource.clear()


def test_dashboard_with_a_corrupt_file_shows_the_message_not_the_demo(page_db):
    page_db.write_bytes(os.urandom(32 * 1024))
    for lang in ("nl", "en"):
        at = _open_app("overview", {"src": "store", "sds": "wijk", "lang": lang})
        assert not at.exception, [e.value for e in at.exception]
        assert _errors(at) == [StoreUnavailable("corrupt").message(lang)]
        assert not at.metric  # no figures, and certainly not the demo's
        assert_clean(" ".join(_errors(at)))


def test_dashboard_when_the_database_goes_away_mid_session(page_db):
    at = _open_app("overview", {"src": "store", "sds": "wijk"})
    assert not at.exception and at.metric
    shown = {m.label: m.value for m in at.metric}
    from pages import _shared

    store = _shared._open_store(os.environ["MAPPING_DB"])  # the page's (cached) store
    page_db.unlink()
    page_db.mkdir()  # a folder where the file was: SQLite cannot open it
    store.engine.dispose()  # open connections would still see the deleted file
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _errors(at) == [StoreUnavailable("unreachable").message("nl")]
    assert not at.metric
    assert at.query_params["sds"] in ("wijk", ["wijk"])  # the choice is kept for later
    page_db.rmdir()
    with open_store(str(page_db)) as fresh:
        fresh.create_dataset("wijk", dataset())
    store.engine.dispose()
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == shown


def _workshop_store(path: Path) -> Store:
    from mapping.workshop import live as workshop
    from pages import _store

    return _store._open(workshop.store_url(None))


def test_workshop_save_fails_keeps_the_form_and_saves_later(page_db):
    at = _open_app("workshop", {"ds": "wijk"})
    assert not at.exception, [e.value for e in at.exception]
    store = _workshop_store(page_db)
    head = store.head("wijk")
    on_connect(store, "PRAGMA query_only = 1")  # every write now fails as read-only
    at.text_input(key="ws_org_name").input("Moskee Nuur")
    at.radio(key="ws_org_kind").set_value("informal")
    at.text_input(key="ws_org_hood").input("BU01")
    at.button(key="ws_add_org").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert md_escape(StoreUnavailable("read_only").message("nl")) in _errors(at)
    assert at.text_input(key="ws_org_name").value == "Moskee Nuur"
    assert at.text_input(key="ws_org_hood").value == "BU01"
    assert store.head("wijk") == head
    clear_connect(store)  # the database is writable again: save the same form
    at.button(key="ws_add_org").click().run()
    assert not at.exception
    assert "Moskee Nuur" in set(store.load("wijk").organisations["name"])
    assert at.text_input(key="ws_org_name").value == ""


def test_workshop_whole_database_down_then_back(page_db):
    at = _open_app("workshop", {"ds": "wijk", "lang": "en"})
    store = _workshop_store(page_db)
    head = store.head("wijk")
    working = store.engine
    # Every connection now fails: SQLite cannot open a file below a missing folder.
    store.engine = sa.create_engine(f"sqlite:///{page_db.parent / 'weg' / 'x.sqlite'}")
    at.text_input(key="ws_org_name").input("Buurtvaders")
    at.button(key="ws_add_org").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _errors(at) == [md_escape(StoreUnavailable("unreachable").message("en"))]
    at.run()  # a rerun while it is still down: message, no forms, no traceback
    assert not at.exception
    assert _errors(at) == [md_escape(StoreUnavailable("unreachable").message("en"))]
    assert_clean(" ".join(_errors(at)))
    store.engine = working  # back
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert at.text_input(key="ws_org_name").value == "Buurtvaders"  # the typed change is back
    at.button(key="ws_add_org").click().run()
    # The dataset has a "Buurtvaders" already: the page asks first (issue 11), then saves.
    at.button(key="ws_dup_yes").click().run()
    assert store.head("wijk") == head + 1
    assert "Buurtvaders" in set(store.load("wijk").organisations["name"])


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """A PostgreSQL server of this module's own, so stopping it disturbs no other test."""
    with throwaway_cluster() as started:
        yield started


@pytest.fixture
def pg(cluster: Cluster) -> Iterator[Cluster]:
    """The cluster, started again after a test that stopped it; every table emptied."""
    yield cluster
    with contextlib.suppress(Exception):
        cluster.stop()
    cluster.start()
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres",
                         autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.mark.postgres
def test_postgres_stopped_mid_session_then_started(pg, caplog):
    store = open_store(pg.url)
    store.create_dataset("wijk", dataset(), author="test")
    store.add_organisation("wijk", {"id": "X1", "name": "Voor de storing", "kind": "formal"})
    saved, head = store.load("wijk"), store.head("wijk")
    history = len(store.versions("wijk"))
    pg.stop()
    with caplog.at_level(logging.WARNING, logger="mapping.store.repository"):
        for call in (lambda: store.head("wijk"), lambda: store.latest("wijk"),
                     lambda: store.list_datasets(), lambda: store.versions("wijk"),
                     lambda: store.add_organisation("wijk", {"id": "X2", "name": "Tijdens",
                                                             "kind": "formal"}),
                     lambda: store.open_join("wijk"), lambda: open_store(pg.url)):
            with pytest.raises(StoreError) as info:
                call()
            assert_failure(info.value, "unreachable")
    assert "unreachable" in caplog.text
    assert_log_clean(caplog.text)
    pg.start()
    # The same Store object works again (stale pooled connections are replaced), and
    # nothing stored before the failure is lost; the failed edit was not half-written.
    assert store.head("wijk") == head
    assert_same(store.latest("wijk")[1], saved)
    assert len(store.versions("wijk")) == history
    assert store.add_organisation("wijk", {"id": "X2", "name": "Tijdens",
                                           "kind": "formal"}) == head + 1
    store.close()


@pytest.mark.postgres
def test_postgres_nul_refused_and_cli_import_one_line(pg, tmp_path, monkeypatch, capsys):
    from mapping.io import load

    with open_store(pg.url) as store:
        store.create_dataset("wijk", dataset())
        with pytest.raises(TextRefused):
            store.add_organisation("wijk", {"id": "X\x00", "name": "n", "kind": "formal"})
        with pytest.raises(TextRefused):
            store.add_organisation("wijk", {"id": "X1", "name": "n\x00", "kind": "formal"})
        assert store.head("wijk") == 1
    data = dataset()
    orgs = data.organisations.copy()
    orgs.loc[0, "id"] = "W1\x00"
    monkeypatch.setattr(load, "load_for_command",
                        lambda *_a, **_k: data.replace(organisations=orgs))
    assert main(["import", str(tmp_path), "--db", pg.url, "--name", "nul"]) == 1
    out = capsys.readouterr()
    lines = out.err.strip().splitlines()
    assert len(lines) == 1, out.err
    assert limits.message("text_control", "nl") in lines[0]
    assert_clean(out.out + out.err)


@pytest.mark.postgres
def test_postgres_down_on_the_pages(pg, monkeypatch):
    """The shared screen with PostgreSQL stopped: messages, no demo, the form kept."""
    import streamlit as st

    from pages import _shared

    with open_store(pg.url) as store:
        store.create_dataset("wijk", dataset())
    monkeypatch.setenv("MAPPING_DB", pg.url)
    monkeypatch.setattr(_shared, "_STORE_FAILED", {})
    st.cache_resource.clear()
    try:
        dashboard = _open_app("overview", {"src": "store", "sds": "wijk"})
        workshop = _open_app("workshop", {"ds": "wijk"})
        assert dashboard.metric and not workshop.exception
        workshop.text_input(key="ws_grp_name").input("Turkse vaders")
        workshop.number_input(key="ws_grp_fam").set_value(25)
        pg.stop()
        workshop.button(key="ws_add_grp").click().run()
        assert not workshop.exception, [e.value for e in workshop.exception]
        assert _errors(workshop) == [md_escape(StoreUnavailable("unreachable").message("nl"))]
        dashboard.run()
        assert not dashboard.exception
        assert _errors(dashboard) == [StoreUnavailable("unreachable").message("nl")]
        assert not dashboard.metric  # not the demo district in its place
        pg.start()
        monkeypatch.setattr(_shared, "_STORE_FAILED", {})  # skip the retry pause
        workshop.run()
        assert not workshop.exception and not workshop.error
        assert workshop.text_input(key="ws_grp_name").value == "Turkse vaders"
        assert workshop.number_input(key="ws_grp_fam").value == 25
        workshop.button(key="ws_add_grp").click().run()
        with open_store(pg.url) as store:
            assert "Turkse vaders" in set(store.load("wijk").parent_groups["name"])
        dashboard.run()
        assert dashboard.metric and not dashboard.error
    finally:
        st.cache_resource.clear()
