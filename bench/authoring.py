"""Authoring a large framework in the browser: open a draft, edit one statement, diff, publish.

    python bench/authoring.py [--rounds 15] [--families 20 --levels 8 --areas 12 --statements 4]

Publishes the synthetic framework of bench/synthetic.py into a throwaway SQLite database, then
each round, as a framework editor through Django's test client (the whole request in-process:
views, templates, database; no network):

  open     POST /drafts/new/ and GET the draft's overview (read + lint the whole draft)
  edit     POST one rewording with htmx; the answer is the area's editor part with fresh lint
  diff     GET the review page: the statement mapping against the active version, per area
  publish  POST the publish form with a change note (lint, snapshot, activate)

and prints the median and 95th percentile of each step in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_framework  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    for name, default in (("families", 20), ("levels", 8), ("areas", 12), ("statements", 4)):
        parser.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="craftpath-bench-authoring-")
    os.environ["CRAFTPATH_DATA_DIR"] = data
    os.environ["CRAFTPATH_ALLOWED_HOSTS"] = "testserver"
    os.environ.pop("DATABASE_URL", None)
    from craftpath.web.serve import migrate, setup_django

    setup_django(data)
    migrate()
    from django.test import Client

    from craftpath.web.accounts.models import Role, User
    from craftpath.web.frameworks.models import Draft
    from craftpath.web.frameworks.publishing import publish_framework

    framework = make_framework(args.families, args.levels, args.areas, args.statements)
    family = framework.families[0]
    area = family.areas[0]
    level = family.present_levels[0]
    statements = len([s for f in framework.families for s in f.statements])
    publish_framework(framework)
    editor = User.objects.create_user("editor@example.com", name="Bench Editor")
    editor.grant(Role.EDITOR)
    client = Client()
    client.force_login(editor)

    times: dict[str, list[float]] = {"open": [], "edit": [], "diff": [], "publish": []}

    def timed(step: str, call, *args, **kwargs):
        started = time.perf_counter()
        response = call(*args, **kwargs)
        times[step].append((time.perf_counter() - started) * 1000)
        if response.status_code >= 400:
            raise SystemExit(f"{step}: HTTP {response.status_code}: "
                             f"{response.content.decode()[:500]}")
        return response

    def open_draft():
        client.post("/drafts/new/")
        return client.get(f"/drafts/{Draft.objects.latest('pk').pk}/")

    from craftpath.web.frameworks import drafts

    sid = family.expectation(area.slug, level.slug).statements[0].id
    target = f"statement:{family.slug}:{sid}"
    for round_ in range(args.rounds):
        timed("open", open_draft)
        draft = Draft.objects.latest("pk")
        post = {"op": "statement.reword", "family": family.slug, "revision": draft.revision,
                "fingerprint": drafts.fingerprint(drafts.framework_of_draft(draft), target),
                "page": f"area:{family.slug}:{area.slug}", "statement": sid,
                "text": f"I design services for my team, round {round_}."}
        timed("edit", client.post, f"/drafts/{draft.pk}/edit/", post, HTTP_HX_REQUEST="true")
        timed("diff", client.get, f"/drafts/{draft.pk}/review/")
        timed("publish", client.post, f"/drafts/{draft.pk}/publish/",
              {"note": f"Round {round_}: one rewording.", "revision": draft.revision + 1})

    # What a process that has not seen the draft yet pays (another app process, a restart):
    # reading the whole document and linting every family.
    client.post("/drafts/new/")
    draft = Draft.objects.latest("pk")
    for memo in (drafts._parsed, drafts._linted, drafts._family_lint):
        memo.items.clear()
    started = time.perf_counter()
    client.get(f"/drafts/{draft.pk}/")
    cold = (time.perf_counter() - started) * 1000

    print(f"authoring {args.families} families × {args.levels} levels × {args.areas} areas × "
          f"{args.statements} statements ({statements} statements), {args.rounds} rounds, "
          "SQLite, in-process requests")
    print(f"{'step':<8} {'p50 ms':>9} {'p95 ms':>9}")
    for step, values in times.items():
        print(f"{step:<8} {statistics.median(values):>9.1f} {percentile(values, 0.95):>9.1f}")
    print(f"first open in this process (reads and lints the version): {times['open'][0]:.0f} ms")
    print(f"a draft page in a process that has not seen the draft yet: {cold:.0f} ms")


if __name__ == "__main__":
    main()
