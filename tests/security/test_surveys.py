"""Hostile text and files through the survey import: Network Canvas, name matching, kinds."""

from __future__ import annotations

import csv
import io

import pytest

from mapping.io import surveys as sv
from tests.security.corpus import CANARY, CONTROL, FORMULAS, INVISIBLE, TEXT_ATTACKS

HOSTILE = [*TEXT_ATTACKS, *FORMULAS]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _interviews(names: list[str]) -> list[tuple[str, bytes]]:
    """One Network Canvas interview per name; each names the next one as a partner."""
    files = []
    for n, name in enumerate(names):
        ego = f"ego-{n}"
        files.append((f"c{n}_s{n}_ego.csv", _csv([
            ["networkCanvasEgoUUID", "networkCanvasCaseID", "organisation_name"],
            [ego, f"c{n}", name]])))
        partner = names[(n + 1) % len(names)]
        files.append((f"c{n}_s{n}_attributeList_Organisation.csv", _csv([
            ["nodeID", "networkCanvasEgoUUID", "networkCanvasUUID", "name", "trust"],
            ["1", ego, f"p{n}", partner, "4"]])))
    return files


def test_hostile_names_in_network_canvas_files_stay_text():
    result = sv.import_files(_interviews(HOSTILE), lang="en", secret=b"k")
    assert not CANARY.exists()
    shown = [*result.errors, *result.warnings]
    assert all(isinstance(i.message, str) for i in shown)
    if result.dataset is not None:
        stored = set(result.dataset.organisations["name"])
        # Each name is kept as typed (or refused with a message); never evaluated.
        assert stored <= set(HOSTILE) | {n.strip() for n in HOSTILE}
    else:
        assert result.errors and all(i.file for i in result.errors)


@pytest.mark.parametrize("name", [*HOSTILE, *CONTROL, *INVISIBLE])
def test_name_matching_takes_any_text(name):
    matcher = sv.NameMatcher(["Moskee Al Fath", *HOSTILE[:5]])
    found = matcher.match(name)
    assert found.status in sv.names.STATUSES
    assert not CANARY.exists()


def test_a_workbook_bomb_is_not_opened_to_tell_its_kind():
    from tests.security.test_input import cell_bomb, dimension_bomb

    assert sv.upload_kind([("wijk.xlsx", dimension_bomb())]) == "tables"
    assert sv.upload_kind([("wijk.xlsx", cell_bomb())]) == "tables"
