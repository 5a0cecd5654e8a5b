"""The workshop page's actions: button callbacks that edit the store, with their flash messages.

Each callback runs before the next page run draws anything, so a form keeps
what the facilitator typed when an edit is refused. Split from pages/workshop.py.
"""

from __future__ import annotations

import streamlit as st

from mapping.domain.dataset import CONDITIONS
from mapping.store.repository import (
    JOIN_HOURS_DEFAULT,
    Store,
)
from mapping.ui_text import t
from mapping.workshop import live as ws
from pages import _store

AUTHOR = "facilitator"


def _flash(kind: str, message: str) -> None:
    st.session_state["_ws_flash"] = (kind, message)


# Widget keys whose values are what the facilitator typed or chose in a form.
# Buttons are not among them (their state cannot be set).
FORM_KEYS = ("ws_dataset", "ws_new_name", "ws_new_start", "ws_org_", "ws_grp_", "ws_reach_",
             "ws_col_", "ws_e_", "ws_edit_", "ws_snap_label", "ws_restore_v", "ws_diff_")
PENDING = "_ws_pending"


def _keep_form() -> None:
    """Copy the form values out of the widgets into a key Streamlit never clears.

    Streamlit forgets a widget's value after a run that does not draw it; when
    the database is down the forms are not drawn, so the typed change would be
    lost. :func:`_restore_form` puts the values back.
    """
    state = st.session_state
    kept = state.setdefault(PENDING, {})
    for key in list(state.keys()):
        if isinstance(key, str) and key.startswith(FORM_KEYS):
            kept[key] = state[key]


def _restore_form() -> None:
    """Give widgets that lost their value the value kept by :func:`_keep_form`.

    A value still held by its widget (the facilitator changed it since) wins.
    The kept values stay until a run has drawn the forms (:func:`_forms_drawn`).
    """
    state = st.session_state
    for key, value in state.get(PENDING, {}).items():
        if key not in state:
            state[key] = value


def _forms_drawn() -> None:
    """The forms were drawn with the kept values: the widgets hold them again."""
    st.session_state.pop(PENDING, None)


def _do(action, success: str, lang: str) -> bool:
    """Run a store action; remember a translated success or error message for the page.

    On failure nothing is cleared: the form keeps what was typed (see
    :func:`_keep_form`), so the same change can be saved again.
    """
    try:
        action()
    except Exception as exc:  # refused edit or failing database: a message, no traceback
        _failed(exc, lang)
        return False
    _flash("success", success)
    return True


def _failed(exc: BaseException, lang: str) -> None:
    """A store call failed: remember its translated message and keep the typed values."""
    _flash("error", _store.error_message(exc, lang))
    _keep_form()


def _clear(*keys: str) -> None:
    for key in keys:
        st.session_state.pop(key, None)


def _create(store: Store, lang: str) -> None:
    name = str(st.session_state.get("ws_new_name", "")).strip()
    start = st.session_state.get("ws_new_start", "empty")
    if _do(lambda: ws.create_dataset(store, name, start, author=AUTHOR),
           t("ws_created", lang, name=name), lang):
        st.session_state["ws_dataset"] = name
        _clear("ws_new_name")


def form_token(form: str) -> str:
    """The submission token of the add form ``form`` as drawn now (one per rendered form).

    Bound into the save button's callback when the form is drawn, so a double
    click sends the same token twice and the store saves once
    (:meth:`mapping.store.repository.Store._edit`). A successful save drops
    it (:func:`_saved`): the emptied form gets a new one.
    """
    return st.session_state.setdefault(f"_ws_tok_{form}", ws.new_token())


USED = "_ws_used_tokens"


def _saved(form: str, token: str, *keys: str) -> None:
    """After a save: an empty form (its widgets back to their defaults) with a new token."""
    st.session_state.setdefault(USED, set()).add(token)
    _clear(f"_ws_tok_{form}", *keys)


def _used(token: str) -> bool:
    """Whether this session saved a form with ``token`` already (the second of a double click).

    The store would save nothing either; answering here also keeps the second
    click from asking "same name, add anyway?" about the organisation the first
    click just added.
    """
    return token in st.session_state.get(USED, ())


DUPLICATE = "_ws_duplicate"
ORG_KEYS = ("ws_org_name", "ws_org_kind", "ws_org_cat", "ws_org_hood")
GROUP_KEYS = ("ws_grp_name", "ws_grp_comm", "ws_grp_hood", "ws_grp_fam")
REACH_KEYS = ("ws_reach_org", "ws_reach_grp", "ws_reach_str")
COLLAB_KEYS = ("ws_col_a", "ws_col_b", "ws_col_form", *(f"ws_col_{c}" for c in CONDITIONS))


def _add_entity(store: Store, name: str, table: str, record: dict, token: str, lang: str,
                confirmed: bool = False) -> None:
    """Add an organisation or group; a name already in the dataset first asks to confirm.

    Same name means :func:`mapping.workshop.live.same_name` (capitals and spaces do not
    count). The question keeps the record and its token, so "add anyway" saves exactly
    what was typed, once.
    """
    if _used(token):
        return
    org = table == "organisations"
    form, keys = ("org", ORG_KEYS) if org else ("grp", GROUP_KEYS)
    add = store.add_organisation if org else store.add_group
    if not confirmed:
        try:
            current = store.load(name)
        except Exception as exc:  # the database went away: a message, the form kept
            _failed(exc, lang)
            return
        if ws.named_like(current.table(table), record.get("name")):
            st.session_state[DUPLICATE] = {"table": table, "record": record, "token": token,
                                           "dataset": name}
            return
    st.session_state.pop(DUPLICATE, None)
    # The names are loaded inside _do: the database may have gone since the page was drawn.
    if _do(lambda: ws.add_with_new_id(lambda r: add(name, r, AUTHOR, token=token), record,
                                      ws.names(store.load(name).table(table)),
                                      "O" if org else "G"),
           t("saved", lang), lang):
        _saved(form, token, *keys)


