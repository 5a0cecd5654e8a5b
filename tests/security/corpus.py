"""The hostile-input corpus: collected once, run through every entry point.

Every security test (file loader, workshop edits, join page, CLI, map and
network rendering, exports) imports its strings from here, so a new attack
added to this list is tried everywhere at once.

``CANARY`` is a file that a string which managed to run code would create;
tests assert it never exists.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

CANARY = Path(os.environ.get("WIJKNETWERK_CANARY") or
              Path(tempfile.gettempdir()) / "wijknetwerk-canary")
"""Created only if some template, format string or eval ran user text as code.

A fixed path (not per process) so a server started by a test trips the same file."""

_C = str(CANARY)

TEMPLATE_INJECTION: tuple[str, ...] = (
    # Jinja2 / branca: compiling this runs a shell command.
    "{{ lipsum.__globals__['os'].popen('touch " + _C + "').read() }}",
    "{{ cycler.__init__.__globals__.os.system('touch " + _C + "') }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{% endfor %}",
    "{# an unclosed comment",
    "{% if a unclosed block",
    "{{ 7*7 }}",
    "{{",
    "}}",
    "{% raw %}",
)
"""Jinja2/branca template syntax: never compiled, shown literally."""

FORMAT_STRINGS: tuple[str, ...] = (
    "{0.__class__.__mro__}",
    "{name!r:>{width}}",
    "%s%s%s%n",
    "{}",
    "${7*7}",
    "`${alert(1)}`",
)
"""Python ``str.format`` / ``%`` and JavaScript template-literal syntax."""

HTML_INJECTION: tuple[str, ...] = (
    "<script>window.__pwned = 1</script>",
    "</script><script>window.__pwned = 1</script>",
    "<img src=x onerror=\"window.__pwned = 1\">",
    "\" onmouseover=\"window.__pwned = 1",
    "' onfocus='window.__pwned = 1' autofocus='",
    "javascript:window.__pwned = 1",
    "<svg/onload=window.__pwned=1>",
    "<!--",
    "]]>",
    "&lt;script&gt;",
)
"""HTML and JavaScript: shown as text, never run (browser tests check ``window.__pwned``)."""

FORMULAS: tuple[str, ...] = (
    "=1+1",
    "=HYPERLINK(\"http://example.invalid\",\"klik\")",
    "+31 6 1234",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
)
"""Spreadsheet formula prefixes (OWASP ASVS 5.0 1.2.10): exported neutralised."""

CONTROL: tuple[str, ...] = (
    "F01\x00",
    "F\x0001",
    "F01\x1b[31m",
    "F01\x07",
)
"""NUL and other control characters: refused in ids and names."""

INVISIBLE: tuple[str, ...] = (
    "F0\u202e1",    # right-to-left override
    "F0\u200b1",    # zero-width space
    "F0\u200d1",    # zero-width joiner
    "\ufeffF01",    # byte-order mark inside a cell
    "F0\u20661",    # left-to-right isolate
)
"""Bidi overrides and zero-width characters: refused in ids (they look like other ids)."""

HUGE_NUMBERS: tuple[str, ...] = ("1e20", "1e308", "1e309", "-1e308", "inf", "nan",
                                 "9" * 400)
"""Numbers beyond any count or score: a row/column message, never a crash."""

TEXT_ATTACKS: tuple[str, ...] = (*TEMPLATE_INJECTION, *FORMAT_STRINGS, *HTML_INJECTION)
"""Strings that are valid names (a name may contain anything printable) yet must stay text."""


def canary_clear() -> None:
    """Remove a canary left by an earlier (failed) run."""
    CANARY.unlink(missing_ok=True)


def canary_tripped() -> bool:
    """True if any user string ran as code."""
    return CANARY.exists()
