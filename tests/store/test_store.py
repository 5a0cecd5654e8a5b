"""The store's API on SQLite and PostgreSQL: round trips, edits, history, join codes."""

from __future__ import annotations

import math
import string

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.domain.dataset import CONDITIONS, TABLES, Dataset
from mapping.store import tables as store_schema
from mapping.store.repository import (
    JOIN_ALPHABET,
    JOIN_CODE_LENGTH,
    DatasetExists,
    DatasetNotFound,
    EditError,
    JoinCodeError,
    JoinSession,
    NothingToUndo,
    Store,
    StoreError,
    VersionNotFound,
    drop_personal,
    normalise_code,
    open_store,
)

ORG = {"id": "N1", "name": "Ouderkamer De Es", "kind": "informeel", "category": "ouderkamer",
       "topics": "school|opvoeden", "lat": "52,3", "lon": "4,9"}  # half a pair is refused
SCORES = {"trust": 4, "shared_goals": 3.5, "role_clarity": 2, "equality": 5}


def ids(frame: pd.DataFrame, column: str = "id") -> list[str]:
    return frame[column].tolist()


# --------------------------------------------------------------------------- round trips


def test_round_trip_is_exact(store, dataset, helpers):
    assert store.create_dataset("wijk", dataset) == 1
    number, loaded = store.latest("wijk")
    assert number == 1
    helpers["assert_same"](dataset, loaded)
    assert loaded.name == "wijk"
    assert loaded.fingerprint() == dataset.replace(name="wijk").fingerprint()
    # A second store on the same database (another process) reads the same.
    with Store(store.url.render_as_string(hide_password=False)) as other:
        helpers["assert_same"](dataset, other.load("wijk", 1))


def test_round_trip_of_empty_tables_and_no_polygons(store, helpers):
    empty = helpers["make_dataset"]()
    empty = empty.replace(**{t: empty.table(t).iloc[0:0] for t in TABLES}, neighbourhoods=None)
    store.create_dataset("leeg", empty)
    loaded = store.load("leeg")
    helpers["assert_same"](empty, loaded)
    assert loaded.neighbourhoods is None
    # The first organisation added to an empty table gets the table's dtypes.
    store.add_organisation("leeg", {"id": "1", "name": "A", "kind": "formal"})
    orgs = store.load("leeg").organisations
    assert orgs.dtypes.equals(empty.organisations.dtypes)
    assert orgs.loc[0, "topics"] == ()
    assert math.isnan(orgs.loc[0, "lat"])


text = st.text(alphabet=string.ascii_letters + "éçß 'ë<>&|,;\"\\\n", min_size=1, max_size=12)
# Ids follow the stricter id rule of mapping.domain.limits (no line breaks or tabs, issue 9).
id_text = st.text(alphabet=string.ascii_letters + "éçß 'ë<>&|,;\"\\", min_size=1, max_size=12)
maybe_text = st.none() | text
maybe_float = st.none() | st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    """Random datasets following the Dataset conventions (ids unique, str)."""
    org_ids = draw(st.lists(id_text, min_size=0, max_size=6, unique=True))
    group_ids = draw(st.lists(id_text, min_size=0, max_size=4, unique=True))
    n = len(org_ids)
    orgs = pd.DataFrame({
        "id": org_ids,
        "name": draw(st.lists(text, min_size=n, max_size=n)),
        "kind": draw(st.lists(st.sampled_from(["formal", "informal"]), min_size=n, max_size=n)),
        "lat": pd.Series(draw(st.lists(maybe_float, min_size=n, max_size=n)), dtype="float64"),
        "topics": pd.Series([tuple(t) for t in draw(st.lists(st.lists(text, max_size=3),
                                                             min_size=n, max_size=n))],
                            dtype=object),
        "extra": pd.Series(draw(st.lists(maybe_text, min_size=n, max_size=n)), dtype=object),
    })
    m = len(group_ids)
    groups = pd.DataFrame({
        "id": group_ids,
        "name": draw(st.lists(text, min_size=m, max_size=m)),
        "families": pd.array(draw(st.lists(st.none() | st.integers(0, 10_000), min_size=m,
                                           max_size=m)), dtype="Int64"),
    })
    pairs = [(o, g) for o in org_ids for g in group_ids]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=5)) if pairs else []
    reach = pd.DataFrame({
        "organisation": [p[0] for p in chosen], "group": [p[1] for p in chosen],
        "strength": pd.Series(draw(st.lists(st.none() | st.integers(1, 5), min_size=len(chosen),
                                            max_size=len(chosen))), dtype="float64"),
    })
    links = (draw(st.lists(st.tuples(st.sampled_from(org_ids), st.sampled_from(org_ids)),
                           max_size=5)) if org_ids else [])
    k = len(links)
    collabs = pd.DataFrame({
        "source": [a for a, _ in links], "target": [b for _, b in links],
        **{c: pd.Series(draw(st.lists(st.none() | st.floats(1, 5), min_size=k, max_size=k)),
                        dtype="float64") for c in CONDITIONS},
        "reported_by": pd.Series(draw(st.lists(maybe_text, min_size=k, max_size=k)),
                                 dtype=object),
    })
    return Dataset(orgs, groups, reach, collabs, None, name="h")


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=datasets())
def test_round_trip_property(store, helpers, data):
    name = f"h{len(store.list_datasets())}"
    store.create_dataset(name, data)
    helpers["assert_same"](data, store.load(name))


