"""Workshop: the facilitator builds the district network live on a shared screen.

Thin page over :mod:`mapping.store.repository` and :mod:`mapping.workshop.live`. Every change
goes through a button callback (run before the page is drawn, so the page
always shows the state after the change) and becomes one new version in the
store. A small fragment polls the cheap ``store.head(name)`` every few
seconds and, only when someone (a participant's phone, another screen) saved
something, reruns the page: the network on the right is then redrawn, with
node positions kept in this session so known nodes stay put and new ones
appear next to their neighbours, and the forms list the new additions.

When the database fails (PostgreSQL stopped, disk full, read-only or corrupt
file), every store call ends in the store's translated message, never a
traceback, and what was typed into the forms is kept (:func:`_keep_form`) and
put back (:func:`_restore_form`) as soon as the forms can be drawn again, so it
can be saved once the database is back.
"""

from __future__ import annotations

import html

import streamlit as st

from mapping import access
from mapping.domain.dataset import CONDITIONS
from mapping.session import md_escape
from mapping.store.repository import (
    JOIN_HOURS_CHOICES,
    JOIN_HOURS_DEFAULT,
    Store,
    StoreError,
    format_code,
)
from mapping.ui_text import date, t
from mapping.views.palette import label as category_label
from mapping.workshop import live as ws
from pages import _shared as shared
from pages import _store

# The poll is one cheap `store.head` per open facilitator screen and draws nothing, so it
# can be frequent: an answer is on the screen within this plus one page run (the room's
# target is 5 s, also through a second app server).
LIVE_SECONDS = 1.5
LIVE_HEIGHT = 620
AUTHOR = "facilitator"


# --------------------------------------------------------------------------- actions


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


# --------------------------------------------------------------------------- drawing


def choose_dataset(store: Store, lang: str) -> str | None:
    """Pick a stored dataset or create one; returns the chosen name."""
    names = store.list_datasets()
    if "ws_dataset" not in st.session_state:
        wanted = shared.params().get("ds", [None])[0]
        st.session_state["ws_dataset"] = wanted if wanted in names else (
            names[0] if names else None)
    if st.session_state["ws_dataset"] not in names:
        st.session_state["ws_dataset"] = names[0] if names else None
    with st.expander(t("new_dataset", lang), expanded=not names):
        st.text_input(t("dataset_name", lang), key="ws_new_name", max_chars=200)
        st.radio(t("ws_start", lang), ["empty", "demo"], key="ws_new_start", horizontal=True,
                 format_func=lambda s: t(f"ws_start_{s}", lang))
        st.button(t("create", lang), key="ws_create", on_click=_create, args=(store, lang))
    if not names:
        st.info(t("ws_no_dataset", lang))
        return None
    st.selectbox(t("choose_dataset", lang), names, key="ws_dataset")
    name = st.session_state["ws_dataset"]
    if st.query_params.get("ds") != name:
        st.query_params["ds"] = name
    return name


