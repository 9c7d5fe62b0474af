"""The authorisation matrix: every URL pattern the resolver knows, for every role, against the
role's own object, a report's object and a stranger's object, gives the declared status.

Routes are enumerated from the resolver, so a new route with no rule below fails
test_every_route_has_a_rule. Roles are played by the small_org fixture: engineer = Ian,
manager = Mia (Eva is her indirect report, Sol is a stranger), people team = Pia, admin = Ada.
"Own", "report" and "stranger" objects are Ian's/Mia's/Pia's/Ada's own, Eva's and Sol's: their
profile, their private note (written by themselves), their admin page.

Statuses: 200 shown, 302 redirected (to sign-in, or onwards after a change), 403 seen but not
allowed, 404 not visible (people and notes a viewer may not see do not exist for them), 405
wrong method. Each case runs in a transaction that is rolled back, so deletes do not leak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLResolver, get_resolver

from craftpath.web.accounts.models import Note, Team, User

from .conftest import FAMILY

ROLES = ("anonymous", "engineer", "manager", "people", "admin")
OBJECTS = ("own", "report", "stranger")


@dataclass(frozen=True)
class Rule:
    expect: dict  # role → status, or role → (own, report, stranger)
    method: str = "get"
    query: str = ""

    @property
    def scoped(self) -> bool:
        return any(isinstance(value, tuple) for value in self.expect.values())


def each(status: int) -> dict:
    return dict.fromkeys(ROLES, status)


def roles(anonymous, engineer, manager, people, admin) -> dict:
    return dict(zip(ROLES, (anonymous, engineer, manager, people, admin), strict=True))


PUBLIC = Rule(each(200))
SIGNED_IN = Rule(roles(302, 200, 200, 200, 200))
ADMIN_SITE = Rule(roles(302, 302, 302, 302, 200))  # non-admins go to the admin sign-in
ALL = (302, 302, 302)


def admin_object(admin_status: int, method: str = "get") -> Rule:
    return Rule(roles(ALL, ALL, ALL, ALL, (admin_status,) * 3), method)


# Framework pages: public, the same for everyone (they are what the static site shows).
PAGES = {
    "": PUBLIC, "index.html": PUBLIC, "glossary.html": PUBLIC, "search.html": PUBLIC,
    "search-index.js": PUBLIC, "print.html": PUBLIC, "print.pdf": PUBLIC,
    "framework.json": PUBLIC, "<slug:family>/matrix.html": PUBLIC,
    "<slug:family>/<slug:level>.html": PUBLIC, "<slug:family>/<slug:level>.pdf": PUBLIC,
    "<slug:family>/areas/<slug:area>.html": PUBLIC, "<slug:family>/compare/": PUBLIC,
    "<slug:family>/compare/index.html": PUBLIC,
    "<slug:family>/compare/<slug:before>/<slug:after>.html": PUBLIC,
}

RULES = {
    **PAGES,
    **{f"v/<slug:version>/{route}": rule for route, rule in PAGES.items()},
    "versions/": PUBLIC,
    "healthz": PUBLIC,
    # Sign-in and passwords.
    "accounts/login/": Rule(roles(200, 302, 302, 302, 302)),  # signed in: sent on
    "accounts/logout/": Rule(each(302), method="post"),
    "accounts/password/": SIGNED_IN,
    "accounts/password/done/": SIGNED_IN,
    "accounts/password/reset/": PUBLIC,
    "accounts/password/reset/sent/": PUBLIC,
    "accounts/password/reset/<uidb64>/<token>/": PUBLIC,  # a bad link says so
    "accounts/password/reset/complete/": PUBLIC,
    "accounts/sso/": Rule(each(404)),  # single sign-on is off here; test_oidc turns it on
    "accounts/sso/callback/": Rule(each(404)),
    # People.
    "people/": SIGNED_IN,
    "people/me/": Rule(roles(302, 302, 302, 302, 302)),
    "people/directory.csv": Rule(roles(302, 403, 403, 200, 200)),
    "people/<int:pk>/": Rule(roles(ALL, (200, 404, 404), (200, 200, 404), (200, 200, 200),
                                   (200, 200, 200))),
    "people/<int:pk>/notes/": Rule(roles(ALL, (302, 404, 404), (302, 302, 404),
                                         (302, 403, 403), (302, 403, 403)), method="post"),
    # The object is the person's own private note: nobody else reads or deletes it.
    "people/<int:pk>/notes/<int:note_pk>/": Rule(roles(ALL, *[(200, 404, 404)] * 4)),
    "people/<int:pk>/notes/<int:note_pk>/delete/": Rule(
        roles(ALL, *[(302, 404, 404)] * 4), method="post"),
    # The admin site: admins only; Django sends everyone else to its sign-in page.
    "admin/": ADMIN_SITE,
    "admin/login/": Rule(roles(200, 200, 200, 200, 302)),  # non-admins are told to switch
    "admin/logout/": Rule(each(302), method="post"),  # admins: signed out, then on
    "admin/password_change/": ADMIN_SITE,
    "admin/password_change/done/": ADMIN_SITE,
    "admin/autocomplete/": Rule(ADMIN_SITE.expect, query="?app_label=accounts&"
                                "model_name=user&field_name=manager&term=a"),
    "admin/jsi18n/": ADMIN_SITE,
    "admin/r/<path:content_type_id>/<path:object_id>/": Rule(roles(302, 302, 302, 302, 404)),
    "admin/^(?P<app_label>axes|accounts)/$": ADMIN_SITE,
    "admin/(?P<url>.*)$": Rule(roles(302, 302, 302, 302, 404)),
    "admin/accounts/user/import/": ADMIN_SITE,
    "admin/accounts/user/export/": ADMIN_SITE,
    "admin/accounts/user/": ADMIN_SITE,
    "admin/accounts/user/add/": ADMIN_SITE,
    "admin/accounts/user/<path:object_id>/history/": admin_object(200),
    "admin/accounts/user/<path:object_id>/delete/": admin_object(200),
    "admin/accounts/user/<path:object_id>/change/": admin_object(200),
    "admin/accounts/user/<path:object_id>/": admin_object(302),  # on to change/
    "admin/accounts/team/": ADMIN_SITE,
    "admin/accounts/team/add/": ADMIN_SITE,
    "admin/accounts/team/<path:object_id>/history/": ADMIN_SITE,
    "admin/accounts/team/<path:object_id>/delete/": ADMIN_SITE,
    "admin/accounts/team/<path:object_id>/change/": ADMIN_SITE,
    "admin/accounts/team/<path:object_id>/": Rule(roles(302, 302, 302, 302, 302)),
}
# Check-ins. Objects: the person's open check-in (their closed one for the packet), their
# evidence item, focus statement and goal. Posts carry no data, so an allowed one is refused
# by the check-in itself and comes back to its page (302) with the reason.
VIEW_PROGRESS = roles(ALL, (200, 404, 404), (200, 200, 404), (200, 200, 200), (200, 404, 404))
CHANGE_PROGRESS = roles(ALL, (302, 404, 404), (302, 302, 404), (302, 403, 403), (302, 404, 404))
OWN_ONLY = roles(ALL, *[(200, 404, 404)] * 4)
RULES.update({
    "checkins/": SIGNED_IN,
    "checkins/start/": Rule(each(302), method="post"),  # each already has one open: sent back
    "checkins/team/": Rule(roles(302, 403, 200, 403, 403)),
    "checkins/evidence/": SIGNED_IN,
    "checkins/evidence/<int:pk>/": Rule(OWN_ONLY),
    "checkins/evidence/<int:pk>/delete/": Rule(roles(ALL, *[(302, 404, 404)] * 4), "post"),
    "checkins/people/<int:pk>/": Rule(VIEW_PROGRESS),
    "checkins/people/<int:pk>/focus/": Rule(CHANGE_PROGRESS, "post"),
    "checkins/people/<int:pk>/goals/": Rule(CHANGE_PROGRESS, "post"),
    "checkins/focus/<int:pk>/delete/": Rule(CHANGE_PROGRESS, "post"),
    "checkins/goals/<int:pk>/": Rule(CHANGE_PROGRESS, "post"),
    "checkins/<int:pk>/": Rule(VIEW_PROGRESS),
    "checkins/<int:pk>/areas/<slug:area>/": Rule(VIEW_PROGRESS),
    "checkins/<int:pk>/compare/": Rule(VIEW_PROGRESS),
    "checkins/<int:pk>/export.<str:fmt>": Rule(VIEW_PROGRESS),
    "checkins/<int:pk>/packet.<str:fmt>": Rule(VIEW_PROGRESS),
    "checkins/<int:pk>/ratings/": Rule(CHANGE_PROGRESS, "post"),
    "checkins/<int:pk>/submit/": Rule(CHANGE_PROGRESS, "post"),
    "checkins/<int:pk>/outcomes/": Rule(CHANGE_PROGRESS, "post"),
    "checkins/<int:pk>/outcomes/matching/": Rule(CHANGE_PROGRESS, "post"),
    "checkins/<int:pk>/summary/": Rule(CHANGE_PROGRESS, "post"),
    "checkins/<int:pk>/carry/": Rule(CHANGE_PROGRESS, "post"),
    # Only the person adds evidence and imports a self-assessment; only a manager closes.
    "checkins/<int:pk>/evidence/": Rule(roles(ALL, (302, 404, 404), (302, 403, 404),
                                              (302, 403, 403), (302, 404, 404)), "post"),
    "checkins/<int:pk>/import/": Rule(roles(ALL, (200, 404, 404), (200, 403, 404),
                                            (200, 403, 403), (200, 404, 404))),
    "checkins/<int:pk>/close/": Rule(roles(ALL, (403, 404, 404), (403, 302, 404),
                                           (403, 403, 403), (403, 404, 404)), "post"),
})
# The audit trail: everyone reads who looked at their own data; the people team searches it.
RULES.update({
    "audit/": Rule(roles(302, 403, 403, 200, 403)),
    "audit/me/": SIGNED_IN,
})
# Data rights: everyone downloads their own data; the people team erases others, never
# themselves (admins see everyone but erase nobody: 403).
RULES.update({
    "rights/": SIGNED_IN,
    "rights/my-data.zip": SIGNED_IN,
    "rights/people/<int:pk>/erase/": Rule(roles(ALL, (403, 404, 404), (403, 403, 404),
                                                (403, 200, 200), (403, 403, 403))),
})
# The second factor: anyone signed in may turn it on; nobody here has it, so the code page and
# the changes to an enrolment send them to the enrolment page.
RULES.update({
    "accounts/2fa/": SIGNED_IN,
    "accounts/2fa/verify/": Rule(each(302)),
    "accounts/2fa/recovery-codes/": Rule(each(302), method="post"),
    "accounts/2fa/off/": Rule(each(302), method="post"),
})
# Framework drafts: editors only (admins are editors); the object is one open draft. An empty
# edit is refused for want of a revision (400). Comparing versions is public, like them.
EDITORS = roles(302, 403, 403, 403, 200)
RULES.update({
    "drafts/": Rule(EDITORS),
    "drafts/new/": Rule(roles(302, 403, 403, 403, 302), "post"),
    "drafts/<int:pk>/": Rule(EDITORS),
    "drafts/<int:pk>/edit/": Rule(roles(302, 403, 403, 403, 400), "post"),
    "drafts/<int:pk>/review/": Rule(EDITORS),
    "drafts/<int:pk>/preview/": Rule(EDITORS),
    "drafts/<int:pk>/preview/<path:page>": Rule(EDITORS),
    "drafts/<int:pk>/publish/": Rule(EDITORS),
    "drafts/<int:pk>/discard/": Rule(roles(302, 403, 403, 403, 302), "post"),
    "drafts/<int:pk>/<slug:family>/": Rule(EDITORS),
    "drafts/<int:pk>/<slug:family>/areas/<slug:area>/": Rule(EDITORS),
    "versions/compare/": Rule(each(200), query="?from=v1&to=v1"),
    "versions/carry/": Rule(roles(302, 403, 403, 200, 403)),
})
# django-axes' records of sign-in attempts: admins read them, nobody adds or edits them.
for model in ("accessattempt", "accessfailurelog", "accesslog"):
    RULES.update({
        f"admin/axes/{model}/": ADMIN_SITE,
        f"admin/axes/{model}/add/": Rule(roles(302, 302, 302, 302, 403)),
        f"admin/axes/{model}/<path:object_id>/history/": ADMIN_SITE,
        f"admin/axes/{model}/<path:object_id>/delete/": ADMIN_SITE,
        f"admin/axes/{model}/<path:object_id>/change/": ADMIN_SITE,
        f"admin/axes/{model}/<path:object_id>/": Rule(roles(302, 302, 302, 302, 302)),
    })


def routes() -> list[str]:
    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)
    return list(walk(get_resolver()))


def cases_of(route: str) -> list[tuple[str, str, int]]:
    rule = RULES[route]
    if not rule.scoped:
        return [(role, "none", status) for role, status in rule.expect.items()]
    return [(role, obj, statuses[i]) for role, statuses in rule.expect.items()
            for i, obj in enumerate(OBJECTS)]


ROUTES = routes()
CASE_COUNT = sum(len(cases_of(route)) for route in ROUTES if route in RULES)


def test_every_route_has_a_rule_and_every_rule_a_route():
    missing = [route for route in ROUTES if route not in RULES]
    assert not missing, f"routes with no access rule in {__name__}: {missing}"
    assert not set(RULES) - set(ROUTES), "rules for routes that no longer exist"
    print(f"authorisation matrix: {len(ROUTES)} routes, {CASE_COUNT} cases")
    assert CASE_COUNT > 400


class Rollback(Exception):
    pass


def _url(route: str, values: dict) -> str:
    fixed = {"admin/^(?P<app_label>axes|accounts)/$": "admin/accounts/",
             "admin/(?P<url>.*)$": "admin/nothing-here/"}
    if route in fixed:
        return "/" + fixed[route]
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


@pytest.fixture
def world(small_org, published_seed, monkeypatch):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from craftpath.web.frameworks import pdf

    monkeypatch.setattr(pdf, "page_to_pdf", lambda page: b"%PDF-1.4 test")  # no Chromium here
    for person in User.objects.all():
        Note.objects.create(author=person, about=person, text="mine alone", private=True)
    team = Team.objects.create(name="Edge")
    fields = {"user_agent": "t", "ip_address": "127.0.0.1", "username": "x@example.com",
              "http_accept": "*/*", "path_info": "/accounts/login/"}
    axes = {"accessattempt": AccessAttempt.objects.create(**fields, get_data="", post_data="",
                                                          failures_since_start=1),
            "accessfailurelog": AccessFailureLog.objects.create(**fields),
            "accesslog": AccessLog.objects.create(**fields)}
    viewers = {"anonymous": None, "engineer": small_org.ian, "manager": small_org.mia,
               "people": small_org.pia, "admin": small_org.ada}
    checkins = {person.pk: checkin_objects(person) for person in User.objects.all()}
    from craftpath.web.frameworks.drafts import open_draft

    draft = open_draft(small_org.ada)
    for objects in checkins.values():
        objects["drafts/<int:pk>"] = draft.pk
    return small_org, published_seed, team, axes, viewers, checkins


def checkin_objects(person) -> dict:
    """Route parameter → this person's object, for the check-in routes."""
    from craftpath.web.checkins.models import Evidence, FocusStatement, Goal

    from .checkin_helpers import open_and_closed

    open_one, closed = open_and_closed(person)
    return {"checkins/<int:pk>/packet": closed.pk, "checkins/<int:pk>/": open_one.pk,
            "checkins/evidence/": Evidence.objects.create(owner=person, title="x").pk,
            "checkins/focus/": FocusStatement.objects.create(
                person=person, family_slug=FAMILY, statement_id="ml-ops.level-3.1").pk,
            "checkins/goals/<int:pk>/": Goal.objects.create(person=person, title="x").pk}