def test_pandas_default_str_dtype_round_trips(store, helpers):
    data = helpers["make_dataset"]()
    orgs = data.organisations.copy()
    orgs["id"] = orgs["id"].astype("str")
    orgs["neighbourhood"] = orgs["neighbourhood"].astype("str")
    data = data.replace(organisations=orgs)
    store.create_dataset("s", data)
    helpers["assert_same"](data, store.load("s"))


# --------------------------------------------------------------------------- datasets


def test_datasets_are_named_and_unique(store, dataset):
    assert store.list_datasets() == []
    store.create_dataset("b", dataset)
    store.create_dataset("a", dataset)
    assert store.list_datasets() == ["a", "b"]
    with pytest.raises(DatasetExists):
        store.create_dataset("a", dataset)
    with pytest.raises(DatasetNotFound) as err:
        store.load("c")
    assert "bestaat niet" in err.value.message("nl")
    assert "does not exist" in err.value.message("en")
    with pytest.raises(VersionNotFound):
        store.load("a", 2)
    with pytest.raises(EditError):
        store.create_dataset("   ", dataset)


def test_save_adds_a_version_with_new_content(filled, helpers):
    data = helpers["make_dataset"]()
    orgs = pd.concat([data.organisations, data.organisations.iloc[[0]].assign(id="W9")],
                     ignore_index=True)
    changed = data.replace(organisations=orgs.iloc[[5, 1, 2, 3, 4, 0]].reset_index(drop=True))
    assert filled.save("wijk", changed, author="import") == 2
    helpers["assert_same"](changed, filled.load("wijk"))
    helpers["assert_same"](data, filled.load("wijk", 1))
    assert filled.save("nieuw", data) == 1


# --------------------------------------------------------------------------- edits


def test_add_update_delete_organisation(filled):
    v = filled.add_organisation("wijk", ORG, author="facilitator")
    assert v == 2
    orgs = filled.load("wijk").organisations
    row = orgs.set_index("id").loc["N1"]
    assert row["kind"] == "informal"
    assert row["topics"] == ("school", "raising_children")
    assert row["lat"] == 52.3
    assert row["website"] is None or pd.isna(row["website"])
    assert filled.update_organisation("wijk", "N1", {"name": "Ouderkamer Es", "lat": None,
                                                     "lon": None}) == 3
    row = filled.load("wijk").organisations.set_index("id").loc["N1"]
    assert row["name"] == "Ouderkamer Es" and math.isnan(row["lat"])
    filled.add_reach("wijk", {"organisation": "N1", "group": "G3", "strength": 5})
    filled.add_collaboration("wijk", {"source": "W2", "target": "N1", **SCORES})
    assert filled.delete_organisation("wijk", "N1") == 6
    data = filled.load("wijk")
    assert "N1" not in ids(data.organisations)
    assert "N1" not in ids(data.reach, "organisation")
    assert "N1" not in set(data.collaborations["source"]) | set(data.collaborations["target"])
    assert filled.versions("wijk")["action"].tolist() == [
        "create", "add_organisation", "update_organisation", "add_reach", "add_collaboration",
        "delete_organisation"]


