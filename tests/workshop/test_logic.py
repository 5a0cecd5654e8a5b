"""``mapping.workshop.live``: what the pages compute, without Streamlit."""

from __future__ import annotations

import pandas as pd
import pytest

from mapping.store.repository import EditError, Store
from mapping.workshop import live as ws


@pytest.fixture
def bare(tmp_path):
    """A store without the demo (fast), with dataset ``wijk`` created empty."""
    with Store(tmp_path / "s.sqlite") as store:
        ws.create_dataset(store, "wijk", "empty", author="test")
        yield store


def test_store_url_order(monkeypatch, tmp_path):
    monkeypatch.setenv("MAPPING_DB", str(tmp_path / "env.sqlite"))
    assert ws.store_url("postgresql://x/y") == "postgresql://x/y"
    assert ws.store_url(None) == str(tmp_path / "env.sqlite")
    monkeypatch.delenv("MAPPING_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert ws.store_url(None).endswith("wijknetwerk/wijknetwerk.db")


def test_empty_dataset_round_trips_and_accepts_edits(bare):
    data = bare.load("wijk")
    assert all(len(data.table(t)) == 0 for t in ("organisations", "parent_groups", "reach",
                                                  "collaborations"))
    bare.add_organisation("wijk", {"id": "A", "name": "A", "kind": "formal"})
    bare.add_organisation("wijk", {"id": "B", "name": "B", "kind": "informal"})
    bare.add_group("wijk", {"id": "G", "name": "G", "families": 3})
    bare.add_reach("wijk", {"organisation": "B", "group": "G", "strength": 2})
    bare.add_collaboration("wijk", {"source": "B", "target": "A", "trust": 4, "equality": 2})
    data = bare.load("wijk")
    assert data.parent_groups["families"].dtype == "Int64"
    assert data.collaborations["trust"].tolist() == [4.0]


def test_copy_of_demo(tmp_path):
    from mapping.store.repository import open_store

    with open_store(tmp_path / "d.sqlite") as store:
        ws.create_dataset(store, "kopie", "demo")
        assert len(store.load("kopie").organisations) == len(store.load("demo").organisations)
        store.add_organisation("kopie", {"id": "X1", "name": "X", "kind": "formal"})
        assert "X1" not in set(store.load("demo").organisations["id"])  # a copy, not the demo


def test_copy_of_demo_when_missing(bare, monkeypatch):
    monkeypatch.setattr(ws, "_demo_dataset", lambda: None)
    with pytest.raises(ws.WorkshopError) as err:
        ws.create_dataset(bare, "x", "demo")
    assert err.value.message("en") == "The demo district is not available."


def test_new_ids_do_not_collide(bare):
    taken = {"OAAAA"}
    assert ws.new_id(taken, "O") not in taken
    calls = []

    def add(record):
        calls.append(record["id"])
        if len(calls) == 1:  # someone else took this id a moment ago
            raise EditError("duplicate_organisation", id=record["id"])
        return bare.add_organisation("wijk", record)

    version, new = ws.add_with_new_id(add, {"name": "N", "kind": "formal"}, [], "O")
    assert len(calls) == 2 and new == calls[1] and version == 2
    with pytest.raises(EditError):  # other errors are not retried
        ws.add_with_new_id(add, {"name": "", "kind": "formal"}, [], "O")


def test_history_and_diff_sentences(bare):
    bare.add_organisation("wijk", {"id": "M1", "name": "Moskee", "kind": "informal",
                                   "contact": "Fatima"}, author="Anna")
    bare.add_group("wijk", {"id": "G1", "name": "Moeders"})
    bare.add_reach("wijk", {"organisation": "M1", "group": "G1"})
    bare.update_organisation("wijk", "M1", {"contact": "Aisha"})
    bare.snapshot("wijk", "na workshop")
    shown = ws.history(bare, "wijk", "nl", hide_personal=True)
    # A snapshot labels the current version; it adds none.
    assert "Door" not in shown.columns and shown["Versie"].iloc[0] == 5
    assert shown["Label"].iloc[0] == "na workshop"
    assert "Anna" in set(ws.history(bare, "wijk", "nl", hide_personal=False)["Door"])
    lines = ws.diff_lines(bare.diff("wijk", 1, 4), bare.load("wijk"), "nl")
    # Names, not internal ids (issue 11).
    assert lines == ["Toegevoegd: organisatie Moskee", "Toegevoegd: oudergroep Moeders",
                     "Toegevoegd: bereik Moskee → Moeders"]
    changed = ws.diff_lines(bare.diff("wijk", 4, 5), None, "en", hide_personal=True)
    assert changed == ["Changed: organisation Moskee (…)"]
    assert "Aisha" not in " ".join(changed)
    assert ws.diff_lines(bare.diff("wijk", 5, 5), None, "en") == ["No difference."]
    recent = ws.recent_changes(bare, "wijk", "en", limit=2)
    assert [n for n, _ in recent] == [5, 4]


def test_join_link_and_qr():
    assert ws.join_url("http://10.0.0.5:8501/workshop?ds=x", "ABC234") == \
        "http://10.0.0.5:8501/join?code=ABC234"
    assert ws.join_url(None, "Q") == "http://localhost:8501/join?code=Q"
    png = ws.qr_png("http://10.0.0.5:8501/join?code=ABC234")
    assert png.startswith(b"\x89PNG")
    assert ws.is_local_link("http://127.0.0.1:8501/join?code=Q")
    assert ws.is_local_link("http://localhost:8501/join?code=Q")
    assert not ws.is_local_link("http://192.168.1.20:8501/join?code=Q")


def test_live_network_keeps_positions(bare):
    for oid, kind in (("A", "formal"), ("B", "informal")):
        bare.add_organisation("wijk", {"id": oid, "name": oid, "kind": kind})
    bare.add_collaboration("wijk", {"source": "A", "target": "B"})
    first = ws.live_network(bare.load("wijk"), bare.head("wijk"))
    bare.add_organisation("wijk", {"id": "C", "name": "C", "kind": "informal"})
    bare.add_collaboration("wijk", {"source": "C", "target": "A"})
    second = ws.live_network(bare.load("wijk"), bare.head("wijk"), first.positions)
    for node, xy in first.positions.items():
        assert second.positions[node] == xy  # nobody moved
    assert "o:C" in second.positions and second.organisations == 3
    assert "<script src=\"http" not in second.html


def test_slider_value():
    assert ws.slider_value(None) == ws.DEFAULT_SCORE
    assert ws.slider_value(float("nan")) == ws.DEFAULT_SCORE
    assert ws.slider_value(3.6) == 4 and ws.slider_value(9) == 5


def test_change_lists_use_names_also_after_a_delete(bare):
    """History and latest changes say "+ organisatie Moskee Nuur", never the id (issue 11)."""
    bare.add_organisation("wijk", {"id": "OQR62", "name": "Moskee Nuur", "kind": "informal"})
    bare.add_organisation("wijk", {"id": "W1", "name": "Wijkteam", "kind": "formal"})
    bare.add_group("wijk", {"id": "G7", "name": "Somalische moeders"})
    bare.add_reach("wijk", {"organisation": "OQR62", "group": "G7"})
    bare.add_collaboration("wijk", {"source": "OQR62", "target": "W1"})
    bare.delete_organisation("wijk", "OQR62")
    changes = list(ws.history(bare, "wijk", "nl")["Wijziging"])
    assert "+ organisatie Moskee Nuur" in changes
    assert "+ bereik Moskee Nuur → Somalische moeders" in changes
    assert "+ samenwerking Moskee Nuur – Wijkteam" in changes
    assert "- organisatie Moskee Nuur" in changes  # deleted: named from the version before
    assert not any("OQR62" in c for c in changes)
    recent = " ".join(sentence for _, sentence in ws.recent_changes(bare, "wijk", "nl"))
    assert "Moskee Nuur" in recent and "OQR62" not in recent
    # Two organisations of one name stay apart by their id.
    bare.add_organisation("wijk", {"id": "B1", "name": "Buurthuis", "kind": "informal"})
    bare.add_organisation("wijk", {"id": "B2", "name": "buurthuis ", "kind": "informal"})
    head = bare.head("wijk")
    lines = ws.diff_lines(bare.diff("wijk", head - 1, head), bare.load("wijk"), "nl")
    assert lines == ["Toegevoegd: organisatie buurthuis (B2)"]


def test_local_time_everywhere():
    """Stored UTC times are shown in Dutch time, summer and winter (issue 11)."""
    from datetime import UTC, datetime

    import pandas as pd

    winter = datetime(2026, 1, 15, 11, 30, tzinfo=UTC)
    summer = datetime(2026, 7, 15, 11, 30, tzinfo=UTC)
    assert ws.clock_time(winter) == "12:30" and ws.clock_time(summer) == "13:30"
    assert ws.clock_time(datetime(2026, 7, 15, 11, 30)) == "13:30"  # naive = UTC (SQLite)
    assert ws.clock_time(pd.Timestamp(summer)) == "13:30"
    assert ws.date_time(datetime(2026, 3, 12, 23, 30, tzinfo=UTC), "nl") == "13-03-2026 00:30"
    assert ws.date_time(winter, "en") == "2026-01-15 12:30"


def test_history_and_version_menu_show_local_time(bare):
    frame = bare.versions("wijk")
    stored = frame["created_at"].iloc[0]
    expected = ws.local_time(stored)
    assert expected.utcoffset().total_seconds() in (3600, 7200)
    shown = ws.history(bare, "wijk", "nl")
    assert list(shown.columns)[1] == "Tijd"  # no "(UTC)": it is the room's time
    assert shown["Tijd"].iloc[-1] == expected.strftime("%Y-%m-%d %H:%M:%S")
    options = ws.version_options(bare, "wijk", "nl")
    assert options == {1: f"Versie 1 · {expected.strftime('%d-%m-%Y %H:%M')}"}
    bare.add_organisation("wijk", {"id": "A", "name": "A", "kind": "formal"})
    bare.snapshot("wijk", "na workshop")
    options = ws.version_options(bare, "wijk", "en")
    assert list(options) == [2, 1] and options[2].endswith(" · na workshop")


def test_same_name_and_form_vocabulary():
    from mapping.domain.schema import FORMS

    assert ws.same_name("Moskee  Nuur", " moskee nuur")
    assert not ws.same_name("", " ") and not ws.same_name("Moskee", "Moskee Nuur")
    frame = pd.DataFrame({"id": ["A", "B"], "name": ["Moskee Nuur", "Kerk"]})
    assert ws.named_like(frame, "MOSKEE nuur") == ["A"] and ws.named_like(frame, "") == []
    assert ("", *FORMS) == ws.FORM_CHOICES
    assert ws.form_choice_label("referral", "nl") == "doorverwijzing"
    assert ws.form_choice_label("joint_project", "en") == "a joint project"
    token = ws.new_token()
    assert 8 <= len(token) <= 64 and token != ws.new_token()
