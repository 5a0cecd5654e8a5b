"""Issue 11, workshop and join fixes, under AppTest: one test (or more) per fix."""

from __future__ import annotations

from tests.workshop.conftest import open_join, open_workshop
from tests.workshop.test_pages import _no_exceptions, _seed, _texts


def _saved_names(store) -> list[str]:
    return list(store.load("wijk").organisations["name"])


def _asked(at) -> list[str]:
    """The "same name, add anyway?" warnings on the page."""
    return [w.value for w in at.warning if "Toch nog een" in w.value]


def test_add_form_resets_after_save(db_path, store):
    _seed(store)
    at = open_workshop()
    at.text_input(key="ws_org_name").input("Buurthuis De Brug")
    at.radio(key="ws_org_kind").set_value("formal")
    at.selectbox(key="ws_org_cat").set_value("buurtcentrum")
    at.text_input(key="ws_org_hood").input("Noord")
    at.button(key="ws_add_org").click().run()
    _no_exceptions(at)
    assert "Buurthuis De Brug" in _saved_names(store)
    # Every field is back to its default: a second click cannot resend the same values.
    assert at.text_input(key="ws_org_name").value == ""
    assert at.text_input(key="ws_org_hood").value == ""
    assert at.radio(key="ws_org_kind").value == "informal"
    assert at.selectbox(key="ws_org_cat").value == ""
    at.text_input(key="ws_grp_name").input("Turkse vaders")
    at.number_input(key="ws_grp_fam").set_value(12)
    at.button(key="ws_add_grp").click().run()
    assert at.text_input(key="ws_grp_name").value == ""
    assert at.number_input(key="ws_grp_fam").value is None
    at.selectbox(key="ws_reach_org").set_value("M1")
    at.slider(key="ws_reach_str").set_value(5)
    at.button(key="ws_add_reach").click().run()
    _no_exceptions(at)
    assert at.slider(key="ws_reach_str").value == 3


def test_duplicate_name_asks_before_adding(db_path, store):
    _seed(store)
    head = store.head("wijk")
    at = open_workshop()
    # Same name as "Moskee Nuur" apart from capitals and spaces.
    at.text_input(key="ws_org_name").input("  moskee   NUUR ")
    at.button(key="ws_add_org").click().run()
    _no_exceptions(at)
    assert store.head("wijk") == head  # nothing saved silently
    assert _asked(at) and "moskee" in _asked(at)[0].casefold()
    assert at.text_input(key="ws_org_name").value == "  moskee   NUUR "  # kept, to correct
    at.button(key="ws_dup_no").click().run()
    assert store.head("wijk") == head and not _asked(at)
    # Asked again, and this time confirmed: exactly one more organisation.
    at.button(key="ws_add_org").click().run()
    at.button(key="ws_dup_yes").click().run()
    _no_exceptions(at)
    assert store.head("wijk") == head + 1
    assert sum(n.strip().casefold().startswith("moskee") for n in _saved_names(store)) == 2
    assert at.text_input(key="ws_org_name").value == ""
    assert not any(b.key == "ws_dup_yes" for b in at.button)
    # The same for parent groups.
    at.text_input(key="ws_grp_name").input("Somalische Moeders")
    at.button(key="ws_add_grp").click().run()
    assert store.head("wijk") == head + 1
    assert any(b.key == "ws_dup_yes" for b in at.button)


def test_form_token_saves_a_form_once(db_path, store):
    """The token bound into a drawn form: the store ignores a second save with it."""
    _seed(store)
    at = open_workshop()
    token = at.session_state["_ws_tok_org"]
    at.text_input(key="ws_org_name").input("Huiswerkklas")
    at.button(key="ws_add_org").click().run()
    head = store.head("wijk")
    assert token in at.session_state["_ws_used_tokens"]
    assert at.session_state["_ws_tok_org"] != token  # the emptied form has a new one
    # What a late second click would reach: the same token saves nothing.
    assert store.add_organisation("wijk", {"id": "X9", "name": "Huiswerkklas",
                                           "kind": "informal"}, token=token) == head
    assert store.head("wijk") == head


