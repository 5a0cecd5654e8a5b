"""The one catalog per language: complete in both, same placeholders, plural forms, Babel."""

from __future__ import annotations

import datetime as dt
import re
import string

import pytest

from mapping import i18n
from mapping.locales import LANGS, catalog


def _fields(template: str) -> set[str]:
    return {f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(template)
            if f}


def _forms(value: str | dict[str, str]) -> dict[str, str]:
    return value if isinstance(value, dict) else {"": value}


def test_every_namespace_and_key_exists_in_both_languages():
    for name in catalog.namespaces():
        keys = {lang: set(catalog.load(lang).get(name, {})) for lang in LANGS}
        assert keys["nl"] == keys["en"], (name, keys["nl"] ^ keys["en"])


@pytest.mark.parametrize("name", catalog.namespaces())
def test_same_placeholders_in_both_languages(name):
    nl, en = catalog.load("nl")[name], catalog.load("en")[name]
    for key, text in nl.items():
        nl_fields = set().union(*(_fields(f) for f in _forms(text).values()))
        en_fields = set().union(*(_fields(f) for f in _forms(en[key]).values()))
        assert nl_fields == en_fields, f"{name}.{key}"


def test_plural_entries_have_one_and_other():
    plurals = 0
    for lang in LANGS:
        for name, table in catalog.load(lang).items():
            for key, value in table.items():
                if isinstance(value, dict):
                    plurals += 1
                    # Dutch and English have these two forms; the count is passed as
                    # count= or n= (the sentence need not show it: "which work with")
                    assert set(value) == {"one", "other"}, f"{lang}: {name}.{key}"
                else:
                    assert isinstance(value, str), f"{lang}: {name}.{key}"
    assert plurals >= 2 * 14


def test_plurals_follow_the_count():
    assert i18n.t("common.errors", "nl", n=1) == "1 fout"
    assert i18n.t("common.errors", "nl", n=2) == "2 fouten"
    assert i18n.t("common.errors", "nl", n=0) == "0 fouten"
    assert i18n.t("common.errors", "en", n=1) == "1 error"
    assert i18n.t("common.errors", "en", n=1234) == "1,234 errors"
    assert i18n.t("common.warnings", "nl", n=1) == "1 waarschuwing"
    with pytest.raises(KeyError):
        i18n.t("common.errors", "nl")


def test_views_keep_the_shapes_modules_use():
    from mapping.domain import limits
    from mapping.store import repository
    from mapping.ui_text import TEXT

    assert set(TEXT) == {"nl", "en"} and TEXT["nl"]["app_title"] == "Wijknetwerk"
    nl, en = limits.MESSAGES["text_too_long"]
    assert "{limit}" in nl and "{limit}" in en
    # the store adds its failure texts to its view at import time; the cached catalog and a
    # fresh view stay as they were
    fresh = catalog.namespace("repository")
    fresh["nl"]["db_failed"] = "changed"
    assert catalog.namespace("repository")["nl"]["db_failed"] != "changed"
    assert repository.MESSAGES["nl"]["db_failed"] != "changed"
    with pytest.raises(KeyError):
        catalog.namespace("no_such_namespace")


@pytest.mark.parametrize(("value", "lang", "decimals", "shown"), [
    (1234.5, "nl", None, "1.234,5"), (1234.5, "en", None, "1,234.5"),
    (1234, "nl", None, "1.234"), (1234567, "en", None, "1,234,567"),
    (3.14159, "nl", 2, "3,14"), (-2.5, "nl", None, "-2,5"), (0, "en", 1, "0.0"),
    # rounded from the float's exact value, as Python's own formatting does
    (2.45, "nl", 1, "2,5"), (2.35, "en", 1, "2.4"), (float("nan"), "nl", None, "–"),
])
def test_numbers_follow_the_language(value, lang, decimals, shown):
    assert i18n.format_number(value, lang, decimals) == shown


