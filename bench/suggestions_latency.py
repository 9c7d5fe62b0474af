"""Server-side latency of the evidence assistant in the app: POST /checkins/evidence/suggest/
(the htmx request made while evidence is typed) for a demo engineer with an open check-in on
the seed framework, in-process through Django's full middleware stack, on a throwaway SQLite
data directory.

    .venv/bin/python bench/suggestions_latency.py [--requests 300]

Prints the first request (which loads the model, and embeds the family's statements unless
their vectors are in the model cache folder already), then p50/p95 over --requests requests
with different texts.
"""

from __future__ import annotations

import argparse
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        from craftpath.web.accounts import operations

        operations.run_demo(data_dir=data_dir)
        from django.test import Client

        from craftpath.web.accounts.models import User
        from craftpath.web.checkins import loop

        person = next(u for u in User.objects.filter(reports=None).exclude(level_slug="")
                      if u.family_slug)
        loop.start(person, include_next=True)
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


if __name__ == "__main__":
    main()
