"""`craftpath worker`: runs the queue and the schedule; `--once` drains and stops. Here on
a copy of a data folder just made by `craftpath demo` (whose running cycle queued its launch
emails), with email printed to the console (the default)."""

import os
import subprocess
import sys

import pytest


def _craftpath(*args):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",
                                                             "DJANGO_SETTINGS_MODULE")}
    return subprocess.run([sys.executable, "-m", "craftpath.cli", *args], capture_output=True,
                          text=True, env=env, timeout=300)


@pytest.mark.subprocess
def test_worker_once_sends_what_the_demo_queued_and_stops(demo_data_dir):
    data = str(demo_data_dir[0])
    done = _craftpath("worker", "--once", "--data-dir", data)
    assert done.returncode == 0, done.stderr
    # Nine people of the Platform team were told their cycle started, plus Gus's request.
    assert done.stdout.count("Subject: Platform spring round has started") == 9
    assert "Subject: Farah Haddad asks for your feedback" in done.stdout
    again = _craftpath("worker", "--once", "--data-dir", data)
    assert "Subject:" not in again.stdout  # sent once, not twice
    sent = _craftpath("invite", "--pending", "--data-dir", data)
    assert sent.returncode == 0 and sent.stdout.strip() == "sent 25 invitation(s)"