def test_empty_answer_is_refused(db_path, store):
    code = _seed(store)
    at = open_join(code)
    at.selectbox(key="join_org_0").set_value("M1").run()
    at.button(key="join_send_0").click().run()
    _no_exceptions(at)
    assert any("nog leeg" in e.value for e in at.error)
    assert store.head("wijk") == 4
    # A new organisation with a name but nothing ticked is empty too.
    at.selectbox(key="join_org_0").set_value("__new__").run()
    at.text_input(key="join_name_0").input("Buurtvaders")
    at.button(key="join_send_0").click().run()
    assert any("nog leeg" in e.value for e in at.error)
    assert store.head("wijk") == 4
    # Without an organisation: the organisation message, once.
    fresh = open_join(code)
    fresh.checkbox(key="join_g_0_G1").check()
    fresh.button(key="join_send_0").click().run()
    assert [e.value for e in fresh.error].count(fresh.error[0].value) == 1
    assert "Kies uw organisatie" in fresh.error[0].value
    assert store.head("wijk") == 4


def test_answer_is_saved_once_and_form_renewed(db_path, store):
    code = _seed(store)
    at = open_join(code)
    token = at.session_state["_join_token_0"]
    at.selectbox(key="join_org_0").set_value("M1").run()
    at.checkbox(key="join_g_0_G1").check()
    at.button(key="join_send_0").click().run()
    _no_exceptions(at)
    assert store.head("wijk") == 5
    assert at.session_state["_join_done"] == {token: "M1"}
    # The form is a new one (new widgets, new token); the old send button is gone, so a
    # late second tap on it finds nothing to run, and its token would save nothing.
    assert [b.key for b in at.button if str(b.key).startswith("join_send")] == ["join_send_1"]
    assert at.session_state["_join_token_1"] != token
    assert store.join(code).submit("M1", ["G1"], [], token=token) == 5
    assert store.head("wijk") == 5


def test_version_menus_follow_new_versions(db_path, store):
    _seed(store)
    at = open_workshop()
    assert at.selectbox(key="ws_diff_b").value == 4
    assert at.selectbox(key="ws_diff_a").value == 3
    # A whole session of answers arrives while the panel is open.
    store.add_organisation("wijk", {"id": "K1", "name": "Kerk Zuid", "kind": "informal"})
    store.add_group("wijk", {"id": "G2", "name": "Turkse vaders"})
    at.run()
    _no_exceptions(at)
    assert at.selectbox(key="ws_diff_b").options[0].startswith("Versie 6")
    assert at.selectbox(key="ws_diff_b").value == 6
    assert at.selectbox(key="ws_diff_a").value == 5
    assert at.selectbox(key="ws_restore_v").value == 6
    assert "Toegevoegd\\: oudergroep Turkse vaders" in _texts(at)
    # A pair picked on purpose stays picked when more versions come.
    at.selectbox(key="ws_diff_a").set_value(1)
    at.selectbox(key="ws_diff_b").set_value(3)
    at.run()
    store.add_organisation("wijk", {"id": "K2", "name": "Kerk Noord", "kind": "informal"})
    at.run()
    assert at.selectbox(key="ws_diff_a").value == 1 and at.selectbox(key="ws_diff_b").value == 3
    assert len(at.selectbox(key="ws_diff_b").options) == 7


def test_change_lists_show_names(db_path, store):
    _seed(store)
    store.add_organisation("wijk", {"id": "OQR62", "name": "Moskee Al-Nour", "kind": "informal"})
    at = open_workshop()
    _no_exceptions(at)
    texts = _texts(at)
    assert "Moskee Al\\-Nour" in texts and "OQR62" not in texts
    history = at.dataframe[0].value
    changes = list(history["Wijziging"])
    assert "+ organisatie Moskee Al-Nour" in changes and "+ organisatie Moskee Nuur" in changes
    assert not any("OQR62" in c or "M1" in c for c in changes)
    assert "Tijd" in history.columns  # local time, no "(UTC)"


def test_local_time_on_workshop_and_menus(db_path, store):
    from mapping.workshop import live as ws

    _seed(store)
    at = open_workshop()
    frame = store.versions("wijk")
    local = ws.local_time(frame["created_at"].iloc[-1])
    assert at.dataframe[0].value["Tijd"].iloc[0] == local.strftime("%Y-%m-%d %H:%M:%S")
    assert local.strftime("%H:%M") in at.selectbox(key="ws_diff_b").options[0]
    _, expires = store.join_code_info("wijk")
    assert any(ws.clock_time(expires) in c.value for c in at.caption)


