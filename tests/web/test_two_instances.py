"""Several instances behind one proxy: two `craftpath serve` processes in production mode and
two `craftpath worker` processes on one database, behind Debian's nginx doing round-robin
over both apps with TLS (the production guide's block, with an upstream of two). Through it:
a session made on one instance works on the other; the sign-in throttle and the API's rate
limit count requests to both; a spreadsheet uploaded through one instance is read back
through the other; and emails queued once while both workers run are each sent exactly once.

On PostgreSQL (a database of its own in the throwaway cluster) each instance has a data folder
of its own, so that nothing they share but the database can carry the session, the counts or
the upload. On SQLite the database is a file in the data folder, so the two share that folder,
which is also a real deployment (one machine, two processes)."""

from __future__ import annotations

import csv
import getpass
import http.cookiejar
import io
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import pytest

from . import test_worker_kill
from .conftest import FAMILY
from .mail_helpers import _free_port
from .test_behind_nginx import NGINX, _wait_for, throwaway_certificate
from .test_security_review import PRODUCTION_KEY, _NoRedirects

PASSWORD = "a long enough password 42"
ANA, BO = "ana@example.com", "bo@example.com"
PEOPLE = 120  # each gets one email; enough that two workers polling once a second both take some
API_RATE = 6  # requests a minute per token (CRAFTPATH_API_RATE) for the test

SETUP = f"""
import sys
from pathlib import Path
from craftpath.web.serve import migrate, setup_django
setup_django(sys.argv[1]); migrate()
from craftpath.core.formats import load
from craftpath.web.accounts.models import Role, User
from craftpath.web.api import tokens
from craftpath.web.checkins import loop
from craftpath.web.frameworks.publishing import publish_framework
seed = load([Path(sys.argv[2])])
publish_framework(seed.framework, seed.diagnostics)
ana = User.objects.create_user("{ANA}", "{PASSWORD}", name="Ana Silva", family_slug="{FAMILY}",
                               level_slug="level-4", track_slugs=["all"])
ana.grant(Role.ENGINEER)
User.objects.create_user("{BO}", "{PASSWORD}", name="Bo Berg").grant(Role.ENGINEER)
User.objects.bulk_create([User(email=f"p{{i}}@example.com", name=f"P{{i}}")
                          for i in range({PEOPLE})])
print(loop.start(ana, include_next=False).pk, tokens.create(ana, "test", "read").secret)
"""

# Run once both workers beat: one email to each of PEOPLE, queued as the app queues them (in
# tasks of 50), and once more per email, so that the workers race for the same rows. Waits
# until every email is marked sent and prints on how many workers the tasks ran.
QUEUE = """
import sys, time
from craftpath.web.serve import setup_django
setup_django(sys.argv[1])
from django_tasks_db.models import DBTaskResult
from craftpath.web.accounts.models import User
from craftpath.web.notifications.models import EmailState, Kind, Notification, WorkerBeat
from craftpath.web.notifications.notify import notify
from craftpath.web.notifications.tasks import deliver_emails
deadline = time.monotonic() + 120  # a wait on a busy machine, not a speed check
while WorkerBeat.objects.count() < 2:
    assert time.monotonic() < deadline, "the two workers did not start"
    time.sleep(0.2)
ids = notify(Kind.CYCLE_LAUNCHED, User.objects.filter(email__regex=r"^p[0-9]+@"), "A cycle")
for pk in ids:
    deliver_emails.enqueue([pk])
sent = Notification.objects.filter(pk__in=ids, email_state=EmailState.SENT)
while sent.count() < len(ids):
    assert time.monotonic() < deadline, f"{sent.count()} of {len(ids)} sent"
    time.sleep(0.2)
print(len({worker for result in DBTaskResult.objects.all() for worker in result.worker_ids}))
"""

# Fixtures shared with the worker-kill test: a database of its own on the PostgreSQL test
# cluster (None on SQLite, the file in the data folder), and a loopback SMTP server.
database_url, smtp = test_worker_kill.database_url, test_worker_kill.smtp

# The guide's block with an upstream of the two apps, round-robin (nginx's default), and a
# header naming the instance that answered, so the test knows which one it spoke to.
UPSTREAM = """
    upstream craftpath {{
        server 127.0.0.1:{first_port};
        server 127.0.0.1:{second_port};
    }}
    server {{"""
