"""The workshop and join pages under Streamlit's AppTest (no browser)."""

from __future__ import annotations

import pytest

from tests.workshop.conftest import open_join, open_workshop

SCORES = {"trust": 4, "shared_goals": 4, "role_clarity": 3, "equality": 5}


def _texts(at) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.success, *at.error, *at.info)]
    return "\n".join(str(p) for p in parts)


def _no_exceptions(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _seed(store) -> str:
    """A small stored dataset with an open join code; returns the code."""
    from mapping.workshop.live import create_dataset

    create_dataset(store, "wijk", "empty")
    store.add_organisation("wijk", {"id": "W1", "name": "Wijkteam Zuid", "kind": "formal"})
    store.add_organisation("wijk", {"id": "M1", "name": "Moskee Nuur", "kind": "informal"})
    store.add_group("wijk", {"id": "G1", "name": "Somalische moeders", "families": 30})
    return store.open_join("wijk")


def test_create_dataset_add_org_undo(db_path, store):
    at = open_workshop()
    _no_exceptions(at)
    at.text_input(key="ws_new_name").input("wijk zuid")
    at.button(key="ws_create").click().run()
    _no_exceptions(at)
    assert "wijk zuid" in store.list_datasets()
    assert at.selectbox(key="ws_dataset").value == "wijk zuid"

    at.text_input(key="ws_org_name").input("Moskee <b>Nuur</b>")
    at.radio(key="ws_org_kind").set_value("informal")
    at.button(key="ws_add_org").click().run()
    _no_exceptions(at)
    orgs = store.load("wijk zuid").organisations
    assert list(orgs["name"]) == ["Moskee <b>Nuur</b>"]
    assert at.text_input(key="ws_org_name").value == ""  # the form is empty again
    # The live part shows the change (escaped, as typed) and the network.
    assert "Moskee \\<b\\>Nuur\\</b\\>" in _texts(at)
    assert at.get("iframe")

    at.button(key="ws_undo").click().run()
    _no_exceptions(at)
    assert store.load("wijk zuid").organisations.empty
    assert store.head("wijk zuid") == 3
    at.button(key="ws_undo").click().run()  # undo of the undo target: back to v1, still empty
    at.button(key="ws_undo").click().run()
    assert any("niets om ongedaan" in e.value for e in at.error)  # translated, no traceback


def test_add_group_reach_collaboration_edit_delete(db_path, store):
    _seed(store)
    at = open_workshop()
    at.text_input(key="ws_grp_name").input("Turkse vaders")
    at.number_input(key="ws_grp_fam").set_value(25)
    at.button(key="ws_add_grp").click().run()
    _no_exceptions(at)
    groups = store.load("wijk").parent_groups
    assert "Turkse vaders" in set(groups["name"])

    at.selectbox(key="ws_reach_org").set_value("M1")
    at.selectbox(key="ws_reach_grp").set_value("G1")
    at.slider(key="ws_reach_str").set_value(4)
    at.button(key="ws_add_reach").click().run()
    _no_exceptions(at)
    reach = store.load("wijk").reach
    assert reach.iloc[-1]["strength"] == 4.0

    at.selectbox(key="ws_col_a").set_value("M1")
    at.selectbox(key="ws_col_b").set_value("W1")
    for condition, value in SCORES.items():
        at.slider(key=f"ws_col_{condition}").set_value(value)
    at.button(key="ws_add_col").click().run()
    _no_exceptions(at)
    rating = store.load("wijk").collaborations.iloc[-1]
    assert (rating["source"], rating["target"], rating["equality"]) == ("M1", "W1", 5.0)

    # Edit the organisation's name, then delete it (its links go with it).
    at.selectbox(key="ws_edit_organisations").set_value("M1")
    at.text_input(key="ws_e_organisations_M1_name").input("Moskee Al-Nour")
    at.button(key="ws_save_organisations").click().run()
    _no_exceptions(at)
    assert "Moskee Al-Nour" in set(store.load("wijk").organisations["name"])
    at.button(key="ws_del_organisations").click().run()
    data = store.load("wijk")
    assert "M1" not in set(data.organisations["id"])
    assert data.collaborations.empty and data.reach.empty

    # A refused edit shows the store's message.
    at.selectbox(key="ws_reach_org").set_value("W1")
    at.selectbox(key="ws_reach_grp").set_value("G1")
    at.button(key="ws_add_reach").click().run()
    at.button(key="ws_add_reach").click().run()
    assert any("bereikt oudergroep" in e.value for e in at.error)


def test_snapshot_restore_and_diff(db_path, store):
    _seed(store)
    at = open_workshop()
    at.text_input(key="ws_snap_label").input("na workshop 12 maart")
    at.button(key="ws_snapshot").click().run()
    _no_exceptions(at)
    assert store.versions("wijk")["labels"].iloc[-1] == ("na workshop 12 maart",)
    at.selectbox(key="ws_diff_a").set_value(1)
    at.selectbox(key="ws_diff_b").set_value(4)
    at.run()
    assert "Toegevoegd\\: organisatie Moskee Nuur" in _texts(at)
    at.selectbox(key="ws_restore_v").set_value(2)
    at.button(key="ws_restore").click().run()
    _no_exceptions(at)
    assert list(store.load("wijk").organisations["id"]) == ["W1"]
    assert "Versie 2 teruggezet" in _texts(at)


def test_join_code_panel_open_close(db_path, store):
    from mapping.workshop.live import create_dataset

    create_dataset(store, "wijk", "empty")
    at = open_workshop()
    at.button(key="ws_open_join").click().run()
    _no_exceptions(at)
    code = store.join_code("wijk")
    assert code and f"/join?code={code}" in "\n".join(c.value for c in at.code)
    assert at.get("imgs") or at.get("image")  # the QR code
    at.button(key="ws_close_join").click().run()
    assert store.join_code("wijk") is None
    assert store.code_status(code) == "closed"


def test_participant_submits_answer(db_path, store):
    code = _seed(store)
    at = open_join(code)
    _no_exceptions(at)
    # A participant sees only the join page: no navigation to other pages or datasets.
    assert not at.sidebar.selectbox and "ws_dataset" not in [w.key for w in at.selectbox]
    at.selectbox(key="join_org_0").set_value("__new__").run()
    at.text_input(key="join_name_0").input("Buurtvaders")
    at.radio(key="join_kind_0").set_value("informal")
    at.checkbox(key="join_g_0_G1").check()
    at.multiselect(key="join_partners_0").set_value(["W1"]).run()
    at.slider(key="join_s_0_W1_trust").set_value(5)
    at.button(key="join_send_0").click().run()
    _no_exceptions(at)
    assert any("Dank u" in s.value for s in at.success)
    data = store.load("wijk")
    new = data.organisations[data.organisations["name"] == "Buurtvaders"]
    assert len(new) == 1
    org_id = new.iloc[0]["id"]
    assert (org_id, "G1") in set(zip(data.reach["organisation"], data.reach["group"],
                                     strict=True))
    rating = data.collaborations[data.collaborations["source"] == org_id].iloc[0]
    assert rating["target"] == "W1" and rating["trust"] == 5.0 and rating["equality"] == 3.0
    assert str(rating["reported_by"]).startswith("R")  # a pseudonym, not a name
    assert store.head("wijk") == 5  # the whole answer is one version
    # The form is fresh, with their organisation already picked for a second answer.
    assert at.selectbox(key="join_org_1").value == org_id


def test_participant_must_name_their_org(db_path, store):
    code = _seed(store)
    at = open_join(code)
    at.button(key="join_send_0").click().run()
    assert any("Kies uw organisatie" in e.value for e in at.error)
    assert store.head("wijk") == 4


def test_wrong_code_is_refused(db_path, store):
    _seed(store)
    at = open_join("ZZZZZZ")
    _no_exceptions(at)
    assert any("klopt niet" in e.value for e in at.error)
    assert not at.button or all(not str(b.key).startswith("join_send") for b in at.button)
    assert store.head("wijk") == 4


def test_typed_code_works_and_closed_code_is_refused(db_path, store):
    code = _seed(store)
    at = open_join(None)
    at.text_input(key="join_code_input").input(code.lower())
    at.button(key="join_enter").click().run()
    _no_exceptions(at)
    assert any(str(b.key).startswith("join_send") for b in at.button)
    store.close_join(code)
    at.selectbox(key="join_org_0").set_value("M1")
    at.button(key="join_send_0").click().run()
    assert any("gesloten" in e.value for e in at.error)
    assert store.head("wijk") == 4
    again = open_join(code)
    assert any("gesloten" in e.value for e in again.error)
    assert all(not str(b.key).startswith("join_send") for b in again.button)


def test_english_join_page(db_path, store):
    code = _seed(store)
    at = AppTestLang(code)
    assert at.title[0].value == "Join in"
    at.radio(key="join_lang").set_value("nl").run()
    assert at.title[0].value == "Doe mee"
    assert at.query_params["lang"] == "nl"


def AppTestLang(code):
    from streamlit.testing.v1 import AppTest

    from tests.workshop.conftest import APP

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["code"] = code
    at.query_params["lang"] = "en"
    at.run()
    return at


def test_participant_cannot_reach_other_pages(db_path, store):
    """With a code in the URL the session knows only the join page (no workshop, no data)."""
    code = _seed(store)
    at = open_join(code)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/workshop.py")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/data.py")
    # Without the code in the URL the session stays a participant.
    del at.query_params["code"]
    at.run()
    assert at.title[0].value == "Doe mee"
    assert not any(w.key == "ws_dataset" for w in at.selectbox)


