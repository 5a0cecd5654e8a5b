"""The workshop page's forms: choose or create a dataset, add and edit rows, the duplicate question.

Split from ``pages/workshop.py``; the callbacks are in :mod:`pages._workshop_actions`.
"""

from __future__ import annotations

import streamlit as st

from mapping.domain.dataset import CONDITIONS
from mapping.session import md_escape
from mapping.store.repository import (
    Store,
)
from mapping.ui_text import t
from mapping.views.palette import label as category_label
from mapping.workshop import live as ws
from pages import _shared as shared
from pages._workshop_actions import (
    DUPLICATE,
    _add_collab,
    _add_group,
    _add_org,
    _add_reach,
    _cancel_duplicate,
    _confirm_duplicate,
    _create,
    _delete_collab,
    _delete_entity,
    _delete_reach,
    _update_collab,
    _update_entity,
    _update_reach,
    form_token,
)


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


def _pick(label: str, names: dict[str, str], key: str, index: int = 0) -> None:
    """A select box of ids shown by their names (``names``: id -> name)."""
    st.selectbox(label, list(names), key=key, format_func=names.get, index=index)


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
                _pick(t("organisation", lang), orgs, "ws_reach_org")
                _pick(t("group", lang), groups, "ws_reach_grp")
                st.slider(t("ws_strength", lang), 1, 5, ws.DEFAULT_SCORE, key="ws_reach_str")
                st.form_submit_button(t("save", lang), key="ws_add_reach", type="primary",
                                      on_click=_add_reach,
                                      args=(store, name, form_token("reach"), lang))
    with tabs[3]:
        if len(orgs) < 2:
            st.info(t("ws_need_two", lang))
        else:
            with st.form("ws_f_col", border=False):
                _pick(t("organisation", lang), orgs, "ws_col_a")
                _pick(t("partner", lang), orgs, "ws_col_b", index=1)
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