def add_forms(store: Store, name: str, lang: str) -> None:
    """The four "add" forms, each a few clicks."""
    data = store.load(name)
    orgs, groups = ws.organisation_names(data), ws.group_names(data)
    duplicate_question(store, name, lang)
    tabs = st.tabs([t("add_org", lang), t("add_group", lang), t("add_reach", lang),
                    t("add_collab", lang)])
    with tabs[0], st.form("ws_f_org", border=False):
        st.text_input(t("name", lang), key="ws_org_name", max_chars=200)
        st.radio(t("kind", lang), ["informal", "formal"], key="ws_org_kind", horizontal=True,
                 format_func=lambda k: t(k, lang))
        st.selectbox(t("category", lang), ["", *ws.CATEGORIES], key="ws_org_cat",
                     format_func=lambda c: category_label(c, lang) if c else t("none", lang))
        st.text_input(t("neighbourhood", lang), key="ws_org_hood", max_chars=100)
        st.form_submit_button(t("save", lang), key="ws_add_org", type="primary",
                              on_click=_add_org, args=(store, name, form_token("org"), lang))
    with tabs[1], st.form("ws_f_grp", border=False):
        st.text_input(t("name", lang), key="ws_grp_name", max_chars=200)
        st.text_input(t("community", lang), key="ws_grp_comm", max_chars=100)
        st.text_input(t("neighbourhood", lang), key="ws_grp_hood", max_chars=100)
        st.number_input(t("ws_families", lang), min_value=0, step=1, value=None,
                        key="ws_grp_fam")
        st.form_submit_button(t("save", lang), key="ws_add_grp", type="primary",
                              on_click=_add_group, args=(store, name, form_token("grp"), lang))
    with tabs[2]:
        if not orgs or not groups:
            st.info(t("ws_need_org_group", lang))
        else:
            with st.form("ws_f_reach", border=False):
                st.selectbox(t("organisation", lang), list(orgs), key="ws_reach_org",
                             format_func=orgs.get)
                st.selectbox(t("group", lang), list(groups), key="ws_reach_grp",
                             format_func=groups.get)
                st.slider(t("ws_strength", lang), 1, 5, ws.DEFAULT_SCORE, key="ws_reach_str")
                st.form_submit_button(t("save", lang), key="ws_add_reach", type="primary",
                                      on_click=_add_reach,
                                      args=(store, name, form_token("reach"), lang))
    with tabs[3]:
        if len(orgs) < 2:
            st.info(t("ws_need_two", lang))
        else:
            with st.form("ws_f_col", border=False):
                st.selectbox(t("organisation", lang), list(orgs), key="ws_col_a",
                             format_func=orgs.get)
                st.selectbox(t("partner", lang), list(orgs), key="ws_col_b",
                             format_func=orgs.get, index=1)
                # The declared vocabulary, so files, workshop and join store the same words.
                st.selectbox(t("ws_form", lang), ws.FORM_CHOICES, key="ws_col_form",
                             format_func=lambda f: ws.form_choice_label(
                                 f, lang, t("ws_form_none", lang)))
                for condition in CONDITIONS:
                    st.slider(t(condition, lang).capitalize(), 1, 5, ws.DEFAULT_SCORE,
                              key=f"ws_col_{condition}")
                st.form_submit_button(t("save", lang), key="ws_add_col", type="primary",
                                      on_click=_add_collab,
                                      args=(store, name, form_token("col"), lang))


def duplicate_question(store: Store, name: str, lang: str) -> None:
    """The "same name already there" question of :func:`_add_entity`, with its two answers."""
    pending = st.session_state.get(DUPLICATE)
    if not pending or pending.get("dataset") != name:
        return
    with st.container(key="ws_duplicate_box"):
        st.warning(md_escape(t("ws_duplicate", lang, what=ws.text(pending["table"], lang),
                               name=str(pending["record"].get("name", "")))))
        yes, no = st.columns(2)
        yes.button(t("ws_duplicate_yes", lang), key="ws_dup_yes", on_click=_confirm_duplicate,
                   args=(store, lang), width="stretch")
        no.button(t("ws_duplicate_no", lang), key="ws_dup_no", on_click=_cancel_duplicate,
                  width="stretch")


