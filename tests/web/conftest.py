"""Fixtures for the web app: a database with the seed framework published."""

from __future__ import annotations

from pathlib import Path

import pytest

FAMILY = "ml-and-edge-ml-engineer-craft"


def publish_seed(seed_load):
    """Publishes the seed framework; its version. The fixture below, and module-wide worlds."""
    from craftpath.web.frameworks.publishing import publish_framework

    return publish_framework(seed_load.framework, seed_load.diagnostics).version


@pytest.fixture
def published_seed(db, seed_load):
    return publish_seed(seed_load)


def built_once_per_module(django_db_blocker, build):
    """For a module-scoped fixture: makes build()'s rows once for the whole module, inside a
    transaction that is rolled back when the module is done, and yields what build() returned.
    Each test still needs `db`, whose transaction then nests in this one as a savepoint, so no
    test sees another's changes. Never with transactional_db or live_server in that module:
    they need a database with nothing left open."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def family_url():
    return lambda rest="": f"/{FAMILY}/{rest}"


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium. Missing means a broken set-up, so the tests fail rather than skip."""
    from pathlib import Path

    path = Path("/usr/bin/chromium")
    if not path.exists():
        pytest.fail("Chromium is missing: install Debian's `chromium` (scripts/install-system "
                    "does); the browser and PDF tests need it")
    return str(path)


# --- people (accounts) ----------------------------------------------------------------------------

@pytest.fixture
def small_org(published_seed):
    return make_small_org()  # described there


def make_small_org():
    """Seven people: Mia (manager) → Leo (manager) → Eva (engineer); Ian (engineer) also under
    Leo; Sol (engineer) under Oto (manager), apart; Pia (people team) and Ada (admin) outside
    the chart. Every role sees someone, misses someone."""
    from types import SimpleNamespace

    from craftpath.web.accounts.models import Role, User

    def person(short, role, manager=None, level="level-4"):
        made = User.objects.create_user(f"{short}@example.com", name=short.title(),
                                        manager=manager, family_slug=FAMILY, level_slug=level,
                                        track_slugs=["all"])
        made.grant(role)
        return made

    mia = person("mia", Role.MANAGER, level="level-1")
    leo = person("leo", Role.MANAGER, mia, level="level-3")
    eva = person("eva", Role.ENGINEER, leo)
    ian = person("ian", Role.ENGINEER, leo)
    oto = person("oto", Role.MANAGER, level="level-3")
    sol = person("sol", Role.ENGINEER, oto)
    pia = person("pia", Role.PEOPLE)
    ada = person("ada", Role.ADMIN)
    return SimpleNamespace(mia=mia, leo=leo, eva=eva, ian=ian, oto=oto, sol=sol, pia=pia,
                           ada=ada)


@pytest.fixture
def client_as(client):
    """client_as(person): the test client signed in as that person."""
    def sign_in(person):
        client.force_login(person)
        return client
    return sign_in


@pytest.fixture
def client_as_engineer(client_as, small_org):
    return client_as(small_org.ian)


@pytest.fixture
def client_as_manager(client_as, small_org):
    return client_as(small_org.mia)


@pytest.fixture
def client_as_people_team(client_as, small_org):
    return client_as(small_org.pia)


@pytest.fixture
def client_as_admin(client_as, small_org):
    return client_as(small_org.ada)


DEMO_PASSWORD = "demo-password-for-tests"


@pytest.fixture
def demo_org(published_seed):
    from craftpath.web.demo import create_demo

    return create_demo(DEMO_PASSWORD)


@pytest.fixture(scope="module")
def demo_built_once(django_db_setup, django_db_blocker, seed_load):
    from craftpath.web.demo import create_demo

    def build():
        publish_seed(seed_load)
        return create_demo(DEMO_PASSWORD)

    yield from built_once_per_module(django_db_blocker, build)


@pytest.fixture
def shared_demo_org(demo_built_once, db):
    """demo_org built once for the whole module (the slowest world the tests use) and
    rolled back after it; each test's changes are rolled back after the test. Only for a
    module whose every database test wants the demo: its rows stay for the whole module."""
    return demo_built_once


DOMAIN = "demo.craftpath.example"