def _values(route, obj, viewer, world) -> dict:
    org, version, team, axes, _, checkins = world
    person = {"own": viewer or org.ian, "report": org.eva, "stranger": org.sol,
              "none": org.eva}[obj]
    object_id = person.pk
    if "/team/" in route:
        object_id = team.pk
    for model, row in axes.items():
        if f"/{model}/" in route:
            object_id = row.pk
    pk = next((value for prefix, value in checkins[person.pk].items()
               if route.startswith(prefix)), person.pk)
    return {"pk": pk, "note_pk": Note.objects.get(author=person, about=person).pk,
            "fmt": "md" if "packet" in route else "csv",
            "object_id": object_id, "content_type_id": ContentType.objects.get_for_model(User).pk,
            "family": FAMILY, "level": "level-3", "area": "ml-ops", "before": "level-4",
            "after": "level-3", "version": version.label, "uidb64": "MQ", "token": "bad-token",
            "page": "glossary.html"}


@pytest.mark.parametrize("route", [route for route in ROUTES if route in RULES])
def test_route(route, world, client):
    rule = RULES[route]
    viewers = world[4]
    wrong = []
    for role, obj, expected in cases_of(route):
        viewer = viewers[role]
        url = _url(route, _values(route, obj, viewer, world)) + rule.query
        try:
            with transaction.atomic():
                client.logout()
                if viewer is not None:
                    client.force_login(viewer)
                status = getattr(client, rule.method)(url).status_code
                raise Rollback
        except Rollback:
            pass
        if status != expected:
            wrong.append(f"{role} on {obj}: {rule.method.upper()} {url} gave {status}, "
                         f"expected {expected}")
    assert not wrong, "\n".join(wrong)