def test_groups_reach_and_collaborations(filled):
    filled.add_group("wijk", {"id": "G4", "name": "Poolse ouders", "families": "25"})
    groups = filled.load("wijk").parent_groups
    assert groups["families"].dtype == "Int64"
    assert groups.set_index("id").loc["G4", "families"] == 25
    filled.update_group("wijk", "G4", {"families": 30})
    filled.add_reach("wijk", {"organisation": "W1", "group": "G4"})
    filled.delete_reach("wijk", "W1", "G1")
    reach = filled.load("wijk").reach
    assert ("W1", "G4") in set(zip(reach["organisation"], reach["group"], strict=True))
    assert ("W1", "G1") not in set(zip(reach["organisation"], reach["group"], strict=True))
    filled.delete_group("wijk", "G4")
    assert "G4" not in ids(filled.load("wijk").reach, "group")
    # Collaborations: a pair may carry several ratings; delete by pair or respondent.
    filled.add_collaboration("wijk", {"source": "W1", "target": "M1", **SCORES,
                                      "reported_by": "r3"})
    collabs = filled.load("wijk").collaborations
    assert len(collabs) == 4 and collabs.iloc[-1]["shared_goals"] == 3.5
    filled.delete_collaboration("wijk", "M1", "W1", reported_by="r1")
    assert sorted(filled.load("wijk").collaborations["reported_by"].dropna()) == ["r2", "r3"]
    filled.delete_collaboration("wijk", "W1", "M1")  # both directions, all respondents
    assert len(filled.load("wijk").collaborations) == 1


def test_update_links(filled):
    filled.update_reach("wijk", "M1", "G1", {"strength": 5, "topics": ("taboe",)})
    reach = filled.load("wijk").reach.set_index(["organisation", "group"])
    assert reach.loc[("M1", "G1"), "strength"] == 5.0
    assert reach.loc[("M1", "G1"), "topics"] == ("taboe",)
    filled.update_collaboration("wijk", "M3", "M2", {"trust": 2})  # the only rating of the pair
    collabs = filled.load("wijk").collaborations
    assert collabs.iloc[2]["trust"] == 2.0 and collabs.iloc[2]["source"] == "M2"
    with pytest.raises(EditError) as err:
        filled.update_collaboration("wijk", "M1", "W1", {"trust": 2})
    assert err.value.key == "ambiguous_collaboration"
    filled.update_collaboration("wijk", "M1", "W1", {"trust": 1}, reported_by="r2")
    assert filled.load("wijk").collaborations["trust"].tolist()[:2] == [4.0, 1.0]


@pytest.mark.parametrize(("method", "args", "key"), [
    ("add_organisation", ({"id": "X", "kind": "formal"},), "value_required"),
    ("add_organisation", ({"id": "W1", "name": "Dubbel", "kind": "formal"},),
     "duplicate_organisation"),
    ("add_organisation", ({"id": "X", "name": "X", "kind": "semi"},), "kind_invalid"),
    ("add_organisation", ({"id": "X", "name": "X", "kind": "formal", "naam2": 1},),
     "unknown_column"),
    ("add_organisation", ({"id": "X", "name": "X", "kind": "formal", "lat": "noord"},),
     "number_invalid"),
    ("add_organisation", ({"id": "X", "name": "X", "kind": "formal", "lat": 95},),
     "lat_range"),
    ("update_organisation", ("W1", {"id": "W7"}), "id_change"),
    ("update_organisation", ("NOPE", {"name": "x"}), "unknown_organisation"),
    ("update_organisation", ("W1", {"name": ""}), "value_required"),
    ("delete_organisation", ("NOPE",), "unknown_organisation"),
    ("add_group", ({"id": "G1", "name": "Dubbel"},), "duplicate_group"),
    ("add_group", ({"id": "G9", "name": "X", "families": -3},), "count_negative"),
    ("add_group", ({"id": "G9", "name": "X", "families": 2.5},), "count_not_whole"),
    ("delete_group", ("NOPE",), "unknown_group"),
    ("add_reach", ({"organisation": "W1", "group": "G1"},), "duplicate_reach"),
    ("add_reach", ({"organisation": "NOPE", "group": "G1"},), "unknown_organisation"),
    ("add_reach", ({"organisation": "W1", "group": "NOPE"},), "unknown_group"),
    ("add_reach", ({"organisation": "W1", "group": "G2", "strength": 6},), "score_range"),
    ("delete_reach", ("W1", "G3"), "unknown_reach"),
    ("update_reach", ("W1", "G3", {"strength": 2}), "unknown_reach"),
    ("update_reach", ("W1", "G1", {"strength": 9}), "score_range"),
    ("update_reach", ("W1", "G1", {"group": "G2"}), "link_change"),
    ("update_collaboration", ("M2", "M3", {"equality": 5.5}), "score_range"),
    ("update_collaboration", ("M2", "M3", {"target": "W1"}), "link_change"),
    ("update_collaboration", ("M2", "W2", {"trust": 3}), "unknown_collaboration"),
    ("add_collaboration", ({"source": "W1", "target": "W1", **SCORES},), "self_collaboration"),
    ("add_collaboration", ({"source": "W1", "target": "NOPE", **SCORES},),
     "unknown_organisation"),
    ("add_collaboration", ({"source": "W1", "target": "M2", **SCORES, "trust": 0},),
     "score_range"),
    ("add_collaboration", ({"target": "M2", **SCORES},), "value_required"),
    ("delete_collaboration", ("W1", "M3"), "unknown_collaboration"),
])
def test_invalid_edits_are_refused_without_a_version(filled, method, args, key):
    with pytest.raises(EditError) as err:
        getattr(filled, method)("wijk", *args)
    assert err.value.key == key
    assert err.value.message("nl") != err.value.message("en")
    assert isinstance(err.value, ValueError)  # pages may catch ValueError
    assert filled.head("wijk") == 1
    assert len(filled.versions("wijk")) == 1