def edit_forms(store: Store, name: str, lang: str, hide: bool) -> None:
    """Change or delete one organisation, group, reach link or collaboration."""
    data = store.load(name)
    orgs, groups = ws.organisation_names(data), ws.group_names(data)
    names = {**groups, **orgs}
    kinds = ["organisations", "parent_groups", "reach", "collaborations"]
    what = st.radio(t("ws_edit_what", lang), kinds, key="ws_edit_kind", horizontal=True,
                    format_func=lambda k: ws.text(k, lang))
    if what in ("organisations", "parent_groups"):
        options = orgs if what == "organisations" else groups
        if not options:
            st.caption(t("ws_nothing", lang))
            return
        chosen = st.selectbox(ws.text(what, lang).capitalize(), list(options),
                              key=f"ws_edit_{what}", format_func=options.get)
        row = ws.row_of(data, what, chosen)
        prefix = f"ws_e_{what}_{chosen}_"
        st.text_input(t("name", lang), value=row.get("name") or "", key=prefix + "name")
        if what == "organisations":
            kind = row.get("kind") if row.get("kind") in ("formal", "informal") else "informal"
            st.radio(t("kind", lang), ["informal", "formal"], key=prefix + "kind",
                     index=["informal", "formal"].index(kind), horizontal=True,
                     format_func=lambda k: t(k, lang))
            cats = ["", *ws.CATEGORIES]
            cat = row.get("category") if row.get("category") in cats else ""
            st.selectbox(t("category", lang), cats, index=cats.index(cat),
                         key=prefix + "category",
                         format_func=lambda c: category_label(c, lang) if c else t("none", lang))
        else:
            st.text_input(t("community", lang), value=row.get("community") or "",
                          key=prefix + "community")
            families = row.get("families")
            st.number_input(t("ws_families", lang), min_value=0, step=1,
                            value=int(families) if families is not None else None,
                            key=prefix + "families")
        st.text_input(t("neighbourhood", lang), value=row.get("neighbourhood") or "",
                      key=prefix + "neighbourhood")
        left, right = st.columns(2)
        left.button(t("save", lang), key=f"ws_save_{what}", on_click=_update_entity,
                    args=(store, name, what, chosen, lang))
        right.button(t("delete", lang), key=f"ws_del_{what}", on_click=_delete_entity,
                     args=(store, name, what, chosen, lang))
    elif what == "reach":
        links = ws.reach_links(data)
        if not links:
            st.caption(t("ws_nothing", lang))
            return
        link = st.selectbox(t("ws_link", lang), links, key="ws_edit_reach",
                            format_func=lambda lk: f"{names.get(lk[0], lk[0])} → "
                                                   f"{names.get(lk[1], lk[1])}")
        current = data.reach[(data.reach["organisation"].astype(str) == link[0])
                             & (data.reach["group"].astype(str) == link[1])]
        value = current["strength"].iloc[0] if "strength" in current else None
        st.slider(t("ws_strength", lang), 1, 5, ws.slider_value(value),
                  key=f"ws_e_reach_{link[0]}_{link[1]}")
        left, right = st.columns(2)
        left.button(t("save", lang), key="ws_save_reach", on_click=_update_reach,
                    args=(store, name, link, lang))
        right.button(t("delete", lang), key="ws_del_reach", on_click=_delete_reach,
                     args=(store, name, link, lang))
    else:
        links = ws.collaboration_links(data)
        if not links:
            st.caption(t("ws_nothing", lang))
            return
        def link_label(i: int) -> str:
            source, target, by = links[i]
            text = f"{names.get(source, source)} – {names.get(target, target)}"
            # Who rated tells two ratings of one pair apart; it may be a name, so hideable.
            return f"{text} · {by}" if by and not hide else f"{text} · #{i + 1}"

        index = st.selectbox(t("ws_link", lang), range(len(links)), key="ws_edit_col",
                             format_func=link_label)
        link = links[index]
        row = data.collaborations.iloc[index]
        key = f"ws_e_col_{index}_{link[0]}_{link[1]}"
        for condition in CONDITIONS:
            value = row.get(condition)
            st.slider(t(condition, lang).capitalize(), 1, 5, ws.slider_value(value),
                      key=f"{key}_{condition}")
        left, right = st.columns(2)
        left.button(t("save", lang), key="ws_save_col", on_click=_update_collab,
                    args=(store, name, link, key, lang))
        right.button(t("delete", lang), key="ws_del_col", on_click=_delete_collab,
                     args=(store, name, link, lang))


def follow_head(head: int) -> None:
    """Keep the version menus on the versions that exist now.

    A menu left on "the newest" (or "the one before") when the panel was
    drawn moves along when new versions arrive, so "what changed" never sits
    on a long-gone pair and says "no difference" after a whole session. A
    version someone picked on purpose stays picked.
    """
    state = st.session_state
    shown = state.get("_ws_menu_head")
    state["_ws_menu_head"] = head
    if shown is None or shown == head:
        return
    for key, offset in (("ws_diff_b", 0), ("ws_diff_a", 1), ("ws_restore_v", 0)):
        if state.get(key) in (None, max(1, shown - offset)):
            state[key] = max(1, head - offset)


