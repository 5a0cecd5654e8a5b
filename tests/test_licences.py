"""Every runtime dependency's licence, and whether it may ship with an EUPL-1.2 project.

Wijknetwerk is published under the EUPL-1.2 (``LICENSE``, ``pyproject.toml``). This
test walks the pinned runtime requirements (``requirements.txt``) and everything they
require in turn (markers and extras evaluated as pip does), reads each installed
distribution's declared licence from its metadata (``License-Expression``, else the
``License`` field, else the ``License ::`` classifiers) and fails on one that is not in
:data:`ALLOWED`, or whose licence cannot be read from its metadata and is not in
:data:`VERIFIED`. Development tools (``requirements-dev.txt``) are not distributed with
the work and are not checked.

What this does not see: native libraries bundled inside binary wheels (numpy's and
scipy's OpenBLAS and GCC runtime, psycopg-binary's libpq and OpenSSL, pillow's image
codecs). Their distributors list them in the wheel's own licence files; the project
ships source code, and users install those wheels themselves.

``python tests/test_licences.py`` prints the table.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]

# SPDX identifiers whose code may be combined with, and distributed alongside, EUPL-1.2
# code without changing the project's licence. Permissive licences impose only notices;
# MPL-2.0 and LGPL are in the EUPL's own appendix of compatible licences and keep their
# copyleft to their own files or library. Not here on purpose: GPL-2.0/3.0, AGPL-3.0,
# OSL, EPL, CeCILL. The EUPL appendix calls them compatible, but only in the sense that
# a combined work may then be distributed under *their* terms instead of the EUPL's, so
# a dependency under one of them would change the project's licence: a decision for a
# person, not for this test.
ALLOWED: frozenset[str] = frozenset(s.upper() for s in (
    "0BSD", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "BSD-3-Clause-Open-MPI",
    "BSL-1.0", "CC0-1.0", "EUPL-1.1", "EUPL-1.2", "HPND", "ISC",
    "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later",
    "MIT", "MIT-0", "MIT-CMU", "MPL-2.0", "PSF-2.0", "Python-2.0", "Unlicense", "Zlib",
))

# ``X WITH exception`` pairs that are fine although X alone is not: the GCC runtime
# library exception lets any program link the GCC runtime (libgfortran, libquadmath)
# whatever its own licence.
ALLOWED_WITH: frozenset[tuple[str, str]] = frozenset({
    ("GPL-3.0-OR-LATER", "GCC-EXCEPTION-3.1"),
    ("GPL-3.0-ONLY", "GCC-EXCEPTION-3.1"),
})

# Free-text ``License`` fields seen in the wild, mapped to SPDX (keys lower-case,
# whitespace collapsed). Anything else (a bare "BSD", a pasted licence text, "UNKNOWN")
# counts as unreadable.
TEXT_ALIASES: dict[str, str] = {
    "mit": "MIT", "mit license": "MIT",
    "apache 2.0": "Apache-2.0", "apache-2.0": "Apache-2.0",
    "apache license 2.0": "Apache-2.0", "apache license, version 2.0": "Apache-2.0",
    "bsd-2-clause": "BSD-2-Clause", "bsd-3-clause": "BSD-3-Clause",
    "3-clause bsd license": "BSD-3-Clause", "new bsd license": "BSD-3-Clause",
    "isc": "ISC", "isc license": "ISC",
    "mpl-2.0": "MPL-2.0", "mpl 2.0": "MPL-2.0",
    "psf": "PSF-2.0", "psf-2.0": "PSF-2.0",
}

# ``License ::`` classifiers that name one licence and its version. "BSD License" (which
# BSD?) and "Apache Software License" (which version?) are deliberately absent.
CLASSIFIERS: dict[str, str] = {
    "License :: OSI Approved :: MIT License": "MIT",
    "License :: OSI Approved :: ISC License (ISCL)": "ISC",
    "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "License :: OSI Approved :: Python Software Foundation License": "PSF-2.0",
    "License :: OSI Approved :: Apache Software License 2.0": "Apache-2.0",
    "License :: OSI Approved :: European Union Public Licence 1.2 (EUPL 1.2)": "EUPL-1.2",
    "License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication": "CC0-1.0",
}

# Distributions whose metadata does not say clearly which licence they use, with the
# licence read from the licence file the wheel installs (``<name>.dist-info/``), and
# the version read. Consulted only when the metadata itself is unreadable, so an entry
# can never overrule what a distribution declares.
VERIFIED: dict[str, tuple[str, str]] = {
    # Classifier "BSD License", License field is a copyright line; licenses/LICENSE
    # is the 3-clause text ("Neither the name of vega-altair ...").
    "altair": ("BSD-3-Clause", "6.3.0"),
    # Classifier "BSD License", License field "BSD"; licenses/LICENSE is the 2-clause
    # text (Anaconda, Inc.; no endorsement clause).
    "numba": ("BSD-2-Clause", "0.68.0"),
    # Classifier "BSD License" only; LICENSE is the 3-clause text.
    "ipython-pygments-lexers": ("BSD-3-Clause", "1.1.1"),
    # Classifier "BSD License" only; LICENSE.txt is the 3-clause text (Pallets).
    "itsdangerous": ("BSD-3-Clause", "2.2.0"),
    # Classifier "BSD License" only; licenses/LICENSE.txt is the 3-clause text (Pallets).
    "jinja2": ("BSD-3-Clause", "3.1.6"),
    # Classifier "BSD License" only; licenses/LICENSE is the 3-clause text.
    "prompt-toolkit": ("BSD-3-Clause", "3.0.53"),
    # License field "BSD"; LICENSE_BSD.txt is the 3-clause text (West Health Institute).
    "pyvis": ("BSD-3-Clause", "0.3.2"),
    # Classifier "BSD License", License field is the licence text: SciPy itself is
    # 3-clause BSD; LICENSE.txt also lists what the wheel bundles: OpenBLAS
    # (BSD-3-Clause), LAPACK (BSD-3-Clause-Open-MPI), the GCC runtime libgfortran
    # (GPL-3.0-or-later WITH GCC-exception-3.1) and libquadmath (LGPL-2.1-or-later).
    "scipy": ("BSD-3-Clause AND BSD-3-Clause-Open-MPI AND LGPL-2.1-or-later"
              " AND GPL-3.0-or-later WITH GCC-exception-3.1", "1.17.1"),
    # Classifier "BSD License" only; licenses/LICENSE is the 3-clause text.
    "segno": ("BSD-3-Clause", "1.6.6"),
    # License field "BSD license (see license.txt for details), Copyright ..."; the
    # classifier says "BSD License"; licenses/LICENSE is the 3-clause text (ReportLab Inc.).
    "reportlab": ("BSD-3-Clause", "5.1.0"),
    # License field "BSD 3-Clause License" followed by the copyright line; the
    # classifier says "BSD License"; licenses/LICENSE is the 3-clause text.
    "traitlets": ("BSD-3-Clause", "5.16.1"),
}


@dataclass(frozen=True)
class Licence:
    """One distribution's licence as found: SPDX expression (or None) and its source."""

    name: str
    version: str
    expression: str | None
    source: str