def test_closed_code_shows_one_message(db_path, store):
    code = _seed(store)
    at = open_join(code)
    at.selectbox(key="join_org_0").set_value("M1").run()
    at.checkbox(key="join_g_0_G1").check()
    store.close_join(code)
    at.button(key="join_send_0").click().run()
    _no_exceptions(at)
    refusals = [e.value for e in at.error if "klopt niet" in e.value]
    assert len(refusals) == 1, [e.value for e in at.error]
    assert len(at.error) == 1
    assert store.head("wijk") == 4
    for unknown in ("ZZZZ-ZZZZ-ZZ", code):
        again = open_join(unknown)
        assert len(again.error) == 1 and "klopt niet" in again.error[0].value


def test_collaboration_form_uses_the_vocabulary(db_path, store):
    from mapping.domain.schema import FORMS

    code = _seed(store)
    at = open_workshop()
    box = at.selectbox(key="ws_col_form")
    assert box.options[1:] == ["expertise", "doorverwijzing", "advies", "bemiddeling",
                               "gezamenlijk project"]
    box.set_value("referral")
    at.selectbox(key="ws_col_a").set_value("W1")
    at.selectbox(key="ws_col_b").set_value("M1")
    at.button(key="ws_add_col").click().run()
    _no_exceptions(at)
    assert store.load("wijk").collaborations["form"].iloc[-1] == "referral"
    assert at.selectbox(key="ws_col_form").value == ""  # reset after the save

    phone = open_join(code)
    phone.selectbox(key="join_org_0").set_value("M1").run()
    phone.multiselect(key="join_partners_0").set_value(["W1"]).run()
    form = phone.selectbox(key="join_s_0_W1_form")
    assert form.options[1:] == box.options[1:]
    form.set_value("advice")
    phone.button(key="join_send_0").click().run()
    _no_exceptions(phone)
    forms = list(store.load("wijk").collaborations["form"])
    assert forms[-1] == "advice" and set(forms) <= set(FORMS)


def test_presentation_mode_folds_the_legend_and_keeps_the_forms(db_path, store):
    from streamlit.testing.v1 import AppTest

    from tests.workshop.conftest import APP

    _seed(store)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["ds"] = "wijk"
    at.query_params["present"] = "1"
    at.run()
    at.switch_page("pages/workshop.py")
    at.run()
    _no_exceptions(at)
    frame = at.get("iframe")[0].proto.srcdoc
    assert '<details id="legend" class="legend present">' in frame  # folded: no "open"
    assert any(w.key == "ws_org_name" for w in at.text_input)
    assert any(b.key == "ws_qr_open" for b in at.button)


def test_qr_full_screen_view(db_path, store):
    code = _seed(store)
    at = open_workshop()
    at.button(key="ws_qr_open").click().run()
    _no_exceptions(at)
    assert at.get("imgs") or at.get("image")
    shown = "\n".join(str(h.proto.body) for h in at.get("html"))
    assert code[:4] in shown and f"/join?code={code}" in shown
    assert not any(w.key == "ws_org_name" for w in at.text_input)  # nothing but the code
    at.button(key="ws_qr_close").click().run()
    assert any(w.key == "ws_org_name" for w in at.text_input)
    # Closed meanwhile: back to the workshop, no stale code on the projector.
    at.button(key="ws_qr_open").click().run()
    store.close_join(code)
    at.run()
    assert any(w.key == "ws_org_name" for w in at.text_input)


def test_second_tap_on_the_renewed_form_is_thanked_not_refused(db_path, store):
    """A double tap whose second tap lands on the fresh form (the form reruns alone, fast):
    one answer, and the same thanks instead of "still empty"; later, empty is empty."""
    code = _seed(store)
    at = open_join(code)
    at.selectbox(key="join_org_0").set_value("M1").run()
    at.checkbox(key="join_g_0_G1").check().run()
    at.button(key="join_send_0").click().run()
    head = store.head("wijk")
    assert any("Dank u" in s.value for s in at.success)
    at.button(key="join_send_1").click().run()  # the second tap, on the renewed form
    _no_exceptions(at)
    assert not any("nog leeg" in e.value for e in at.error)
    assert any("Dank u" in s.value for s in at.success)
    assert store.head("wijk") == head
    # Long after the save, an empty send on that form is refused as empty.
    at.session_state["_join_saved"] = (1, 0.0)
    at.button(key="join_send_1").click().run()
    assert any("nog leeg" in e.value for e in at.error)
    assert store.head("wijk") == head