def test_edit_of_a_missing_dataset(store):
    with pytest.raises(DatasetNotFound):
        store.add_organisation("nope", ORG)


def test_edit_adds_a_canonical_column_the_dataset_lacks(filled):
    filled.add_organisation("wijk", {**ORG, "notes": "op dinsdag"})
    orgs = filled.load("wijk").organisations
    assert list(orgs.columns)[-1] == "notes"
    assert orgs["notes"].tolist()[-1] == "op dinsdag"
    assert orgs["notes"].iloc[:-1].isna().all()
    # The earlier version keeps its own columns.
    assert "notes" not in filled.load("wijk", 1).organisations.columns


# --------------------------------------------------------------------------- history


def test_versions_restore_and_diff(filled, dataset, helpers):
    filled.add_organisation("wijk", ORG, author="anna")
    filled.update_organisation("wijk", "W1", {"name": "Wijkteam Noord-Oost"})
    filled.add_reach("wijk", {"organisation": "N1", "group": "G2"})
    filled.delete_collaboration("wijk", "M2", "M3")
    history = filled.versions("wijk")
    assert history["number"].tolist() == [1, 2, 3, 4, 5]
    assert history.loc[1, "author"] == "anna"
    assert str(history["created_at"].dt.tz) == "UTC"
    assert history["created_at"].is_monotonic_increasing

    diff = filled.diff("wijk", 1, 5)
    assert [r["id"] for r in diff.organisations.added] == ["N1"]
    assert diff.organisations.added[0]["topics"] == ("school", "raising_children")
    assert [c.fields for c in diff.organisations.changed] == [("name",)]
    assert diff.organisations.changed[0].before["name"] == "Wijkteam Noord"
    assert [(r["organisation"], r["group"]) for r in diff.reach.added] == [("N1", "G2")]
    assert [(r["source"], r["target"]) for r in diff.collaborations.removed] == [("M2", "M3")]
    assert not diff.parent_groups and not diff.is_empty
    assert diff.to_dict()["tables"]["organisations"]["added"][0]["topics"] == [
        "school", "raising_children"]
    backwards = filled.diff("wijk", 5, 1)
    assert [r["id"] for r in backwards.organisations.removed] == ["N1"]

    assert filled.restore("wijk", 1, author="anna") == 6
    helpers["assert_same"](dataset, filled.load("wijk"))
    assert filled.diff("wijk", 1, 6).is_empty
    # Nothing was lost: every earlier version is still there.
    assert "N1" in ids(filled.load("wijk", 5).organisations)
    assert filled.restore("wijk", 5) == 7
    helpers["assert_same"](filled.load("wijk", 5), filled.load("wijk", 7))
    history = filled.versions("wijk")
    assert history["restored_from"].tolist()[-2:] == [1, 5]
    with pytest.raises(VersionNotFound):
        filled.restore("wijk", 99)