@pytest.mark.parametrize(("share", "lang", "decimals", "shown"), [
    (0.42, "nl", 0, "42%"), (0.42, "en", 0, "42%"), (0.425, "nl", 1, "42,5%"),
    (0.425, "en", 1, "42.5%"), (1, "nl", 0, "100%"), (12.345, "nl", 0, "1.234%"),
    (0.125, "nl", 0, "12%"), (0.999, "en", 1, "99.9%"), (float("nan"), "en", 0, "–"),
])
def test_percentages_follow_the_language(share, lang, decimals, shown):
    assert i18n.format_percent(share, lang, decimals) == shown


def test_dates_are_shown_in_amsterdam_time_in_both_languages():
    # 23:30 UTC on 31 March is 01:30 on 1 April in Amsterdam (summer time since 29 March)
    moment = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    assert i18n.format_date(moment, "nl") == "1 april 2026"
    assert i18n.format_date(moment, "en") == "1 April 2026"
    assert i18n.format_date(dt.date(2026, 3, 12), "nl", "d MMMM") == "12 maart"
    assert i18n.format_datetime(moment, "nl", "d-MM-y HH:mm") == "1-04-2026 01:30"
    assert i18n.format_datetime(moment, "en", "d MMM y HH:mm") == "1 Apr 2026 01:30"
    # the default: the catalog's pattern (version menus, workshop history)
    assert i18n.format_datetime(moment, "nl") == "01-04-2026 01:30"
    assert i18n.format_datetime(moment, "en") == "2026-04-01 01:30"
    # in winter Amsterdam is one hour ahead of UTC; a naive moment is UTC
    assert i18n.format_datetime(dt.datetime(2026, 12, 1, 13, 5), "nl", "HH:mm") == "14:05"


def test_language_codes_are_read_defensively():
    assert i18n.normalise_lang("EN-gb") == "en"
    assert i18n.normalise_lang(None) == "nl"
    assert i18n.normalise_lang("fr") == "nl"


def test_user_text_in_values_is_not_formatted_again():
    # a value that looks like a template stays as typed (str.format does not recurse)
    assert i18n.t("common.errors", "nl", n=2) == "2 fouten"
    from mapping.ui_text import t
    assert "{0.__class__}" in t("survey_item", "nl", item="{0.__class__}")


_COUNTED = re.compile(r"\{n\} (?:more )?(errors|warnings|rows|respondents|organisations|groups|"
                      r"nodes|links|pairs|clusters|collaborations|files)\b")
# Texts counted by {n} that are still one plain template, each for a reason:
# graph_import is read as (nl, en) pairs by str.format; physics_large's n is the
# 500-node threshold, several_files's n is at least 2, the city view's and the capped
# PDF network's n is above 2,000; render_network's lines are formatted by the views
# (mapping.views.legend, render_city) and in the page's script.
_COUNTED_PLAIN = {
    ("graph_import", "type_unmapped"), ("graph_import", "group_group"),
    ("graph_import", "reach_both_ways"), ("graph_import", "collab_mutual"),
    ("ui", "physics_large"),
    ("surveys", "several_files"), ("render_network", "highlight"),
    ("render_network", "nodes"), ("render_network", "agg_links"),
    ("render_network", "city_nodes"), ("ui", "city_counts"), ("report_pdf", "network_capped"),
}


def test_counted_texts_have_a_singular():
    """"1 errors" never shows: a text counting {n} things has a plural entry."""
    plain = {(ns, key) for ns, table in catalog.load("en").items()
             for key, value in table.items()
             if isinstance(value, str) and _COUNTED.search(value)}
    assert plain == _COUNTED_PLAIN
    assert i18n.translate(catalog.namespace("ui"), "invalid", "en", n=1).startswith(
        "The data has 1 error and")
    assert i18n.translate(catalog.namespace("ui"), "invalid", "nl", n=2).startswith(
        "De gegevens bevatten 2 fouten")
