"""The printable district report: read back as text and looked at as images.

The PDF of the real demo district (through the real loader) must hold the
headline figures of ``python -m mapping report data/demo --json``, every
group's name and the dataset's name on every page; its map and network
pages must show the dashboard's colours; hostile names stay text.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from mapping.analysis.population import population_sentences
from mapping.i18n import format_number, format_percent
from mapping.io.load import load_path
from mapping.views import report_pdf as rp
from mapping.views.palette import palette
from tests.security.corpus import TEXT_ATTACKS, canary_clear, canary_tripped

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "demo"
WHEN = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _load(path: Path = DEMO):
    result = load_path(path, "nl")
    assert result.ok, result.errors
    return result.dataset


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _render(pdf: bytes, index: int, scale: float = 1.5) -> np.ndarray:
    document = pdfium.PdfDocument(pdf)
    image = document[index].render(scale=scale).to_pil().convert("RGB")
    return np.asarray(image).astype(int)


def _near(pixels: np.ndarray, colour: str, tolerance: int = 12) -> int:
    """Pixels within ``tolerance`` (per channel) of ``#rrggbb``."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels - rgb) <= tolerance).all(axis=2).sum())


@pytest.fixture(scope="module")
def demo():
    return _load()


@pytest.fixture(scope="module")
def cli_figures() -> dict:
    done = subprocess.run([sys.executable, "-m", "mapping", "report", str(DEMO), "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def demo_pdf(demo) -> bytes:
    return rp.report_pdf(demo, lang="nl", version=3, when=WHEN)


@pytest.fixture(scope="module")
def demo_text(demo_pdf) -> list[str]:
    return _pages(demo_pdf)


def test_is_an_a4_pdf_of_several_pages(demo_pdf):
    assert demo_pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(demo_pdf))
    assert len(reader.pages) >= 4
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert rp.page_count(demo_pdf) == len(reader.pages)


def test_headline_figures_equal_the_command_line_report(demo, demo_text, cli_figures):
    first = _flat(demo_text[0])
    families = sum(v["families"] for v in cli_figures["summary"].values())
    orgs = demo.organisations
    formal = int((orgs["kind"] == "formal").sum())
    assert f"{len(orgs)} Organisaties" in first
    assert f"{formal} formeel · {len(orgs) - formal} informeel" in first
    assert f"{len(cli_figures['groups'])} Oudergroepen" in first
    assert f"{format_number(families, 'nl')} Gezinnen" in first
    assert f"{format_percent(cli_figures['share'], 'nl')} Gezinnen met een route" in first
    for cls, figures in cli_figures["summary"].items():
        label = rp.message(cls, "nl")
        assert f"{label} {figures['groups']} {format_number(figures['families'], 'nl')}" in first


def test_gap_sentences_suggestions_and_brokers_are_in_the_text(demo_text, cli_figures):
    text = _flat(" ".join(demo_text))
    for sentence in cli_figures["gaps"]:
        assert _flat(sentence) in text
    for suggestion in cli_figures["suggestions"]:
        assert _flat(suggestion["explanation"]) in text
    assert cli_figures["brokers"][0]["name"] in text


def test_every_group_name_is_in_the_coverage_table(demo_text, cli_figures):
    text = _flat(" ".join(demo_text))
    missing = [g["name"] for g in cli_figures["groups"] if _flat(g["name"]) not in text]
    assert not missing


def test_coverage_table_is_worst_first_with_names_and_dashes(demo_text, cli_figures):
    text = _flat(" ".join(demo_text))
    table = text[text.index("Dekking per groep"):]
    unreached = [g["name"] for g in cli_figures["groups"] if g["coverage"] == "unreached"]
    direct = [g["name"] for g in cli_figures["groups"] if g["coverage"] == "direct"]
    assert max(table.index(n) for n in unreached) < min(table.index(n) for n in direct)
    assert "BU9999" not in table  # neighbourhood names, not codes
    assert "None" not in table and "nan" not in table
    assert re.search(r"niet bereikt – 0", table)  # no distance: a dash


def test_dataset_name_version_and_date_on_every_page(demo_text):
    stamp = rp.local_time(WHEN, "nl")
    assert stamp == "01-12-2026 11:00 CET"  # Dutch local time, winter
    for number, page in enumerate(demo_text, 1):
        assert "demo · versie 3" in page, number
        assert stamp in page, number
        assert f"pagina {number} van {len(demo_text)}" in page


def test_taboo_topics_conditions_and_population_sections(demo_text):
    text = _flat(" ".join(demo_text))
    for topic in ("homoseksualiteit (taboe)", "huiselijk geweld (taboe)",
                  "eergerelateerd geweld (taboe)"):
        assert topic in text
    assert "Zwakste voorwaarde:" in text
    assert "minder dan 3 beoordelaars" in text
    assert _flat(population_sentences(None, "nl")[0]) in text


def test_english_report(demo):
    text = _flat(" ".join(_pages(rp.report_pdf(demo, lang="en", when=WHEN))))
    assert "District report demo" in text
    assert "Largest gaps" in text and "Families with a route" in text
    assert "page 1 of" in text
    assert "Grootste gaten" not in text


def _with_contacts(dataset):
    orgs = dataset.organisations.copy()
    orgs["contact"] = [f"Persoon{i:02d} Achternaam" for i in range(len(orgs))]
    return dataset.replace(organisations=orgs)


def test_contact_persons_only_when_names_are_shown(demo):
    dataset = _with_contacts(demo)
    hidden = " ".join(_pages(rp.report_pdf(dataset, hide_names=True, when=WHEN)))
    shown = " ".join(_pages(rp.report_pdf(dataset, hide_names=False, when=WHEN)))
    assert "Persoon" not in hidden and "Achternaam" not in hidden
    assert "contact: Persoon" in shown


def test_map_and_network_pictures_are_drawn_in_the_dashboard_colours(demo_pdf, demo_text):
    pal = palette(False)
    map_page = next(i for i, p in enumerate(demo_text) if "Kaart: aandeel" in p)
    net_page = next(i for i, p in enumerate(demo_text) if "Dezelfde posities" in p)
    pixels = _render(demo_pdf, map_page)
    # Neighbourhood polygons: the share ramp, 55 % opaque over the background (as on screen).
    ramp = np.array([int(pal.share_ramp[-1][i:i + 2], 16) for i in (1, 3, 5)])
    ground = np.array([0xf4, 0xf1, 0xea])
    blended = "#" + "".join(f"{int(v + 0.5):02x}" for v in 0.55 * ramp + 0.45 * ground)
    assert _near(pixels, blended) > 5000
    # Organisation markers (opaque) in their category colours.
    assert _near(pixels, pal.formal["wijkteam"]) > 30
    pixels = _render(demo_pdf, net_page)
    for colour in (pal.coverage["direct"], pal.coverage["unreached"], pal.formal["wijkteam"],
                   pal.collab_strong):
        assert _near(pixels, colour) > 30, colour
    # The picture covers a large region of the page, not a thin strip.
    rows = np.where((np.abs(pixels - 255).sum(axis=2) > 30).sum(axis=1) > 50)[0]
    assert rows.max() - rows.min() > pixels.shape[0] * 0.4


def test_same_positions_as_the_dashboard_are_used(demo):
    """Positions handed over by the dashboard are the ones drawn (a moved node moves)."""
    from mapping.analysis.graph import build_graph
    from mapping.views.layout import positions

    graph = build_graph(demo)
    placed = positions(graph)
    moved = dict(placed)
    node = next(iter(placed))
    moved[node] = (placed[node][0] + 5000.0, placed[node][1])
    pdf_a = rp.report_pdf(demo, graph=graph, placed=placed, when=WHEN)
    pdf_b = rp.report_pdf(demo, graph=graph, placed=moved, when=WHEN)
    assert pdf_a == rp.report_pdf(demo, graph=graph, placed=placed, when=WHEN)  # deterministic
    assert pdf_a != pdf_b


def _hostile(dataset):
    orgs = dataset.organisations.copy()
    groups = dataset.parent_groups.copy()
    attacks = list(TEXT_ATTACKS)
    for i in range(len(attacks)):
        groups.loc[groups.index[i % len(groups)], "name"] = attacks[i]
        orgs.loc[orgs.index[i % len(orgs)], "name"] = attacks[-1 - i]
    return dataset.replace(organisations=orgs, parent_groups=groups,
                           name="<b>wijk</b> {{ 7*7 }} &amp; ]]>")


def test_hostile_names_stay_text(demo):
    canary_clear()
    dataset = _hostile(demo)
    pdf = rp.report_pdf(dataset, when=WHEN)
    pages = _pages(pdf)
    text = _flat(" ".join(pages))
    assert not canary_tripped()
    for page in pages:
        assert "<b>wijk</b> {{ 7*7 }} &amp; ]]>" in page  # the header, character for character
    for attack in ("{{ 7*7 }}", "&lt;script&gt;", "<!--", "]]>", "{0.__class__.__mro__}",
                   "<script>window.__pwned = 1</script>"):
        assert attack in text, attack
    # The groups' names are in the table although they look like markup.
    names = set(dataset.parent_groups["name"][:len(TEXT_ATTACKS)])
    assert sum(_flat(n) in text for n in names) >= len(names) - 2


def test_font_falls_back_when_dejavu_is_missing(demo, monkeypatch):
    missing = Path("/nonexistent/DejaVuSans.ttf")
    monkeypatch.setattr(rp, "FONT_CANDIDATES", ((missing, missing),))
    regular, _bold, arrows = rp.fonts(rp.FONT_CANDIDATES)
    assert regular != "WkSans" and not arrows
    pdf = rp.report_pdf(demo, when=WHEN)
    text = _flat(" ".join(_pages(pdf)))
    assert "Wijkrapport demo" in text and "ouders" in text


def test_population_comparison_with_cbs_figures(demo):
    hoods = json.loads(json.dumps(demo.neighbourhoods))
    features = hoods["features"]
    features[0]["properties"].update({"AANTAL_HH": 2000, "P_HH_M_K": 40})
    features[1]["properties"].update({"aantal_hh": -99999999, "p_hh_m_k": -99999999})
    text = _flat(" ".join(_pages(rp.report_pdf(demo.replace(neighbourhoods=hoods),
                                               when=WHEN))))
    first = features[0]["properties"]["name"]
    # Vaartkwartier: 475 families in the known groups of 800 households with children.
    assert (f"De bekende groepen omvatten ongeveer 59% van de ongeveer 800 huishoudens met "
            f"kinderen in {first}.") in text
    assert f"{features[1]['properties']['name']}: het CBS houdt" in text
    assert _flat(population_sentences(None, "nl")[0]) not in text


def test_city_size_network_is_capped():
    from mapping.io.demo import generate

    city = generate(organisations=400, groups=120, seed=3)
    pdf = rp.report_pdf(city, when=WHEN)
    text = _flat(" ".join(_pages(pdf)))
    assert "toont de tekening het verbonden netwerk" in text
    assert "En nog" in text or len(city.parent_groups) <= rp.TABLE_ROWS


def test_cli_writes_the_pdf(tmp_path):
    target = tmp_path / "wijk.pdf"
    done = subprocess.run([sys.executable, "-m", "mapping", "report", str(DEMO), "--pdf",
                           str(target), "--lang", "en", "--hide-names"], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes().startswith(b"%PDF-")
    assert "District report written to" in done.stdout
    assert "District report demo" in _flat(" ".join(_pages(target.read_bytes())))


def test_cli_says_why_it_cannot_write(tmp_path):
    target = tmp_path / "no-such-folder" / "wijk.pdf"
    done = subprocess.run([sys.executable, "-m", "mapping", "report", str(DEMO), "--pdf",
                           str(target)], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 1
    assert "Kan het wijkrapport niet schrijven naar" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_catalog_has_every_message_in_both_languages():
    assert rp.MESSAGES["nl"].keys() == rp.MESSAGES["en"].keys()