ROUND_ROBIN = (NGINX.replace("\n    server {{", UPSTREAM, 1)
               .replace("proxy_pass http://127.0.0.1:{app_port};",
                        "proxy_pass http://craftpath;\n"
                        "            add_header X-Instance $upstream_addr always;"))


class Browser:
    """One person's browser through the proxy: its own cookies, no redirects followed, and
    each answer's instance (nginx's X-Instance) noted."""

    def __init__(self, site: str, trusted: ssl.SSLContext):
        self.site = site
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=trusted), _NoRedirects,
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def go(self, path: str, data: bytes | None = None, headers: dict | None = None):
        """(status, instance, body) of one request."""
        request = urllib.request.Request(self.site + path, data=data, headers={
            "Referer": f"{self.site}/", **(headers or {})})
        try:
            with self.opener.open(request, timeout=60) as reply:
                return reply.status, reply.headers["X-Instance"], reply.read()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.headers["X-Instance"], refused.read()

    def token(self, path: str) -> str:
        status, _instance, page = self.go(path)
        assert status == 200, (path, status)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()

    def sign_in(self, email: str, password: str):
        """One request (the form's token is fetched once), so that round-robin spreads
        attempts over both instances."""
        self.csrf = getattr(self, "csrf", None) or self.token("/accounts/login/")
        form = {"csrfmiddlewaretoken": self.csrf, "username": email, "password": password}
        return self.go("/accounts/login/", urllib.parse.urlencode(form).encode())


