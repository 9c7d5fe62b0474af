"""Schemathesis against the live OpenAPI document, once with a token of each scope: no
server errors, and every status, content type, header and body as the document says.
Bounded (a few examples per operation, a fixed seed): the admin run's ~2,800 cases take
about four minutes on a busy 2-core machine (its 15-minute timeout is a guard against a hang,
not a speed check); bench/ is where longer runs belong."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from craftpath.web.api import tokens

from .checkin_helpers import first_ids, start_for, submitted
from .insights_helpers import closed_checkin

pytestmark = pytest.mark.schemathesis

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance,response_headers_conformance")


@pytest.fixture
def organisation(live_server, transactional_db, small_org):
    """Check-ins at two stages, peer feedback asked on one, a closed one for the insights and
    a draft review cycle, so reads and writes reach real objects."""
    from datetime import date

    from craftpath.web.checkins import feedback
    from craftpath.web.cycles.models import Cycle

    start_for(small_org.eva)
    ians = submitted(start_for(small_org.ian, include_next=False), small_org.ian, small_org.leo)
    feedback.ask(ians, small_org.ian, "mia@example.com", first_ids(ians))
    feedback.ask(ians, small_org.leo, "pia@example.com", first_ids(ians))
    closed_checkin(small_org.sol, small_org.oto)
    Cycle.objects.create(name="Spring", version=ians.version, self_due=date(2030, 3, 9),
                         review_due=date(2030, 3, 16), agree_due=date(2030, 3, 23),
                         close_due=date(2030, 3, 30))
    return small_org


def schemathesis(url: str, secret: str, phases: str, folder: Path) -> tuple[int, str]:
    st = Path(sys.executable).with_name("st")
    if not st.exists():
        pytest.fail(f"Schemathesis is missing ({st}); install the test extras")
    done = subprocess.run(
        [str(st), "run", f"{url}/api/v1/openapi.json", "-H", f"Authorization: Bearer {secret}",
         "--checks", CHECKS, "--max-examples", "3", "--seed", "20261130",
         "--phases", phases, "--no-color"],
        capture_output=True, text=True, timeout=900, cwd=folder)  # its cache goes there
    return done.returncode, done.stdout + done.stderr


@override_settings(API_RATE_PER_MINUTE=1_000_000)  # the rate limit is tested elsewhere
@pytest.mark.parametrize("scope, who, phases", [
    # The admin token reaches every route: it also gets the coverage phase (boundary values
    # of every parameter and field), which is most of the time.
    ("admin", "ada", "examples,coverage,fuzzing,stateful"),
    ("write", "leo", "examples,fuzzing,stateful"),
    ("read", "ian", "examples,fuzzing,stateful"),
    # The people team's write token: the cycle routes' writes, and the insights read.
    ("write", "pia", "examples,fuzzing,stateful"),
])
def test_no_server_errors_and_answers_match_the_document(organisation, live_server, scope,
                                                         who, phases, tmp_path):
    secret = tokens.create(getattr(organisation, who), "schemathesis", scope).secret
    code, output = schemathesis(live_server.url, secret, phases, tmp_path)
    cases = re.search(r"(\d+) generated", output)
    print(f"schemathesis, {scope} token of {who}: {cases.group(0) if cases else '?'}; "
          f"exit {code}")
    assert cases and int(cases.group(1)) > 100, output[-3000:]
    assert code == 0, output[-6000:]