def history_panel(store: Store, name: str, lang: str, hide: bool) -> None:
    """Version list, restore, and what changed between two versions."""
    st.dataframe(ws.history(store, name, lang, hide_personal=hide), hide_index=True,
                 height=240)
    # Read now, on every run: the menus list the versions that exist at this moment.
    options = ws.version_options(store, name, lang)
    numbers = list(options)
    follow_head(numbers[0])
    left, right = st.columns([1, 2])
    with left:
        st.selectbox(t("ws_restore_version", lang), numbers, key="ws_restore_v",
                     format_func=options.get)
        st.button(t("ws_restore", lang), key="ws_restore", on_click=_restore,
                  args=(store, name, lang))
    with right:
        st.subheader(t("ws_diff", lang))
        a, b = st.columns(2)
        old = a.selectbox(t("ws_diff_from", lang), numbers, key="ws_diff_a",
                          index=min(1, len(numbers) - 1), format_func=options.get)
        new = b.selectbox(t("ws_diff_to", lang), numbers, key="ws_diff_b",
                          format_func=options.get)
        try:
            diff = store.diff(name, old, new)
            lines = ws.diff_lines(diff, store.load(name, max(old, new)), lang, hide,
                                  older=store.load(name, min(old, new)))
        except StoreError as exc:
            st.error(md_escape(exc.message(lang)))
            return
        st.markdown("\n".join(f"- {md_escape(line)}" for line in lines))


QR_VIEW = "ws_qr_view"


def _show_qr(on: bool) -> None:
    st.session_state[QR_VIEW] = on


def join_panel(store: Store, name: str, lang: str) -> None:
    """QR code, short link and code for participants; open or close joining."""
    info = store.join_code_info(name)
    if info is None:
        st.caption(t("join_closed", lang))
        # How long the new code works (stored with it; it stops by itself afterwards).
        st.selectbox(access.message("expiry", lang), JOIN_HOURS_CHOICES, key="ws_join_hours",
                     index=JOIN_HOURS_CHOICES.index(JOIN_HOURS_DEFAULT),
                     format_func=lambda h: access.message("hours_count", lang, n=h))
        st.button(t("open_join", lang), key="ws_open_join", on_click=_open_join,
                  args=(store, name, lang))
        return
    code, expires = info
    url = ws.join_url(st.context.url, code)
    left, right = st.columns([1, 2])
    left.image(ws.qr_png(url), width=240)  # big enough to scan from the back of the room
    with right:
        st.subheader(t("join_code", lang, code=format_code(code)))
        st.caption(access.message("expires_at", lang, time=ws.clock_time(expires)))
        st.caption(t("ws_join_help", lang))
        st.code(url, language=None)
        if ws.is_local_link(url):
            st.warning(t("ws_local_link", lang))
        st.button(t("ws_qr_full", lang), key="ws_qr_open", on_click=_show_qr, args=(True,),
                  type="primary")
        st.button(t("close_join", lang), key="ws_close_join", on_click=_close_join,
                  args=(store, name, lang))


# Constant stylesheet (no user data) for the projector view of the join code: nothing
# but the QR code, the code and the link, as large as the screen allows.
QR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], .st-key-ws_title { display: none !important; }
[data-testid="stMainBlockContainer"]:has(.st-key-ws_qr_page) {
  max-width: none; padding: 1.5vh 2vw !important; }
.st-key-ws_qr_page { align-items: center; text-align: center; }
.st-key-ws_qr_page [data-testid="stImage"] img {
  height: 68vh !important; width: auto !important; max-width: 90vw; image-rendering: pixelated; }
