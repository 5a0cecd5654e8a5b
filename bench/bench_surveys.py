"""Benchmark: importing a 500-respondent survey export (issue 12; target under 2 s).

Builds a Google Forms CSV of 500 respondents (organisation, kind, category,
parent groups and topics joined with ``;``, up to six partners out of the
other respondents, and a Likert grid of the four conditions for 20 partner
rows: 80 grid columns), then times :func:`mapping.io.surveys.import_survey`
(read, guess the mapping, apply, validate) and the guess alone.

Run: ``.venv/bin/python bench/bench_surveys.py [--respondents N] [--repeat N]``
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import time

from mapping.io import surveys as sv

LIKERT = ("Helemaal mee oneens", "Mee oneens", "Neutraal", "Mee eens", "Helemaal mee eens")
CONDITIONS = ("Vertrouwen", "Gezamenlijke doelen", "Duidelijkheid over rollen",
              "Gelijkwaardigheid")


def survey(respondents: int, grid_partners: int = 20, seed: int = 1) -> bytes:
    """A Google Forms CSV download with ``respondents`` rows."""
    rng = random.Random(seed)
    orgs = [f"Organisatie {i:03d}" for i in range(respondents)]
    groups = [f"Oudergroep {i:02d}" for i in range(40)]
    grid = orgs[:grid_partners]
    header = ["Tijdstempel", "E-mailadres", "Naam van uw organisatie", "Formeel of informeel?",
              "Categorie", "Welke oudergroepen bereikt u?", "Over welke thema's spreekt u?",
              "Met welke organisaties werkt u samen?",
              *[f"{c} [{p}]" for c in CONDITIONS for p in grid]]
    rows = [header]
    for i, org in enumerate(orgs):
        partners = rng.sample(orgs, 6)
        row = [f"2026/03/01 10:{i % 60:02d}:00 AM CET", f"r{i}@example.org", org,
               rng.choice(("Formeel", "Informeel")), rng.choice(("moskee", "wijkteam", "school")),
               ";".join(rng.sample(groups, 3)), "Opvoeding;Onderwijs", ";".join(partners)]
        row += [rng.choice(LIKERT) if p in partners else "" for _c in CONDITIONS for p in grid]
        rows.append(row)
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def main() -> None:
    """Print the import time of a synthetic survey export."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = survey(args.respondents)
    result = sv.import_survey("survey.csv", data, secret=b"bench")
    assert result.ok, result.errors[:3]
    times, guesses = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        sv.import_survey("survey.csv", data, secret=b"bench")
        times.append(time.perf_counter() - start)
        table, _col = sv.read_survey("survey.csv", data)
        start = time.perf_counter()
        sv.guess_mapping(table)
        guesses.append(time.perf_counter() - start)
    counts = result.dataset.counts()
    print(f"survey: {args.respondents} respondents, {len(data) / 1024:.0f} KiB, "
          f"{counts['organisations']} organisations, {counts['reach']} reach, "
          f"{counts['collaborations']} collaborations")
    print(f"import_survey (read + guess + apply + validate): median "
          f"{statistics.median(times):.3f} s, best {min(times):.3f} s (target < 2 s)")
    print(f"guess_mapping alone: median {statistics.median(guesses):.3f} s")


if __name__ == "__main__":
    main()