# --------------------------------------------------------------------------- SPDX


_TOKEN = re.compile(r"\s*(\(|\)|[A-Za-z0-9.+:-]+)")


def _tokens(expression: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(expression.rstrip()):
        match = _TOKEN.match(expression, pos)
        if not match:
            raise ValueError(f"unreadable SPDX expression: {expression!r}")
        tokens.append(match.group(1))
        pos = match.end()
    return tokens


def compatible(expression: str) -> bool:
    """Whether an SPDX licence expression is compatible with EUPL-1.2 here.

    ``OR`` needs one allowed side (the licensee chooses), ``AND`` needs both,
    ``X WITH E`` needs X allowed or the pair in :data:`ALLOWED_WITH`.
    An expression that cannot be parsed is not compatible.
    """
    tokens = [t.upper() for t in _tokens(expression)]
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError(f"SPDX expression ends too early: {expression!r}")
        pos += 1
        return tokens[pos - 1]

    def atom() -> bool:
        token = take()
        if token == "(":
            value = either()
            if take() != ")":
                raise ValueError(f"unbalanced parentheses: {expression!r}")
            return value
        if token in {"AND", "OR", "WITH", ")"}:
            raise ValueError(f"operator where a licence belongs: {expression!r}")
        if peek() == "WITH":
            take()
            exception = take()  # always consumed, also when the licence alone is allowed
            return token in ALLOWED or (token, exception) in ALLOWED_WITH
        return token in ALLOWED

    def both() -> bool:
        value = atom()
        while peek() == "AND":
            take()
            value = atom() and value
        return value

    def either() -> bool:
        value = both()
        while peek() == "OR":
            take()
            value = both() or value
        return value

    try:
        value = either()
    except ValueError:
        return False
    return value and pos == len(tokens)


# --------------------------------------------------------------------------- metadata


def declared(dist: metadata.Distribution) -> Licence:
    """The licence ``dist`` declares, or the verified one when its metadata is unclear."""
    meta = dist.metadata
    name, version = meta["Name"], dist.version
    if meta.get("License-Expression"):
        return Licence(name, version, meta["License-Expression"].strip(), "License-Expression")
    text = " ".join((meta.get("License") or "").split()).lower()
    if text in TEXT_ALIASES:
        return Licence(name, version, TEXT_ALIASES[text], "License")
    classifiers = [c for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    mapped = [CLASSIFIERS.get(c) for c in classifiers]
    if mapped and all(mapped):
        # Several classifiers may mean "either" or "all"; "all" is the safe reading.
        return Licence(name, version, " AND ".join(sorted(set(mapped))), "classifier")
    key = canonicalize_name(name)
    if key in VERIFIED:
        expression, seen = VERIFIED[key]
        return Licence(name, version, expression, f"verified by hand ({seen})")
    return Licence(name, version, None, "unreadable metadata")


def _requirements(path: Path) -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def runtime_distributions() -> tuple[list[metadata.Distribution], list[str]]:
    """The installed distributions ``requirements.txt`` pulls in, and what is missing.

    Follows each distribution's ``Requires-Dist`` whose marker holds on this
    interpreter for the extras asked for (``psycopg[binary]`` brings
    ``psycopg-binary``), as pip resolved them.
    """
    found: dict[str, metadata.Distribution] = {}
    extras_done: dict[str, set[str]] = {}
    missing: list[str] = []
    queue = [(req.name, set(req.extras)) for req in _requirements(ROOT / "requirements.txt")]
    while queue:
        name, extras = queue.pop()
        key = canonicalize_name(name)
        wanted = extras | {""}
        if key in extras_done and wanted <= extras_done[key]:
            continue
        try:
            dist = found.get(key) or metadata.distribution(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
            extras_done[key] = wanted
            continue
        found[key] = dist
        new = wanted - extras_done.get(key, set())
        extras_done[key] = extras_done.get(key, set()) | wanted
        for line in dist.requires or []:
            req = Requirement(line)
            if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in new):
                queue.append((req.name, set(req.extras)))
    return sorted(found.values(), key=lambda d: canonicalize_name(d.metadata["Name"])), missing


def table(licences: list[Licence]) -> str:
    """A plain-text table: name, version, licence, where it was read, verdict."""
    rows = [(lic.name, lic.version, lic.expression or "?", lic.source,
             "ok" if lic.expression and compatible(lic.expression) else "NOT OK")
            for lic in licences]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        + "  " + row[4] for row in rows)


# --------------------------------------------------------------------------- tests


def test_every_runtime_dependency_has_a_compatible_licence():
    dists, missing = runtime_distributions()
    assert not missing, f"required but not installed (pip install -r requirements.txt): {missing}"
    licences = [declared(d) for d in dists]
    names = {canonicalize_name(lic.name) for lic in licences}
    # Sanity: the walk really went past the top level (streamlit, pyvis, psycopg[binary]).
    assert {"streamlit", "jinja2", "psycopg-binary"} <= names
    print("\n" + table(licences))
    bad = [lic for lic in licences if not (lic.expression and compatible(lic.expression))]
    assert not bad, (
        "licences not compatible with EUPL-1.2, or not readable from the metadata "
        "(read the licence file in <name>.dist-info/ and add it to VERIFIED):\n"
        + table(bad))


@pytest.mark.parametrize(("expression", "expected"), [
    ("MIT", True),
    ("Apache-2.0 OR BSD-2-Clause", True),
    ("BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0", True),
    ("MIT AND PSF-2.0", True),
    ("LGPL-3.0-only", True),
    ("mit", True),  # SPDX identifiers match case-insensitively
    ("(MIT OR GPL-3.0-only) AND Apache-2.0", True),
    ("GPL-3.0-or-later WITH GCC-exception-3.1", True),
    # An allowed licence WITH an exception, then more: the exception is read, not taken
    # for the next operator (llvmlite's own expression).
    ("BSD-2-Clause AND Apache-2.0 WITH LLVM-exception", True),
    ("Apache-2.0 WITH LLVM-exception AND GPL-3.0-only", False),
    ("GPL-3.0-only", False),
    ("AGPL-3.0-or-later", False),
    ("MIT AND GPL-2.0-only", False),
    ("GPL-2.0-only WITH Classpath-exception-2.0", False),
    ("SSPL-1.0", False),
    ("LicenseRef-Proprietary", False),
    ("MIT AND", False),
    ("(MIT", False),
    ("", False),
])
def test_compatibility_rules(expression, expected):
    assert compatible(expression) is expected


def test_unclear_metadata_needs_a_verified_entry():
    class Fake(metadata.Distribution):
        def __init__(self, **fields: str) -> None:
            self.fields = fields

        def read_text(self, filename: str) -> str | None:
            if filename != "METADATA":
                return None
            return "".join(f"{k}: {v}\n" for k, v in self.fields.items())

        def locate_file(self, path):  # pragma: no cover - not used
            return Path(path)

    bare_bsd = declared(Fake(**{"Metadata-Version": "2.1", "Name": "nobody-knows",
                                "Version": "1", "License": "BSD"}))
    assert bare_bsd.expression is None and bare_bsd.source == "unreadable metadata"
    # A verified entry never overrules what a distribution declares.
    declared_gpl = declared(Fake(**{"Metadata-Version": "2.4", "Name": "jinja2",
                                    "Version": "9", "License-Expression": "GPL-3.0-only"}))
    assert declared_gpl.expression == "GPL-3.0-only" and not compatible("GPL-3.0-only")


def test_the_project_itself_is_eupl():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "EUPL-1.2"
    assert "LICENSE" in project["license-files"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.lstrip().startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    for heading in ("1. Definitions", "5. Obligations of the Licensee", "15. Applicable Law",
                    "Appendix", "European Union Public Licence (EUPL) v. 1.1, v. 1.2"):
        assert heading in text
    assert text.rstrip().endswith("require the production of a new\nEUPL version.")
    try:
        installed = metadata.distribution("wijknetwerk")
    except metadata.PackageNotFoundError:
        pytest.skip("the project is not installed (pip install -e .)")
    assert installed.metadata["License-Expression"] == "EUPL-1.2"


if __name__ == "__main__":
    print(table([declared(d) for d in runtime_distributions()[0]]))
