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


def page_of(frame: pd.DataFrame, page: int, size: int) -> pd.DataFrame:
    """Rows ``page * size`` up to ``(page + 1) * size`` (a view: the frame is not changed)."""
    return frame.iloc[page * size:(page + 1) * size]


def pages(rows: int, size: int) -> int:
    """How many pages of ``size`` rows ``rows`` rows fill (at least one)."""
    return max(1, -(-rows // size))