def test_undo_walks_back_through_changes(filled, dataset, helpers):
    with pytest.raises(NothingToUndo):
        filled.undo("wijk")
    filled.add_organisation("wijk", ORG)                      # v2
    filled.add_reach("wijk", {"organisation": "N1", "group": "G1"})  # v3
    assert filled.undo("wijk") == 4                           # = v2
    helpers["assert_same"](filled.load("wijk", 2), filled.load("wijk"))
    assert filled.undo("wijk") == 5                           # = v1
    helpers["assert_same"](dataset, filled.load("wijk"))
    with pytest.raises(NothingToUndo):
        filled.undo("wijk")
    # Undo of a restore reverts the restore.
    filled.restore("wijk", 3)                                 # v6 = v3
    assert filled.undo("wijk") == 7
    helpers["assert_same"](dataset, filled.load("wijk"))
    assert filled.versions("wijk")["action"].tolist()[-4:] == ["undo", "undo", "restore", "undo"]


def test_snapshot_labels_and_load_by_label(filled):
    assert filled.snapshot("wijk", "voor workshop") == 1
    filled.add_organisation("wijk", ORG)
    assert filled.snapshot("wijk", "na workshop 12 maart", author="anna") == 2
    assert filled.snapshot("wijk", "eindversie") == 2
    history = filled.versions("wijk")
    assert history["label"].tolist() == ["voor workshop", "eindversie"]
    assert history["labels"].tolist()[1] == ("na workshop 12 maart", "eindversie")
    assert "N1" in ids(filled.load("wijk", "na workshop 12 maart").organisations)
    assert "N1" not in ids(filled.load("wijk", "voor workshop").organisations)
    assert filled.diff("wijk", "voor workshop", "eindversie").organisations.added
    with pytest.raises(VersionNotFound):
        filled.load("wijk", "onbekend")
    with pytest.raises(EditError):
        filled.snapshot("wijk", " ")


def test_edits_write_only_what_changes(filled, db_url):
    """The history grows by the changed rows, not by a copy per version."""
    def stored_rows() -> int:
        engine = sa.create_engine(store_schema.resolve_url(db_url))
        try:
            with engine.connect() as conn:
                return conn.execute(sa.select(sa.func.count()).select_from(
                    store_schema.dataset_rows)).scalar_one()
        finally:
            engine.dispose()

    before = stored_rows()
    filled.add_organisation("wijk", ORG)
    filled.update_organisation("wijk", "W1", {"name": "W"})
    assert stored_rows() == before + 2
    filled.restore("wijk", 1)  # N1 ends (no new row), W1 gets its old content back
    assert stored_rows() == before + 3


# --------------------------------------------------------------------------- join codes


def test_join_codes(filled, dataset):
    filled.create_dataset("ander", dataset)
    code = filled.open_join("wijk", author="facilitator")
    assert len(code) == JOIN_CODE_LENGTH and set(code) <= set(JOIN_ALPHABET)
    assert filled.open_join("wijk") == code  # page reruns get the same code
    assert filled.join_code("wijk") == code
    assert filled.dataset_for_code(code) == "wijk"
    assert filled.dataset_for_code(f" {code[:3].lower()}-{code[3:]} ") == "wijk"
    assert filled.dataset_for_code("ZZZZZZ") is None
    assert filled.dataset_for_code("") is None
    other = filled.open_join("ander")
    assert other != code

    session = filled.join(code)
    assert isinstance(session, JoinSession) and session.dataset_name == "wijk"
    assert list(session.organisations().columns) == ["id", "name", "kind", "category"]
    assert "contact" not in session.organisations().columns
    assert list(session.parent_groups()["id"]) == ["G1", "G2", "G3"]
    session.add_organisation({"id": "P1", "name": "Moskee Nuur", "kind": "informal"})
    session.add_reach({"organisation": "P1", "group": "G2"})
    session.add_collaboration({"source": "P1", "target": "W1", **SCORES})
    assert "P1" in ids(filled.load("wijk").organisations)
    assert "P1" not in ids(filled.load("ander").organisations)
    assert filled.versions("wijk")["author"].tolist()[-1] == f"join:{code}"
    # Participants can only add.
    for forbidden in ("delete_organisation", "update_organisation", "delete_reach", "undo",
                      "restore", "load", "versions", "list_datasets"):
        assert not hasattr(session, forbidden)
    with pytest.raises(EditError):
        session.add_reach({"organisation": "P1", "group": "G2"})

    assert filled.close_join(code) == 1
    assert filled.dataset_for_code(code) is None
    assert not session.is_open()
    with pytest.raises(JoinCodeError) as err:
        session.add_organisation({"id": "P2", "name": "X", "kind": "informal"})
    assert "gesloten" in err.value.message("nl") and "closed" in err.value.message("en")
    with pytest.raises(JoinCodeError):
        session.organisations()
    with pytest.raises(JoinCodeError):
        filled.join(code)
    assert filled.dataset_for_code(other) == "ander"  # other datasets' codes stay open
    assert filled.close_join("ander") == 1
    assert filled.close_join("ander") == 0
    new = filled.open_join("wijk")
    assert new != code and filled.join(new).dataset_name == "wijk"


