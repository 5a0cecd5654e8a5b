"""Issue 13 item 3: two waves compared (hand-made pairs through the real loader)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mapping.analysis.waves import compare
from mapping.io.load import load_files, load_path

ROOT = Path(__file__).resolve().parents[2]

ORGS = """id,name,kind,category,neighbourhood
W,Wijkteam De Sluis,formal,wijkteam,De Sluis
S,Basisschool De Brug,formal,school,De Sluis
M,Moskee Nuur,informal,moskee,De Sluis
B,Buurtcentrum Het Anker,informal,buurtcentrum,De Sluis
"""
GROUPS = """id,name,community,neighbourhood,families
G1,Somalische moeders,Somalische,De Sluis,40
G2,Turkse vaders,Turkse,De Sluis,25
G3,Nederlandse ouders,Nederlandse,De Sluis,120
"""
REACH_A = """organisation,group,strength
M,G1,4
S,G3,3
"""
REACH_B = REACH_A + "B,G2,3\n"
COLLAB_A = """source,target,form,trust,shared_goals,role_clarity,equality
M,W,doorverwijzing,4,4,3.5,4
W,S,overleg,4.5,4,4,4
"""
COLLAB_B = """source,target,form,trust,shared_goals,role_clarity,equality
W,S,overleg,2.5,4,4,4
B,S,expertise,3,3,3,3
"""


def wave(reach: str, collabs: str, name: str):
    files = [("organisaties.csv", ORGS.encode()), ("oudergroepen.csv", GROUPS.encode()),
             ("bereik.csv", reach.encode()), ("samenwerkingen.csv", collabs.encode())]
    result = load_files(files, name=name)
    assert result.ok, result.errors
    return result.dataset


@pytest.fixture(scope="module")
def pair():
    return wave(REACH_A, COLLAB_A, "2025"), wave(REACH_B, COLLAB_B, "2026")


def test_ended_collaboration_costs_a_route_and_says_why(pair):
    result = compare(*pair, lang="en")
    g1 = next(g for g in result["groups"] if g["id"] == "G1")
    assert g1["coverage"] == ["bridged", "informal_only"]
    assert g1["distance"] == [1, None] and g1["routes"] == [1, 0] and g1["changed"]
    assert result["actions"][0] == ("Somalische moeders in De Sluis lost their route to "
                                    "professional help when Moskee Nuur stopped working with "
                                    "Wijkteam De Sluis.")
    ended = [(p["a"], p["b"]) for p in result["collaborations_ended"]]
    assert ended == [("M", "W")]


def test_newly_reached_group_gains_a_route(pair):
    result = compare(*pair, lang="nl")
    g2 = next(g for g in result["groups"] if g["id"] == "G2")
    assert g2["coverage"] == ["unreached", "bridged"]
    assert [(p["a"], p["b"]) for p in result["collaborations_started"]] == [("B", "S")]
    assert any(s.startswith("Turkse vaders in De Sluis heeft nu een route") and
               "Buurtcentrum Het Anker → Basisschool De Brug" in s for s in result["actions"])


def test_dropped_rating_per_link_and_per_organisation(pair):
    result = compare(*pair, lang="nl")
    link = next(x for x in result["links"] if (x["a"], x["b"]) == ("S", "W"))
    assert link["trust"] == [4.5, 2.5, -2.0]
    assert link["shared_goals"][2] == 0
    assert any(s == "Vertrouwen tussen Basisschool De Brug en Wijkteam De Sluis daalde van "
                    "4,5 naar 2,5: bespreek het samen." for s in result["actions"])
    school = next(o for o in result["organisations"] if o["id"] == "S")
    assert school["trust"][0] == 4.5 and school["trust"][1] == pytest.approx(2.75)


def test_summary_counts_before_and_after(pair):
    summary = compare(*pair)["summary"]
    assert summary["bridged"]["groups"] == [1, 1]
    assert summary["informal_only"]["families"] == [0, 40]
    assert summary["unreached"]["groups"] == [1, 0]
    assert summary["direct"]["groups"] == [1, 1]


def test_same_data_has_no_changes():
    demo = load_path(ROOT / "data" / "demo").dataset
    result = compare(demo, demo, lang="en")
    assert result["actions"] == ["No differences in coverage, collaborations or ratings."]
    assert not any(g["changed"] for g in result["groups"])


# The CLI is called in-process (``mapping.cli.main``, what ``python -m mapping`` runs and
# exits with): five subprocesses each paid the imports (numba, pandas) for a few lines of
# output. The ``python -m mapping`` entry point itself runs as a subprocess in
# tests/views/test_report_pdf.py and tests/io/test_graph_export.py.


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    """``python -m mapping *argv`` in this process: (exit code, stdout, stderr)."""
    from mapping.cli import main

    capsys.readouterr()  # drop what came before
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_compare_json_and_text(tmp_path, pair, capsys):
    from mapping.io.write import write_csv_folder

    a, b = tmp_path / "a", tmp_path / "b"
    write_csv_folder(pair[0], a)
    write_csv_folder(pair[1], b)
    code, out, err = _cli(capsys, "compare", str(a), str(b), "--json", "--lang", "en")
    assert code == 0, err
    data = json.loads(out)
    assert data["collaborations_ended"][0]["a_name"] == "Moskee Nuur"
    code, out, _ = _cli(capsys, "compare", str(a), str(b))
    assert code == 0 and "verloor de route" in out
    code, _, err = _cli(capsys, "compare", str(a), str(tmp_path / "nope"))
    assert code == 1 and "Traceback" not in err


def test_cli_compares_two_saved_versions(tmp_path, pair, capsys):
    from mapping.store.repository import open_store

    url = f"sqlite:///{tmp_path / 'waves.sqlite'}"
    with open_store(url, seed_demo=False) as db:
        db.create_dataset("wijk", pair[0], author="test")
        db.save("wijk", pair[1], author="test")
    code, out, err = _cli(capsys, "compare", "store:wijk@1", "store:wijk", "--db", url, "--json")
    assert code == 0, err
    assert [p["a"] for p in json.loads(out)["collaborations_ended"]] == ["M"]
    code, _, err = _cli(capsys, "compare", "store:wijk@9", "store:nope", "--db", url)
    assert code == 1 and "Traceback" not in err


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_cli_compare_checks_both_paths_before_loading_either(tmp_path, pair, capsys,
                                                             monkeypatch, lang):
    """A missing path ends the command with the loader's own message, and no wave is read
    (each load starts a parse worker): not the existing one beside it either."""
    from mapping.io import load
    from mapping.io.write import write_csv_folder

    a = tmp_path / "a"
    write_csv_folder(pair[0], a)
    missing = tmp_path / "nope"
    expected = load.format_result(load.load_path(missing, lang), lang)

    def no_worker(*args, **kwargs):
        raise AssertionError("a wave was loaded")

    monkeypatch.setattr(load, "load_for_command", no_worker)
    code, out, err = _cli(capsys, "compare", str(a), str(missing), "--lang", lang)
    assert (code, out) == (1, "")
    assert err == expected + "\n"
    code, _, err = _cli(capsys, "compare", str(missing), str(missing), "--lang", lang)
    assert code == 1 and err == 2 * (expected + "\n")