def _add_org(store: Store, name: str, token: str, lang: str) -> None:
    state = st.session_state
    record = ws.clean_record({"name": state.get("ws_org_name"), "kind": state.get("ws_org_kind"),
                              "category": state.get("ws_org_cat"),
                              "neighbourhood": state.get("ws_org_hood")})
    _add_entity(store, name, "organisations", record, token, lang)


def _add_group(store: Store, name: str, token: str, lang: str) -> None:
    state = st.session_state
    record = ws.clean_record({"name": state.get("ws_grp_name"),
                              "community": state.get("ws_grp_comm"),
                              "neighbourhood": state.get("ws_grp_hood"),
                              "families": state.get("ws_grp_fam")})
    _add_entity(store, name, "parent_groups", record, token, lang)


def _confirm_duplicate(store: Store, lang: str) -> None:
    pending = st.session_state.get(DUPLICATE)
    if pending:
        _add_entity(store, pending["dataset"], pending["table"], pending["record"],
                    pending["token"], lang, confirmed=True)


def _cancel_duplicate() -> None:
    st.session_state.pop(DUPLICATE, None)  # the form keeps what was typed, to correct it


def _add_reach(store: Store, name: str, token: str, lang: str) -> None:
    if _used(token):
        return
    state = st.session_state
    record = {"organisation": state.get("ws_reach_org"), "group": state.get("ws_reach_grp"),
              "strength": state.get("ws_reach_str")}
    if _do(lambda: store.add_reach(name, record, AUTHOR, token=token), t("saved", lang), lang):
        _saved("reach", token, *REACH_KEYS)


def _add_collab(store: Store, name: str, token: str, lang: str) -> None:
    if _used(token):
        return
    state = st.session_state
    record = ws.clean_record({"source": state.get("ws_col_a"), "target": state.get("ws_col_b"),
                              "form": state.get("ws_col_form"),
                              **{c: state.get(f"ws_col_{c}") for c in CONDITIONS}})
    if _do(lambda: store.add_collaboration(name, record, AUTHOR, token=token),
           t("saved", lang), lang):
        _saved("col", token, *COLLAB_KEYS)


def _update_entity(store: Store, name: str, table: str, entity_id: str, lang: str) -> None:
    state = st.session_state
    prefix = f"ws_e_{table}_{entity_id}_"
    fields = (("name", "kind", "category", "neighbourhood") if table == "organisations"
              else ("name", "community", "neighbourhood", "families"))
    changes = {f: state.get(prefix + f) for f in fields if prefix + f in state}
    update = store.update_organisation if table == "organisations" else store.update_group
    _do(lambda: update(name, entity_id, changes, AUTHOR), t("saved", lang), lang)


def _delete_entity(store: Store, name: str, table: str, entity_id: str, lang: str) -> None:
    delete = store.delete_organisation if table == "organisations" else store.delete_group
    _do(lambda: delete(name, entity_id, AUTHOR), t("ws_deleted", lang), lang)


def _update_reach(store: Store, name: str, link: tuple[str, str], lang: str) -> None:
    strength = st.session_state.get(f"ws_e_reach_{link[0]}_{link[1]}")
    _do(lambda: store.update_reach(name, *link, {"strength": strength}, AUTHOR),
        t("saved", lang), lang)


def _delete_reach(store: Store, name: str, link: tuple[str, str], lang: str) -> None:
    _do(lambda: store.delete_reach(name, *link, AUTHOR), t("ws_deleted", lang), lang)


def _update_collab(store: Store, name: str, link: tuple[str, str, str | None], key: str,
                   lang: str) -> None:
    changes = {c: st.session_state.get(f"{key}_{c}") for c in CONDITIONS}
    _do(lambda: store.update_collaboration(name, link[0], link[1], changes,
                                           reported_by=link[2], author=AUTHOR),
        t("saved", lang), lang)


def _delete_collab(store: Store, name: str, link: tuple[str, str, str | None],
                   lang: str) -> None:
    _do(lambda: store.delete_collaboration(name, link[0], link[1], reported_by=link[2],
                                           author=AUTHOR), t("ws_deleted", lang), lang)


def _undo(store: Store, name: str, lang: str) -> None:
    _do(lambda: store.undo(name, AUTHOR), t("undone", lang), lang)


def _snapshot(store: Store, name: str, lang: str) -> None:
    label = str(st.session_state.get("ws_snap_label", "")).strip()
    _do(lambda: store.snapshot(name, label, AUTHOR), t("snapshot_saved", lang, label=label),
        lang)


def _restore(store: Store, name: str, lang: str) -> None:
    version = st.session_state.get("ws_restore_v")
    done: dict[str, int] = {}

    def run() -> None:
        done["new"] = store.restore(name, version, AUTHOR)

    if _do(run, "", lang):
        _flash("success", t("ws_restored", lang, v=version, new=done["new"]))


def _open_join(store: Store, name: str, lang: str) -> None:
    hours = float(st.session_state.get("ws_join_hours", JOIN_HOURS_DEFAULT))
    _do(lambda: store.open_join(name, AUTHOR, hours=hours), t("join_open", lang), lang)


def _close_join(store: Store, name: str, lang: str) -> None:
    _do(lambda: store.close_join(name), t("join_closed", lang), lang)