def test_normalise_code():
    assert normalise_code(" ab-c 2d3 ") == "ABC2D3"
    assert normalise_code(None) == ""


# --------------------------------------------------------------------------- opening


def test_resolve_url(monkeypatch, tmp_path):
    monkeypatch.delenv("MAPPING_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert store_schema.resolve_url(None).database == str(
        tmp_path / "xdg" / "wijknetwerk" / "wijknetwerk.db")
    monkeypatch.setenv("MAPPING_DB", str(tmp_path / "env.sqlite"))
    assert store_schema.resolve_url(None).database == str(tmp_path / "env.sqlite")
    assert store_schema.resolve_url(tmp_path / "x.db").database == str(tmp_path / "x.db")
    assert store_schema.resolve_url("sqlite:///rel.db").database == "rel.db"
    pg = store_schema.resolve_url("postgresql://u:pw@h:5433/db")
    assert pg.drivername == "postgresql+psycopg" and pg.port == 5433
    assert store_schema.resolve_url("postgresql+psycopg://h/db").drivername == (
        "postgresql+psycopg")


def test_open_store_creates_and_seeds_once(monkeypatch, tmp_path, helpers):
    demo = helpers["make_dataset"]("demo")
    calls = []

    def fake_demo():
        calls.append(1)
        return demo

    monkeypatch.setattr("mapping.store.seed._demo_dataset", fake_demo)
    path = tmp_path / "sub" / "dir" / "w.sqlite"
    monkeypatch.setenv("MAPPING_DB", str(path))
    with open_store() as store:
        assert path.exists()
        assert store.list_datasets() == ["demo"]
        helpers["assert_same"](demo, store.load("demo"))
        store.add_organisation("demo", ORG)
    with open_store(str(path)) as store:  # second run: no second seed, nothing reset
        assert store.head("demo") == 2
    assert len(calls) == 1


def test_open_store_without_demo_data(monkeypatch, tmp_path):
    monkeypatch.setattr("mapping.store.seed._demo_dataset", lambda: None)
    with open_store(tmp_path / "x.sqlite") as store:
        assert store.list_datasets() == []


def test_open_store_seeds_the_real_demo(tmp_path):
    from mapping.store.repository import DEMO_DIR

    assert DEMO_DIR.is_dir() and any(DEMO_DIR.iterdir())
    with open_store(tmp_path / "d.sqlite") as store:
        assert "demo" in store.list_datasets()
        assert len(store.load("demo").organisations) > 0


def test_errors_have_both_languages():
    err = EditError("unknown_column", field="naam2")
    assert str(err) == "Onbekend veld 'naam2'. / Unknown field 'naam2'."
    assert isinstance(err, StoreError)


def test_drop_personal(dataset):
    cleaned = drop_personal(dataset)
    assert "contact" not in cleaned.organisations.columns
    assert "reported_by" not in cleaned.collaborations.columns
    assert "contact" in dataset.organisations.columns  # the original is untouched


def test_writer_queue_times_out_and_recovers():
    import threading

    from mapping.store.repository import _FifoLock

    lock = _FifoLock(timeout=0.05)
    with lock:
        result: list[str] = []

        def late() -> None:
            try:
                with lock:
                    result.append("got it")
            except StoreError as exc:
                result.append(exc.key)

        t = threading.Thread(target=late)
        t.start()
        t.join()
    assert result == ["busy"]
    with lock:  # the abandoned ticket does not block later writers
        pass
