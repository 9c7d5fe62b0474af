"""Every form the pages show, filled with hostile values, is answered without a server error.

Each demo sign-in (engineer, manager, head, people team, admin) walks the app from its home
page along its own links, collecting the POST forms it is shown. Each form is then sent
several times, each time with one field set to a hostile value (three per field, rotating
through the list) and the others as the page drew them. Any answer is fine but a 500: a
refusal, a form shown again with a message, a redirect. Django's test client raises a
view's exception, so a traceback fails the test with its stack.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from craftpath.web.accounts.models import User

pytestmark = pytest.mark.django_db

# One digit in another script, a number past any column, a negative, an empty value, a huge
# text, markup, a float past float, an ISO date that does not exist, a line break pair.
HOSTILE = ["²", "9" * 40, "-1", "", "x" * 70_000, "<b>x</b>", "1e309", "2026-02-30", "a\r\nb"]
# Forms that end the walk's session or change who the walker is.
SKIPPED_ACTIONS = re.compile(r"/(logout|password|two-factor|2fa)/|/admin/logout/")
MAX_PAGES = 60


class _Forms(HTMLParser):
    """The links and the POST forms of one page, with each field's drawn value."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and attrs.get("name"):
            kind = (attrs.get("type") or "").lower()
            if tag == "input" and kind in ("checkbox", "radio") and "checked" not in attrs:
                self._form["fields"].setdefault(attrs["name"], None)
            elif tag == "input" and kind not in ("submit", "button", "file", "image"):
                self._form["fields"][attrs["name"]] = attrs.get("value") or ""
            elif tag == "textarea":
                self._form["fields"][attrs["name"]] = ""
            elif tag == "select":
                self._select = attrs["name"]
                self._form["fields"].setdefault(attrs["name"], "")
        elif tag == "option" and self._form is not None and self._select:
            if not self._form["fields"].get(self._select):
                self._form["fields"][self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _walk(client) -> dict[str, tuple[str, dict]]:
    """The POST forms reachable from the home page, one per action path shape."""
    queue, seen, forms = ["/"], set(), {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path)
        assert answer.status_code < 500, f"GET {path}: {answer.status_code}"
        if answer.status_code != 200 or "html" not in answer.get("Content-Type", ""):
            continue
        page = _Forms()
        page.feed(answer.content.decode())
        for href in page.links:
            target = urlsplit(urljoin(path, href))
            if (not target.netloc and target.path.startswith("/")
                    and not target.path.startswith(("/static/", "/admin/", "/api/"))
                    and not target.path.endswith((".pdf", ".csv", ".xlsx", ".zip", ".json"))):
                queue.append(target.path)
        for form in page.forms:
            action = urlsplit(urljoin(path, form["action"])).path or path
            shape = re.sub(r"\d+", "N", action)
            if not SKIPPED_ACTIONS.search(action) and shape not in forms:
                forms[shape] = (action, {k: v for k, v in form["fields"].items()
                                         if v is not None})
    return forms


@pytest.mark.parametrize("sign_in", ["farah", "chen", "amara", "pat", "alex"])
def test_every_form_takes_hostile_values_without_a_server_error(shared_demo_org, client,
                                                                sign_in):
    walker = User.objects.get(email=f"{sign_in}@demo.craftpath.example")
    client.force_login(walker)
    forms = _walk(client)
    assert forms, f"{sign_in} was shown no form to fill"
    sent = 0
    for action, fields in forms.values():
        names = [n for n in fields if n != "csrfmiddlewaretoken"]
        for index, name in enumerate(names):
            # Three values per field, rotating, so every value meets every form.
            for value in HOSTILE[index % 3::3]:
                answer = client.post(action, {**fields, name: value})
                assert answer.status_code < 500, (
                    f"{sign_in}: POST {action} with {name}={value[:20]!r} answered "
                    f"{answer.status_code}")
                sent += 1
                client.force_login(walker)  # a form that signs out would end the walk
    assert sent >= len(forms)
