"""The report dict, its text form and the ``report`` command."""

from __future__ import annotations

import json

from mapping import cli
from mapping.analysis.report import build_report, format_report


def test_report_shape(district):
    report = build_report(district)
    json.dumps(report)  # JSON-friendly as it is
    assert {"groups", "summary", "neighbourhoods", "brokers", "suggestions"} <= set(report)
    first = report["groups"][0]
    assert set(first) == {"id", "name", "neighbourhood", "families", "coverage", "distance",
                          "routes", "fragile", "route"}
    by_id = {row["id"]: row for row in report["groups"]}
    assert by_id["G3"]["distance"] is None and by_id["G3"]["routes"] == 0
    assert by_id["G4"]["coverage"] == "unreached" and by_id["G4"]["routes"] == 0
    assert by_id["G2"]["route"] == ["M2", "M3", "W2"]
    assert report["summary"]["informal_only"] == {"groups": 1, "families": 40}
    assert report["suggestions"][0]["informal"] == "M4"
    assert report["brokers"][0]["id"] == "M4"  # 40 families would fall to unreached


def test_report_min_quality(build):
    ds = build(orgs=[("W", "formal"), ("M", "informal")], groups=[("G", 2)],
               reach=[("M", "G")], collaborations=[{"source": "M", "target": "W", "trust": 1}])
    assert build_report(ds)["groups"][0]["coverage"] == "bridged"
    assert build_report(ds, min_quality=3)["groups"][0]["coverage"] == "informal_only"


def test_format_report_in_both_languages(district):
    nl = format_report(build_report(district), "nl")
    assert nl.startswith("Dekkingsrapport test")
    assert "Grootste gaten" in nl and "Voorgestelde samenwerkingen" in nl
    assert "- alleen informeel bereikt, zonder route naar professionele hulp: 1 groepen, " \
           "40 gezinnen" in nl
    en = format_report(build_report(district, lang="en"), "en")
    assert "Largest gaps" in en and "1. If Org W1 starts working with Org M4" in en


def _folder(tmp_path, dataset):
    """``dataset`` written as a CSV folder, as the command line reads it."""
    from mapping.io.write import write_csv

    write_csv(dataset, tmp_path / "wijk")
    return str(tmp_path / "wijk")


def test_cli_report_json(tmp_path, capsys, district):
    assert cli.main(["report", _folder(tmp_path, district), "--json", "--lang", "en"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [row["coverage"] for row in out["groups"]] == [
        "direct", "bridged", "informal_only", "unreached", "bridged"]


def test_cli_report_text_and_min_quality(tmp_path, capsys, district):
    assert cli.main(["report", _folder(tmp_path, district), "--min-quality", "3.5"]) == 0
    assert "minstens 3,5" in capsys.readouterr().out


def test_cli_report_invalid_data_exits_1(tmp_path, capsys, district):
    folder = _folder(tmp_path, district)
    orgs = tmp_path / "wijk" / "organisations.csv"
    lines = orgs.read_text(encoding="utf-8").splitlines()
    lines[2] = "," + lines[2].split(",", 1)[1]  # row 3 loses its id
    orgs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli.main(["report", folder]) == 1
    err = capsys.readouterr().err
    assert "organisations.csv, rij 3, kolom id: Verplichte waarde ontbreekt." in err
