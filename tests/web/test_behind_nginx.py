"""Production behind a real reverse proxy: Debian's nginx terminates TLS with a throwaway
certificate and passes requests to `craftpath serve` in production mode, which trusts its
X-Forwarded-* headers (CRAFTPATH_BEHIND_PROXY); a person signs in through it. The nginx block
is the production guide's, with the test's paths and ports."""

from __future__ import annotations

import getpass
import http.cookiejar
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .test_security_review import PRODUCTION_KEY, _free_port, _NoRedirects

EMAIL, PASSWORD = "ana@example.com", "a long enough password 42"
SETUP = """
import sys
from craftpath.web.serve import migrate, setup_django
setup_django(sys.argv[1]); migrate()
from craftpath.web.accounts.models import User
User.objects.create_user(sys.argv[2], sys.argv[3], name="Ana Silva")
"""
NGINX = """
worker_processes 1;
{user}
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {root}/body; proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi; uwsgi_temp_path {root}/uwsgi; scgi_temp_path {root}/scgi;
    server {{
        listen 127.0.0.1:{tls_port} ssl;
        server_name localhost;
        ssl_certificate     {root}/cert.pem;
        ssl_certificate_key {root}/key.pem;
        client_max_body_size 25m;
        location / {{
            proxy_pass http://127.0.0.1:{app_port};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Host $http_host;
        }}
    }}
}}
"""


def test_the_proxy_block_is_the_production_guides():
    guide = (Path(__file__).parents[2] / "docs" / "how-to" / "production.md").read_text()
    for line in NGINX.splitlines():
        if line.strip().startswith(("proxy_set_header", "client_max_body_size")):
            assert line.strip() in guide, line


def _wait_for(url: str, opener, process, seconds: float = 120) -> None:
    """A wait for a server to come up on a busy machine, not a speed check."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            opener.open(url, timeout=5).read()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def throwaway_certificate(root: Path) -> None:
    """A self-signed certificate for localhost, a day long: root/cert.pem and root/key.pem."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem")],
                   check=True, capture_output=True, timeout=60)


@pytest.mark.subprocess
def test_a_person_signs_in_through_nginx_with_tls(tmp_path: Path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: scripts/install-system installs it"
    root, data = tmp_path / "proxy", tmp_path / "data"
    root.mkdir()
    throwaway_certificate(root)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",
                                                             "DJANGO_SETTINGS_MODULE")}
    env.update(CRAFTPATH_PRODUCTION="1", CRAFTPATH_SECRET_KEY=PRODUCTION_KEY,
               CRAFTPATH_ALLOWED_HOSTS="localhost", CRAFTPATH_BEHIND_PROXY="1",
               CRAFTPATH_BASE_URL="https://localhost")
    made = subprocess.run([sys.executable, "-c", SETUP, str(data), EMAIL, PASSWORD], env=env,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    app_port, tls_port = _free_port(), _free_port()
    (root / "nginx.conf").write_text(NGINX.format(
        root=root, app_port=app_port, tls_port=tls_port,
        user=f"user {getpass.getuser()};" if os.geteuid() == 0 else ""))
    app = subprocess.Popen([sys.executable, "-m", "craftpath.cli", "serve", "--port",
                            str(app_port), "--data-dir", str(data), "--no-worker"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    proxy = subprocess.Popen([nginx, "-p", str(root), "-c", str(root / "nginx.conf"), "-g",
                              "daemon off;"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        trusted = ssl.create_default_context(cafile=str(root / "cert.pem"))
        cookies = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPSHandler(context=trusted),
                                              urllib.request.HTTPCookieProcessor(cookies))
        site = f"https://localhost:{tls_port}"
        _wait_for(f"{site}/healthz", browser, app)
        with browser.open(f"{site}/accounts/login/") as reply:
            form = reply.read().decode()
            assert "max-age=31536000" in reply.headers["Strict-Transport-Security"]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        sign_in = urllib.request.Request(
            f"{site}/accounts/login/", method="POST", headers={"Referer": f"{site}/"},
            data=urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": EMAIL,
                                         "password": PASSWORD}).encode())
        with browser.open(sign_in) as reply:  # redirected on to the home page
            home = reply.read().decode()
            assert reply.url.startswith(site) and "/accounts/login/" not in reply.url
        assert "Ana Silva" in home
        assert {c.name for c in cookies} >= {"__Host-sessionid", "__Host-csrftoken"}
        assert all(c.secure for c in cookies)
        # The backend's own port, over plain HTTP: pages go to HTTPS; the health probes answer,
        # even asked by address (a load balancer's probe), which no page would be.
        plain = urllib.request.build_opener(_NoRedirects)
        assert plain.open(f"http://127.0.0.1:{app_port}/healthz").status == 200
        assert plain.open(f"http://127.0.0.1:{app_port}/readyz").status == 200
        with pytest.raises(urllib.error.HTTPError) as redirected:
            plain.open(urllib.request.Request(f"http://127.0.0.1:{app_port}/accounts/login/",
                                              headers={"Host": "localhost"}))
        assert redirected.value.code == 301
    finally:
        for process in (proxy, app):
            process.terminate()
            process.wait(timeout=30)
