"""``python -m mapping import`` / ``export``: validation, round trip, versions, privacy."""

from __future__ import annotations

import pytest

from mapping.cli import main
from mapping.io import load
from mapping.io.write import write_csv_folder
from mapping.store.repository import Store


@pytest.fixture
def folder(tmp_path, dataset):
    """The test district written as a canonical CSV folder."""
    path = tmp_path / "wijk"
    write_csv_folder(dataset, path)
    return path


def _load(path):
    result = load.load_path(path, "nl")
    assert result.ok, result.errors
    return result.dataset


def test_import_export_round_trip(db_url, folder, tmp_path, helpers, capsys):
    from mapping.analysis.report import build_report

    original = _load(folder)
    assert main(["import", str(folder), "--db", db_url, "--name", "wijk"]) == 0
    assert "wijk" in capsys.readouterr().out
    out = tmp_path / "export"
    assert main(["export", "wijk", "--db", db_url, "--out", str(out)]) == 0
    again = _load(out)
    helpers["assert_same"](original, again)
    assert build_report(original.replace(name="x")) == build_report(again.replace(name="x"))


def test_import_refuses_invalid_data(db_url, tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "organisaties.csv").write_text("id,naam,soort\n1,,formeel\n1,Dubbel,misschien\n")
    (bad / "oudergroepen.csv").write_text("id,naam\nG1,Moeders\n")
    (bad / "bereik.csv").write_text("organisatie,oudergroep\n9,G1\n")
    assert main(["import", str(bad), "--db", db_url, "--name", "bad"]) == 1
    assert capsys.readouterr().err.strip()
    with Store(db_url) as store:
        assert "bad" not in store.list_datasets()


def test_import_twice_needs_replace(db_url, folder, capsys):
    assert main(["import", str(folder), "--db", db_url, "--name", "wijk"]) == 0
    assert main(["import", str(folder), "--db", db_url, "--name", "wijk"]) == 1
    assert "bestaat al" in capsys.readouterr().err
    assert main(["import", str(folder), "--db", db_url, "--name", "wijk", "--replace"]) == 0
    with Store(db_url) as store:
        assert store.head("wijk") == 2
        assert store.diff("wijk", 1, 2).is_empty


def test_export_a_version_and_without_personal_names(db_url, folder, tmp_path, helpers):
    main(["import", str(folder), "--db", db_url, "--name", "wijk"])
    with Store(db_url) as store:
        store.add_organisation("wijk", {"id": "N1", "name": "Nieuw", "kind": "informal"})
        store.snapshot("wijk", "na workshop")
    out1, out2 = tmp_path / "v1", tmp_path / "anon"
    assert main(["export", "wijk", "--db", db_url, "--out", str(out1), "--version", "1"]) == 0
    helpers["assert_same"](_load(folder), _load(out1))
    assert main(["export", "wijk", "--db", db_url, "--out", str(out2), "--version",
                 "na workshop", "--no-personal"]) == 0
    anon = _load(out2)
    assert "N1" in set(anon.organisations["id"])
    # The files carry no such column (the loader may add the canonical column back, empty).
    assert "contact" not in (out2 / "organisations.csv").read_text().splitlines()[0]
    assert "reported_by" not in (out2 / "collaborations.csv").read_text().splitlines()[0]
    for table, column in (("organisations", "contact"), ("collaborations", "reported_by")):
        frame = anon.table(table)
        assert column not in frame.columns or frame[column].isna().all()
    for path in out2.rglob("*"):
        if path.is_file():
            assert "Jan Jansen" not in path.read_text(errors="replace")


def test_export_unknown_dataset_or_version(db_url, folder, tmp_path, capsys):
    out = tmp_path / "x"
    assert main(["export", "nope", "--db", db_url, "--out", str(out)]) == 1
    assert "bestaat niet" in capsys.readouterr().err
    main(["import", str(folder), "--db", db_url, "--name", "wijk"])
    assert main(["export", "wijk", "--db", db_url, "--out", str(out), "--version", "7"]) == 1
    assert not out.exists()


def test_demo_district_round_trip(db_url, tmp_path, helpers):
    """The real demo district: import, export, load again: same tables, same report."""
    from mapping.analysis.report import analyse, build_report
    from mapping.store.repository import DEMO_DIR

    original = _load(DEMO_DIR)
    assert main(["import", str(DEMO_DIR), "--db", db_url, "--name", "demo-kopie"]) == 0
    out = tmp_path / "demo-export"
    assert main(["export", "demo-kopie", "--db", db_url, "--out", str(out)]) == 0
    again = _load(out)
    helpers["assert_same"](original, again)
    assert analyse(original) == analyse(again)
    assert build_report(original.replace(name="x")) == build_report(again.replace(name="x"))