.st-key-ws_qr_page .ws-qr-code { font-size: 8vh; font-weight: 700; letter-spacing: 0.08em;
  line-height: 1.1; margin: 0; font-family: monospace; color: #000; }
.st-key-ws_qr_page .ws-qr-text { font-size: 2.6vh; margin: 0; color: #000; }
</style>
"""


def qr_view(store: Store, name: str, lang: str) -> bool:
    """The join code on the whole screen, for the projector; False when joining is closed."""
    info = store.join_code_info(name)
    if info is None:
        st.session_state[QR_VIEW] = False
        return False
    code, expires = info
    url = ws.join_url(st.context.url, code)
    st.html(QR_CSS)
    with st.container(key="ws_qr_page"):
        st.image(ws.qr_png(url, scale=16))
        # Fixed markup; the code (our alphabet) and the link are escaped all the same.
        st.html(f'<p class="ws-qr-code">{html.escape(format_code(code))}</p>'
                f'<p class="ws-qr-text">{html.escape(t("ws_qr_scan", lang))} · '
                f'{html.escape(url)} · '
                f'{html.escape(access.message("expires_at", lang, time=ws.clock_time(expires)))}'
                "</p>")
        st.button(t("ws_qr_close", lang), key="ws_qr_close", on_click=_show_qr, args=(False,))
    return True


@st.fragment(run_every=LIVE_SECONDS)
def watch_failed(store: Store) -> None:
    """While the database is failing: rerun the page as soon as it answers again.

    Without it the shared screen would show the error until someone clicks;
    with it the network and the kept form values come back by themselves.
    """
    try:
        store.list_datasets()
    except Exception:  # still down: keep the message, poll again
        return
    st.rerun(scope="app")


@st.fragment(run_every=LIVE_SECONDS)
def watch(store: Store, name: str, shown: int) -> None:
    """Every few seconds: has anyone saved since version ``shown`` was drawn?

    Only the cheap ``store.head`` runs here, and the fragment draws nothing, so
    polling sends (almost) nothing to the browser. When the head moved, the
    whole page reruns once: the network is redrawn and the forms' lists
    (organisations, groups, versions) include the new additions too.
    """
    try:
        head = store.head(name)
    except Exception:  # the next full run shows the error; keep polling
        return
    if head != shown:
        st.rerun(scope="app")


# Constant stylesheet (no user data) for presentation mode: the live network takes most of
# the screen (issue 11: at least 70 %), the forms sit in a row below it.
PRESENT_CSS = """
<style>
[data-testid="stMainBlockContainer"]:has(.st-key-ws_live) {
  padding-left: 1.2rem !important; padding-right: 1.2rem !important; }
.st-key-ws_title h1 { font-size: 1.5rem !important; padding: 0 !important; }
.st-key-ws_live [data-testid="stElementContainer"]:has(iframe) {
  flex: 0 0 max(420px, calc(100vh - 190px)) !important;
  height: max(420px, calc(100vh - 190px)) !important; }
.st-key-ws_live iframe { height: 100% !important; }
</style>
"""


def live(store: Store, name: str, hide: bool, lang: str, present: bool) -> None:
    """The network and the latest changes, recomputed only when the head version changed."""
    try:
        head = store.head(name)
        cache = st.session_state.setdefault("_ws_live", {"positions": {}})
        key = (store.url.render_as_string(hide_password=True), name, head, hide, lang, present)
        if cache.get("key") != key:
            number, data = store.latest(name)
            # Known nodes keep their place; new ones appear next to their neighbours.
            # In presentation mode the frame's height follows the screen (PRESENT_CSS).
            drawn = ws.live_network(data, number, cache["positions"].get(name),
                                    hide_personal=hide, lang=lang, presentation=present,
                                    height="100vh" if present else f"{LIVE_HEIGHT - 10}px")
            cache["positions"][name] = drawn.positions
            cache.update(key=key, drawn=drawn, recent=ws.recent_changes(store, name, lang))
    except Exception as exc:  # the database went away: say so, keep polling
        _store.show_error(exc, lang)
        watch_failed(store)
        return
    drawn = cache["drawn"]
    st.caption(t("ws_status", lang, v=drawn.version, orgs=drawn.organisations,
                 groups=drawn.groups) + " · " + t("ws_refresh", lang))
    with st.container(key="ws_live"):
        st.iframe(drawn.html, height=LIVE_HEIGHT)
    if not present:
        recent_list(cache["recent"], lang)
    watch(store, name, drawn.version)


def recent_list(recent: list[tuple[int, str]], lang: str) -> None:
    """The latest changes, one line each, newest first."""
    st.subheader(t("ws_recent", lang))
    lines = [f"- **{number}** · {md_escape(sentence)}" for number, sentence in recent]
    with st.container(key="ws_recent_list"):
        st.markdown("\n".join(lines) if lines else md_escape(t("ws_nothing", lang)))


def tools(store: Store, name: str, lang: str, hide: bool) -> None:
    """Undo, snapshot, edit: the facilitator's tools next to the add forms."""
    st.button(t("undo", lang), key="ws_undo", on_click=_undo, args=(store, name, lang),
              width="stretch")
    today = ws.today()  # the room's date, also just after midnight UTC
    default = t("ws_snapshot_default", lang,
                date=date(today, lang, "d MMMM"))
    label_col, snap_col = st.columns([2, 1], vertical_alignment="bottom")
    label_col.text_input(t("snapshot_label", lang), value=default, key="ws_snap_label",
                         max_chars=200)
    snap_col.button(t("snapshot", lang), key="ws_snapshot", on_click=_snapshot,
                    args=(store, name, lang), width="stretch")
    with st.expander(t("edit", lang)):
        edit_forms(store, name, lang, hide)


def main() -> None:
    ctx = shared.context()
    lang = ctx.lang
    present = ctx.present
    with st.container(key="ws_title"):  # small in presentation mode (PRESENT_CSS)
        st.title(t("workshop_title", lang))
    store = _store.get_store(lang)
    if store is None:
        return
    flash = st.session_state.pop("_ws_flash", None)
    if flash:
        (st.success if flash[0] == "success" else st.error)(md_escape(flash[1]))
    _restore_form()
    # Presentation mode: the network on top, the dataset choice and the forms below it;
    # the containers are made in that order and filled in the order the data needs.
    top = st.container()
    bottom = st.container()
    try:
        chosen = st.session_state.get("ws_dataset")
        if st.session_state.get(QR_VIEW) and chosen and qr_view(store, chosen, lang):
            return
        with bottom if present else top:
            name = choose_dataset(store, lang)
    except Exception as exc:  # the database is down: a message, and keep the form
        if not flash or flash[0] != "error":  # the failed save already said why
            _store.show_error(exc, lang)
        _keep_form()
        watch_failed(store)
        return
    if name is None:
        _forms_drawn()
        return
    try:
        if present:
            st.html(PRESENT_CSS)
            with bottom:
                hide = st.toggle(t("hide_names", lang), value=True, key="ws_hide")
            with top:
                live(store, name, hide, lang, present)
            with bottom:
                forms, middle, join = st.columns(3, gap="large")
                with forms:
                    add_forms(store, name, lang)
                with middle:
                    tools(store, name, lang, hide)
                    if "recent" in st.session_state.get("_ws_live", {}):
                        recent_list(st.session_state["_ws_live"]["recent"], lang)
                with join, st.expander(t("join_open", lang), expanded=True):
                    join_panel(store, name, lang)
        else:
            with top:
                hide = st.toggle(t("hide_names", lang), value=True, key="ws_hide")
                left, right = st.columns([2, 3], gap="large")
            with left:
                add_forms(store, name, lang)
                st.divider()
                tools(store, name, lang, hide)
                with st.expander(t("join_open", lang), expanded=True):
                    join_panel(store, name, lang)
            with right:
                live(store, name, hide, lang, present)
        with bottom, st.expander(t("ws_history", lang)):
            history_panel(store, name, lang, hide)
    except Exception as exc:  # the database went away mid-workshop: no traceback
        _store.show_error(exc, lang)
        _keep_form()
        watch_failed(store)
        return
    _forms_drawn()


main()
