"""The Collaboration page's tables, formatted once per dataset and language.

A city has tens of thousands of links; formatting every cell with Babel on
every rerun cost seconds (issue 15). These functions build the shown tables
in one pass, formatting each *distinct* score once (scores run 1-5 with one
decimal, so there are a few dozen), and the page caches the result by the
dataset's content and language and shows one page of it at a time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import pandas as pd

from mapping.analysis.forms import form_label
from mapping.domain.dataset import CONDITIONS
from mapping.ui_text import number, t


def _memo(values: Iterable, label: Callable[[object], str]) -> list[str]:
    """``label`` of every value, computed once per distinct value (Babel is slow per call)."""
    seen: dict = {}
    out = []
    for value in values:
        # NaN != NaN, so every missing value gets one shared key.
        key = "\0nan" if isinstance(value, float) and math.isnan(value) else value
        if key not in seen:
            seen[key] = label(value)
        out.append(seen[key])
    return out


def score_texts(values: Iterable, lang: str, missing: str = "") -> list[str]:
    """Scores as text in ``lang`` ("3,5" in Dutch), ``missing`` for an unrated one."""
    return _memo(values, lambda v: missing if v is None or pd.isna(v) else number(v, lang, 1))


def link_rows(links: pd.DataFrame) -> pd.DataFrame:
    """Links weakest first, each labelled "A – B" (with ⚠ when raters are few).

    A new frame: ``links`` (a cached table) is never changed.
    """
    label = (links["source_name"].astype(str) + " – " + links["target_name"].astype(str)
             + links["few_raters"].map({True: " ⚠"}).fillna(""))
    return links.assign(row=label).sort_values("quality", na_position="last", kind="stable")


def links_table(ordered: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The per link table of :func:`link_rows` output: scores, raters, weakest, few raters.

    Scores are text in the page's language; with one decimal from 1 to 5,
    sorting the text still sorts the numbers.
    """
    flag = t("few_raters_flag", lang)
    return pd.DataFrame({
        t("col_link", lang): ordered["row"].to_numpy(),
        **{t(c, lang): score_texts(ordered[c], lang) for c in CONDITIONS},
        t("col_quality", lang): score_texts(ordered["quality"], lang),
        t("col_weakest", lang): _memo(ordered["weakest"],
                                      lambda w: t(w, lang) if isinstance(w, str) else "–"),
        t("col_raters", lang): ordered["raters"].to_numpy(),
        t("col_few_raters", lang): [flag if few else "" for few in ordered["few_raters"]],
    })


def exchange_table(links: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Formal–informal links (:func:`mapping.analysis.forms.exchange`) as a readable table."""
    def forms(pair: tuple) -> str:
        return ", ".join(form_label(f, lang) for f in (*pair[0], *pair[1])) or "–"

    def direction(d: object, both: bool) -> str:
        if isinstance(d, str):
            return t(f"dir_{d}", lang)
        return t("dir_both", lang) if both else "–"

    both = links["to_formal"].astype(bool) | links["to_informal"].astype(bool) \
        | links["joint"].astype(bool)
    return pd.DataFrame({
        t("col_formal", lang): links["formal_name"].to_numpy(),
        t("col_informal", lang): links["informal_name"].to_numpy(),
        t("col_forms", lang): _memo(zip(map(tuple, links["forms"]),
                                        map(tuple, links["unknown_forms"]), strict=True), forms),
        t("col_direction", lang): _memo(zip(links["one_way"].astype(object).where(
                                            links["one_way"].notna(), None), both, strict=True),
                                        lambda pair: direction(*pair)),
        t("col_groups_reached", lang): links["groups_reached"].to_numpy(),
        t("equality", lang): score_texts(links["equality"], lang, missing="–"),
    })


# Column widths (px) of the shown grids as ``{column key: (everyday, presentation)}``.
# Fixed widths keep every column in sight on a 1400 px screen (940 px of grid beside the
# sidebar, 1,180 px in presentation mode without it, less the links grid's row selection
# boxes) however long a city's names are: a longer name is cut in its cell (the download
# holds it whole). Presentation mode's type is about 1.2 times larger; the room it leaves
# goes to the names.
LINK_WIDTHS = {"col_link": (355, 472), "trust": (90, 108), "shared_goals": (70, 85),
               "role_clarity": (70, 85), "equality": (125, 158), "col_quality": (85, 102),
               "col_raters": (100, 120)}
EXCHANGE_WIDTHS = {"col_formal": (190, 240), "col_informal": (210, 270), "col_forms": (130, 150),
                   "col_direction": (150, 185), "col_groups_reached": (80, 95),
                   "equality": (125, 150)}
# Shorter headers where the full name is wider than its numbers (the full name is the
# header's tooltip and the download's column name).
SHORT = {"shared_goals": "short_shared_goals", "role_clarity": "short_role_clarity",
         "col_groups_reached": "short_groups_reached"}
# Left out of the grid: the weakest condition is the row's lowest of the four scores
# beside it (and shown with the raters on selecting the row), and the few-raters mark is
# the ⚠ after the link's name.
LINK_HIDDEN = ("col_weakest", "col_few_raters")
LINK_DETAILS = ("col_weakest", "col_raters")


def column_config(widths: dict[str, tuple[int, int]], lang: str, present: bool,
                  hidden: Iterable[str] = ()) -> dict[str, dict]:
    """Streamlit's ``column_config`` (plain dicts) for a grid of these tables.

    Parameters
    ----------
    widths
        Width in px per column key (the text key of its header): everyday, presentation.
    lang
        Language of the headers.
    present
        Presentation mode (larger type, wider columns).
    hidden
        Column keys the grid leaves out (they stay in the data and the download).
    """
    config: dict[str, dict] = {}
    for key, (everyday, presented) in widths.items():
        entry: dict = {"width": presented if present else everyday}
        if key in SHORT:
            entry.update(label=t(SHORT[key], lang), help=t(key, lang))
        config[t(key, lang)] = entry
    for key in hidden:
        config[t(key, lang)] = {"hidden": True}
    return config


def row_details(row: pd.Series, keys: Iterable[str], lang: str) -> str:
    """``"Header: value; Header: value"`` for the columns ``keys`` of one table row."""
    shown = [(t(k, lang), row[t(k, lang)]) for k in keys]
    return "; ".join(f"{name}: {value}" for name, value in shown if str(value).strip())


def page_of(frame: pd.DataFrame, page: int, size: int) -> pd.DataFrame:
    """Rows ``page * size`` up to ``(page + 1) * size`` (a view: the frame is not changed)."""
    return frame.iloc[page * size:(page + 1) * size]


def pages(rows: int, size: int) -> int:
    """How many pages of ``size`` rows ``rows`` rows fill (at least one)."""
    return max(1, -(-rows // size))