def test_user_text_is_escaped(db_path, store):
    """Names that look like Markdown or HTML show as typed, on both pages."""
    from mapping.session import md_escape

    code = _seed(store)
    evil = "**vet** [klik](http://x.example) <img src=x onerror=alert(1)>"
    store.add_group("wijk", {"id": "G9", "name": evil})
    at = open_join(code)
    assert at.checkbox(key="join_g_0_G9").label == md_escape(evil)
    ws_at = open_workshop()
    _no_exceptions(ws_at)
    assert md_escape(evil) in _texts(ws_at)  # in the latest-changes list, escaped
    assert all("<img" not in m.value or "\\<img" in m.value for m in ws_at.markdown)


def test_participant_adds_a_partner_not_listed(db_path, store):
    code = _seed(store)
    at = open_join(code)
    at.selectbox(key="join_org_0").set_value("M1").run()
    at.checkbox(key="join_np_0").check().run()
    at.text_input(key="join_np_name_0").input("Huiswerkklas Zuid").run()
    at.slider(key="join_s_0___new___equality").set_value(2)
    at.button(key="join_send_0").click().run()
    _no_exceptions(at)
    data = store.load("wijk")
    partner = data.organisations[data.organisations["name"] == "Huiswerkklas Zuid"]
    assert len(partner) == 1
    rating = data.collaborations.iloc[-1]
    assert (rating["source"], rating["target"]) == ("M1", partner.iloc[0]["id"])
    assert rating["equality"] == 2.0
    assert store.head("wijk") == 5
