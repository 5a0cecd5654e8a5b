"""Two app servers behind nginx on one PostgreSQL: how fast an answer reaches the screen.

The setup of ``tests/deploy/test_two_servers.py`` (:mod:`tests.deploy.harness`):
a throwaway PostgreSQL, two ``streamlit run app.py -- --db ...`` processes
with a facilitator password, and nginx with the configuration of
``deploy/nginx_conf.py``, all on loopback; headless Chromium, offline.

1. The facilitator signs in on server B (routing cookie ``app2``) and opens
   joining on the workshop page; a participant on server A (``app1``) sends
   ``--answers`` answers one after the other. Per answer: seconds from the
   click on "Versturen" until the participant's thank-you ("saved"), and
   until the new organisation is in the facilitator's live network ("on the
   screen"; target: within 5 s). Printed: median and maximum.
2. ``--crowd`` participants (one tab each, spread evenly over both servers)
   fill in the join form and send at the same instant: seconds until
   every thank-you and until the screen shows them all, and the losses
   (answers without exactly one stored organisation, and versions missing).

    .venv/bin/python -m bench.bench_two_servers [--answers 5] [--crowd 30]

Run it from the checkout root with ``-m``: it reuses the test helpers in ``tests/``.
Needs nginx and the PostgreSQL server binaries (``bash tools/test.sh`` installs both).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Run both measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=5)
    parser.add_argument("--crowd", type=int, default=30)
    args = parser.parse_args(argv)

    from tests.browser_support import launch
    from tests.deploy import harness as h

    started = time.monotonic()
    try:
        with h.postgres_url() as db_url:
            h.seed(db_url)
            with h.deployment(Path(tempfile.mkdtemp(prefix="bench-two-")), db_url) as deploy, \
                    launch() as browser:
                print(f"setup (PostgreSQL, 2 app servers, nginx): "
                      f"{time.monotonic() - started:.1f} s")
                screen_ctx = h.context_on(browser, deploy, "app2")
                phone_ctx = h.context_on(browser, deploy, "app1", h.PHONE)
                try:
                    screen = screen_ctx.new_page()
                    code, _ = h.facilitator_opens_joining(screen, deploy)
                    h.wait_network(screen, lambda ids: "o:W1" in ids)
                    phone = phone_ctx.new_page()
                    h.open_join(phone, deploy, code)
                    answers = [h.answer_and_watch(phone, screen, f"Bench A{i}")
                               for i in range(1, args.answers + 1)]
                    phone_ctx.close()
                    shown = [a.on_screen_s for a in answers]
                    saved = [a.saved_s for a in answers]
                    print(f"answer via server A -> facilitator's screen on server B "
                          f"({len(answers)} answers): median {statistics.median(shown):.2f} s, "
                          f"max {max(shown):.2f} s (target 5 s); saved (thank-you) median "
                          f"{statistics.median(saved):.2f} s, max {max(saved):.2f} s")
                    print("  per answer (on screen): "
                          + ", ".join(f"{s:.2f}" for s in shown))
                    if args.crowd:
                        crowd = h.crowd_answers(browser, deploy, code, screen, n=args.crowd,
                                                tag="Bench")
                        lost = [n for n in crowd.names if len(crowd.stored.get(n, [])) != 1]
                        versions = crowd.head_after - crowd.head_before
                        print(f"{args.crowd} participants at once: all saved "
                              f"{crowd.all_saved_s:.2f} s after the common click, all on the "
                              f"screen after {crowd.all_on_screen_s:.2f} s; forms filled in "
                              f"{crowd.prepare_s:.1f} s; per server {crowd.servers}")
                        print(f"  losses: {len(lost)} answers not stored exactly once "
                              f"{lost[:5]}, {args.crowd - versions} versions missing "
                              f"({versions} new versions)")
                finally:
                    screen_ctx.close()
    except BaseException as exc:  # pytest.skip from the helpers: say what is missing
        if type(exc).__name__ == "Skipped":
            print(f"skipped: {exc}", file=sys.stderr)
            return 1
        raise
    print(f"total: {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
