"""Server-side latency of the evidence assistant in the app: POST /checkins/evidence/suggest/
(the htmx request made while evidence is typed) for a demo engineer with an open check-in on
the seed framework, in-process through Django's full middleware stack, on a throwaway SQLite
data directory.

    .venv/bin/python bench/suggestions_latency.py [--requests 300] [--links 2000]

Prints the first request (which loads the model, and embeds the family's statements unless
their vectors are in the model cache folder already), then p50/p95 over --requests requests
with different texts. With --links N, the engineer first links N evidence items to the
statements of their check-in and the assistant's task learns them (timed), the requests are
made with them learned, and then one more link is made and learned: the time the task takes
for it, and for the next request, which reads the new rows.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time

TEXTS = [
    "Moved our training jobs to cloud GPUs and automated the retraining pipeline",
    "Wrote a bias and drift report for the fraud model",
    "Versioned our datasets with DVC and set up conda environments for the team",
    "Presented the experiment results with confidence intervals to product",
    "Mentored a new joiner through their first model release",
    "Designed the metrics dashboard that tracks online accuracy against business goals",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--links", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        from craftpath.web.accounts import operations

        operations.run_demo(data_dir=data_dir)
        from django.test import Client

        from craftpath.web.accounts.models import User
        from craftpath.web.checkins import loop

        person = next(u for u in User.objects.filter(reports=None).exclude(level_slug="")
                      if u.family_slug)
        checkin = loop.start(person, include_next=True)
        learned = learn_links(person, checkin, args.links) if args.links else None
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(person)

        def post(text: str) -> float:
            started = time.perf_counter()
            response = client.post("/checkins/evidence/suggest/",
                                   {"title": "", "description": text}, HTTP_HX_REQUEST="true")
            elapsed = time.perf_counter() - started
            if response.status_code != 200 or b"Why:" not in response.content:
                raise SystemExit(f"unexpected answer {response.status_code}")
            return elapsed

        first = post(TEXTS[0])
        times = sorted(post(f"{TEXTS[i % len(TEXTS)]} (take {i})")
                       for i in range(args.requests))
        print(f"suggestions for {person.level_slug} and the next, seed framework, in-process:")
        print(f"  first request (loads the model; statement vectors from the cache or the model): "
              f"{first * 1000:.0f} ms")
        print(f"  p50 {statistics.median(times) * 1000:.1f} ms, "
              f"p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms over {len(times)} requests")
        if learned:
            print(f"  with {args.links} links learned ({learned:.1f} s to learn them); one more "
                  "link:")
            task, request = one_more_link(person, checkin, post)
            print(f"  the task learns it in {task * 1000:.0f} ms; the next request (reading the "
                  f"rows again) {request * 1000:.0f} ms")


def _items(person, count: int, start: int = 0):
    from craftpath.web.checkins.models import Evidence

    rng = random.Random(start)
    return Evidence.objects.bulk_create(
        Evidence(owner=person, title=f"{rng.choice(TEXTS)} ({number})",
                 description=f"Part {number} of the work") for number in
        range(start, start + count))


def learn_links(person, checkin, count: int) -> float:
    """Link `count` items to the check-in's statements, round robin, and learn them."""
    from craftpath.web.checkins import learning
    from craftpath.web.checkins.models import Entry
    from craftpath.web.checkins.suggestions import _model

    entries = list(checkin.entries.all())
    Entry.evidence.through.objects.bulk_create(
        Entry.evidence.through(entry_id=entries[i % len(entries)].pk, evidence_id=item.pk)
        for i, item in enumerate(_items(person, count)))
    started = time.perf_counter()
    learning.sync(_model()[0])
    return time.perf_counter() - started


def one_more_link(person, checkin, post) -> tuple[float, float]:
    from craftpath.web.checkins import learning
    from craftpath.web.checkins.suggestions import _model

    entry = checkin.entries.first()
    entry.evidence.add(*_items(person, 1, start=10**6))
    started = time.perf_counter()
    learning.sync(_model()[0])
    task = time.perf_counter() - started
    return task, post("A new link's neighbour: " + TEXTS[1])


if __name__ == "__main__":
    main()