@pytest.fixture(scope="session")
def demo_data_template(tmp_path_factory):
    """A data folder made once per run by `craftpath demo` (SQLite: migrated, the bundled
    framework published, the demo organisation): (folder, the command's output)."""
    import os
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("demo-template") / "data"
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CRAFTPATH_DATA_DIR", "DJANGO_SETTINGS_MODULE")}
    made = subprocess.run([sys.executable, "-m", "craftpath.cli", "demo", "--data-dir",
                           str(folder)], env=env, capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    return folder, made.stdout


@pytest.fixture
def demo_data_dir(demo_data_template, tmp_path):
    """A copy of demo_data_template for one test to change: (folder, `craftpath demo`'s
    output). The command-line tests that need a data folder with people in it start from
    this instead of each migrating and building the demo again (about ten seconds each)."""
    import shutil

    template, output = demo_data_template
    folder = tmp_path / "demo-data"
    shutil.copytree(template, folder)  # file modes kept: the database stays private
    return folder, output


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, seed_load):
    """One live server over the demo organisation (Dana's check-in at the side by side) for
    a module's page tours, which only read: built and committed once, and the database
    flushed when the module is done, as transactional_db does after each test. (Through
    pytest-django's live_server every test would flush and build it again.)"""
    from django.core.management import call_command
    from django.db import connections
    from pytest_django.live_server_helper import LiveServer

    from craftpath.web.accounts.models import User
    from craftpath.web.checkins import loop
    from craftpath.web.checkins.models import CheckIn
    from craftpath.web.demo import create_demo

    from .checkin_helpers import fill

    # pytest-django makes the test database only when a selected test asks for one (db,
    # transactional_db, live_server): this fixture commits and flushes, so it must never reach
    # the configured database instead.
    name = str(connections["default"].settings_dict["NAME"])
    if not (name.startswith("test_") or name.endswith("test.db")):
        pytest.fail("the demo site needs the test database, which is made only when a selected "
                    "test asks for one: select a database test of this module too (or the "
                    "whole module)", pytrace=False)
    with django_db_blocker.unblock():
        publish_seed(seed_load)
        create_demo(DEMO_PASSWORD)
        dana = User.objects.get(email=f"dana@{DOMAIN}")
        checkin = CheckIn.objects.get(person=dana, closed_at=None)
        fill(checkin, "manager", "Meets")
        loop.submit(checkin, "manager", dana.manager)
        dana.manager.set_password(DEMO_PASSWORD)  # Bruno has no demo sign-in of his own
        dana.manager.save()
    server = LiveServer("localhost")
    try:
        yield server.url
    finally:
        server.stop()
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
        connections.close_all()


@pytest.fixture
def demo(demo_site, django_db_blocker):
    """The demo site's address, the database open to the test and its server meanwhile."""
    from django.db import connections

    with django_db_blocker.unblock():
        yield demo_site
        connections.close_all()  # as TransactionTestCase does after each test


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Without these Chromium stalls on network lookups on a machine with no internet; as root it
# needs --no-sandbox.
AXE = (Path(__file__).resolve().parents[2] / "src" / "craftpath" / "web" / "static" / "vendor"
       / "axe-core-4.14.1" / "axe.min.js")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def watched(browser, width: int, expected_404: str = "", **context_options):
    """A new page `width` pixels wide (900 tall) in a new context (`context_options`: a theme,
    a signed-in storage state…) that records console errors, uncaught errors, failed requests
    and error statuses in page.problems; a 404 for a URL ending in `expected_404` is the page
    asked for, not a problem. Returns (context, page): close the context when done."""
    context = browser.new_context(viewport={"width": width, "height": 900}, **context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.problems = []
    page.on("console", lambda message: message.type == "error"
            and page.problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
    # A request the browser itself cancelled (ERR_ABORTED: the page moved on before an icon
    # finished loading) is not a failure of the app; anything else is.
    page.on("requestfailed", lambda request: None if "ERR_ABORTED" in (request.failure or "")
            else page.problems.append(f"failed: {request.url} ({request.failure})"))
    page.on("response", lambda response: response.status >= 400
            and not (expected_404 and response.url.endswith(expected_404))
            and page.problems.append(f"{response.status}: {response.url}"))
    return context, page


def keep_screenshot(page, name: str) -> None:
    """A full-page screenshot named `name`.png for a person to look at, in the folder named by
    CRAFTPATH_SCREENSHOTS (scripts/screenshots sets it); none otherwise, as a screenshot
    asserts nothing and each one costs the suite a fraction of a second."""
    import os

    folder = os.environ.get("CRAFTPATH_SCREENSHOTS")  # a test's switch, not an app setting
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def browser(chromium):
    """Debian's Chromium under Playwright, one per test module."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the database calls of
    # the fixtures are plain synchronous code, which Django must be told is fine here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


BROWSER_PASSWORD = "a long browser-test password"


def signed_in(browser, base: str, email: str, password: str = BROWSER_PASSWORD):
    """A new 1280-px browser context signed in as `email`, on the home page sign-in leads to.
    bypass_csp: only so that the accessibility checks can inject axe-core."""
    import re

    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home/$"))
    return context, page


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page (its context must bypass CSP)."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document)).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][:3]}" for v in violations
            if v["impact"] in ("serious", "critical")]


# --- the API ------------------------------------------------------------------------------------

@pytest.fixture
def api_as(small_org):
    """api_as(person, scope="write"): a client sending a new token of that person's."""
    from .api_helpers import token_client

    return token_client


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) that keeps the messages it receives."""
    from email import message_from_bytes
    from types import SimpleNamespace

    from aiosmtpd.controller import Controller

    messages = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            messages.append(message_from_bytes(envelope.content))
            return "250 OK"

    import socket

    with socket.socket() as probe:  # aiosmtpd checks its port by connecting, so not port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    yield SimpleNamespace(port=port, messages=messages)
    controller.stop()