def _multipart(fields: dict, name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
             .encode() for key, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                 + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


@pytest.mark.subprocess
def test_two_instances_and_two_workers_behind_one_proxy(tmp_path, database_url, smtp,
                                                         seeds_dir):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: scripts/install-system installs it"
    assert "upstream craftpath" in ROUND_ROBIN and "proxy_pass http://craftpath;" in ROUND_ROBIN, \
        "the guide's nginx block changed shape: make the upstream again"
    received, smtp_port = smtp
    root = tmp_path / "proxy"
    root.mkdir()
    throwaway_certificate(root)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",
                                                             "DJANGO_SETTINGS_MODULE")}
    env.update(CRAFTPATH_PRODUCTION="1", CRAFTPATH_SECRET_KEY=PRODUCTION_KEY,
               CRAFTPATH_ALLOWED_HOSTS="localhost", CRAFTPATH_BEHIND_PROXY="1",
               CRAFTPATH_BASE_URL="https://localhost", CRAFTPATH_API_RATE=str(API_RATE),
               CRAFTPATH_EMAIL_HOST="127.0.0.1", CRAFTPATH_EMAIL_PORT=str(smtp_port),
               CRAFTPATH_EMAIL_TLS="0", CRAFTPATH_ACCESS_LOG="0")
    if database_url:  # PostgreSQL: nothing shared but the database
        env["DATABASE_URL"] = database_url
        folders = [tmp_path / "data-first", tmp_path / "data-second"]
    else:  # SQLite: the database file is in the one data folder both use
        folders = [tmp_path / "data"] * 2
    made = subprocess.run([sys.executable, "-c", SETUP, str(folders[0]), str(seeds_dir)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    checkin_pk, api_token = made.stdout.split()

    ports, tls_port = [_free_port(), _free_port()], _free_port()
    (root / "nginx.conf").write_text(ROUND_ROBIN.format(
        root=root, first_port=ports[0], second_port=ports[1], tls_port=tls_port,
        user=f"user {getpass.getuser()};" if os.geteuid() == 0 else ""))
    quiet = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    apps = [subprocess.Popen([sys.executable, "-m", "craftpath.cli", "serve", "--port",
                              str(port), "--data-dir", str(folder), "--no-worker"], **quiet)
            for port, folder in zip(ports, folders, strict=True)]
    workers = [subprocess.Popen([sys.executable, "-m", "craftpath.cli", "worker",
                                 "--data-dir", str(folder)], **quiet) for folder in folders]
    queue = subprocess.Popen([sys.executable, "-c", QUEUE, str(folders[1])], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proxy = subprocess.Popen([nginx, "-p", str(root), "-c", str(root / "nginx.conf"), "-g",
                              "daemon off;"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        plain = urllib.request.build_opener(_NoRedirects)
        for port, app in zip(ports, apps, strict=True):  # both up before nginx may pass anything on
            _wait_for(f"http://127.0.0.1:{port}/healthz", plain, app)
        trusted = ssl.create_default_context(cafile=str(root / "cert.pem"))
        site = f"https://localhost:{tls_port}"
        instances = {f"127.0.0.1:{port}" for port in ports}

        # 1. A session made on one instance works on the other.
        ana = Browser(site, trusted)
        status, signed_in_on, _ = ana.sign_in(ANA, PASSWORD)
        assert status == 302, status
        seen = {signed_in_on}
        for _ in range(4):
            status, instance, home = ana.go("/home/")
            assert status == 200 and b"Ana Silva" in home, (status, instance)
            seen.add(instance)
        assert seen == instances, seen

        # 2a. The sign-in throttle counts failures on both: five wrong passwords for Bo, spread
        # over the two, pause Bo's sign-in on both, even with the right password.
        bo = Browser(site, trusted)
        failed_on = {bo.sign_in(BO, "not the password")[1] for _ in range(5)}
        assert failed_on == instances, failed_on
        for _ in range(2):
            status, instance, page = bo.sign_in(BO, PASSWORD)
            assert status == 429 and b"Too many failed sign-ins" in page, (status, instance)

        # 2b. The API's rate limit (a one-minute window per token) counts on both.
        if time.time() % 60 > 55:  # the window would turn during these: start in the next
            time.sleep(60 - time.time() % 60)
        window = int(time.time() // 60)
        answers = [ana.go("/api/v1/people/me", headers={"Authorization": f"Bearer {api_token}"})
                   [:2] for _ in range(API_RATE + 1)]
        assert int(time.time() // 60) == window, "the minute turned: a busy machine"
        assert [status for status, _ in answers] == [200] * API_RATE + [429], answers
        assert {instance for _, instance in answers} == instances, answers

        # 3. A spreadsheet uploaded through one instance is read back through the other.
        status, exported_on, sheet = ana.go(f"/checkins/{checkin_pk}/export.csv")
        assert status == 200, status
        table = list(csv.reader(io.StringIO(sheet.decode("utf-8-sig"))))
        for row in table[1:]:
            row[4] = "Meets"
        filled = io.StringIO()
        csv.writer(filled).writerows(table)
        status, _instance, form = ana.go(f"/checkins/{checkin_pk}/import/")
        fields = {name.decode(): value.decode() for name, value in re.findall(
            rb'name="(csrfmiddlewaretoken|fingerprint)" value="([^"]*)"', form)}
        body, content_type = _multipart(fields, "filled.csv", filled.getvalue().encode())
        status, uploaded_on, page = ana.go(f"/checkins/{checkin_pk}/import/", body,
                                           {"Content-Type": content_type})
        assert status == 302, (status, fields.keys(), page[-3000:])
        for _ in range(2):  # round-robin: the next request or the one after is the other
            status, read_on, sheet = ana.go(f"/checkins/{checkin_pk}/export.csv")
            if read_on != uploaded_on:
                break
        assert status == 200 and read_on != uploaded_on, (uploaded_on, read_on)
        rows = list(csv.reader(io.StringIO(sheet.decode("utf-8-sig"))))[1:]
        assert len(rows) == len(table) - 1 and {row[4] for row in rows} == {"Meets"}

        # 4. Emails queued once, with both workers running, are each sent exactly once.
        out, errors = queue.communicate(timeout=180)
        assert queue.returncode == 0, errors
        assert out.split() == ["2"], "both workers took tasks (a race really happened)"
        time.sleep(1)  # a second send would have come with the first; give it time to land
        arrived = Counter(m["To"] for m in received.messages)
        assert len(arrived) == PEOPLE and set(arrived.values()) == {1}, arrived.most_common(3)
        assert len({m["Message-ID"] for m in received.messages}) == PEOPLE
    finally:
        for process in (proxy, queue, *workers, *apps):
            process.terminate()
        for process in (proxy, queue, *workers, *apps):
            process.wait(timeout=30)
