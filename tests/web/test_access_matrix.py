"""The authorisation matrix: every URL pattern the resolver knows, for every role, against the
role's own object, a report's object and a stranger's object, gives the declared status.

Routes are enumerated from the resolver, so a new route with no rule below fails
test_every_route_has_a_rule. Roles are played by the small organisation (make_small_org):
engineer = Ian, manager = Mia (Eva is her indirect report, Sol is a stranger), people team =
Pia, admin = Ada.
"Own", "report" and "stranger" objects are Ian's/Mia's/Pia's/Ada's own, Eva's and Sol's: their
profile, their private note (written by themselves), their admin page.

Statuses: 200 shown, 302 redirected (to sign-in, or onwards after a change), 403 seen but not
allowed, 404 not visible (people and notes a viewer may not see do not exist for them), 405
wrong method. Each case runs in a transaction that is rolled back, so deletes do not leak.
The organisation and its objects are built once for the module (shared_world), in a transaction
rolled back after the last case; each test runs in a savepoint inside it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLResolver, get_resolver

from craftpath.web.accounts.models import Note, Team, User
from craftpath.web.checkins.models import Entry, FocusStatement, Goal

from .conftest import FAMILY, built_once_per_module, make_small_org, publish_seed

ROLES = ("anonymous", "engineer", "manager", "people", "admin")
OBJECTS = ("own", "report", "stranger")


@dataclass(frozen=True)
class Rule:
    expect: dict  # role → status, or role → (own, report, stranger)
    method: str = "get"
    query: str = ""
    body: dict | None = None  # sent as JSON (API writes)

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
    "readyz": PUBLIC,
    "metrics": Rule(each(404)),  # off unless a token or addresses are set (test_metrics.py)
    "favicon.ico": Rule(each(302)),  # to the static SVG
    # Importing a framework: admins and the people team; others are refused, not hidden.
    "import/": Rule(roles(302, 403, 403, 200, 200)),
    "import/publish/": Rule(roles(302, 403, 403, 302, 302), method="post"),  # nothing uploaded
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
    "people/org/": SIGNED_IN,  # each sees the chart of the people they may see
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
    "admin/^(?P<app_label>axes|accounts|django_tasks_database)/$": ADMIN_SITE,
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
    # The evidence assistant: suggestions for one's own typing, in one's own context.
    "checkins/evidence/suggest/": Rule(roles(302, 200, 200, 200, 200), "post"),
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
    # Which statements an item may support: the person about their items; reviewers about the
    # items cited once they may see the person's voice (here none is cited and nothing is
    # submitted, so only the person gets an answer; test_evidence_suggestions covers the rest).
    "checkins/<int:pk>/evidence/<int:evidence_pk>/suggestions/": Rule(OWN_ONLY),
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
# Insights: group figures for managers (below them) and the people team (everyone); fairness
# and the settings are the people team's; anyone records or withdraws their own attributes.
INSIGHTS = Rule(roles(302, 403, 200, 200, 403))
PEOPLE_TEAM_ONLY = Rule(roles(302, 403, 403, 200, 403))
RULES.update({
    "insights/": SIGNED_IN,
    "insights/settings/": PEOPLE_TEAM_ONLY,
    "insights/settings/assistant/": Rule(roles(302, 403, 403, 302, 403), "post"),
    "insights/attributes/": SIGNED_IN,
    "insights/attributes/withdraw/": Rule(roles(302, 302, 302, 302, 302), "post"),
})
for view in ("heatmap", "gaps", "calibration", "readiness", "completion", "trends"):
    RULES.update({f"insights/{view}/": INSIGHTS, f"insights/{view}.<str:fmt>": INSIGHTS})
RULES.update({"insights/fairness/": PEOPLE_TEAM_ONLY,
              "insights/fairness.<str:fmt>": PEOPLE_TEAM_ONLY})
# Invitations, the home page, review cycles, notifications and peer feedback. Objects: the
# person's own notification, and a feedback request asked of the person. Cycles are the
# people team's: everyone else is refused (403) whatever the cycle.
PEOPLE_TEAM_PAGE = Rule(roles(302, 403, 403, 200, 403))
PEOPLE_TEAM_POST = Rule(roles(302, 403, 403, 302, 403), "post")
RULES.update({
    "accounts/invitation/<str:token>/": Rule(each(404)),  # a bad token says so
    # Admins and the people team invite; others may see the person but not invite them.
    "people/<int:pk>/invite/": Rule(roles(ALL, (403, 404, 404), (403, 403, 404),
                                          (302, 302, 302), (302, 302, 302)), "post"),
    "home/": SIGNED_IN,
    "cycles/": PEOPLE_TEAM_PAGE,
    "cycles/new/": PEOPLE_TEAM_PAGE,
    "cycles/<int:pk>/": PEOPLE_TEAM_PAGE,
    "cycles/<int:pk>/edit/": PEOPLE_TEAM_PAGE,
    "cycles/<int:pk>/discard/": PEOPLE_TEAM_POST,
    "cycles/<int:pk>/launch/": PEOPLE_TEAM_POST,
    "cycles/<int:pk>/remind/": PEOPLE_TEAM_POST,
    "cycles/<int:pk>/deadlines/": PEOPLE_TEAM_POST,
    "cycles/<int:pk>/reviewers/": PEOPLE_TEAM_POST,
    "cycles/<int:pk>/close/": PEOPLE_TEAM_POST,
    "notifications/": SIGNED_IN,
    "notifications/<int:pk>/open/": Rule(roles(ALL, *[(302, 404, 404)] * 4), "post"),
    "notifications/read/": Rule(each(302), "post"),
    "notifications/preferences/": SIGNED_IN,
    "notifications/failed/": PEOPLE_TEAM_PAGE,
    "notifications/failed/retry/": PEOPLE_TEAM_POST,
    # Feedback on a check-in is for the person and their reviewers, not the people team.
    "checkins/<int:pk>/feedback/": Rule(roles(ALL, (200, 404, 404), (200, 200, 404),
                                              (200, 403, 403), (200, 404, 404))),
    # Only the colleague asked sees a request (the statements and the person's name).
    "checkins/feedback/<int:pk>/": Rule(OWN_ONLY),
    "checkins/feedback/<int:pk>/decline/": Rule(roles(ALL, *[(302, 404, 404)] * 4), "post"),
    # django-tasks' queue: admins read it, nobody adds, edits or deletes tasks there.
    "admin/django_tasks_database/dbtaskresult/": ADMIN_SITE,
    "admin/django_tasks_database/dbtaskresult/add/": Rule(roles(302, 302, 302, 302, 403)),
    "admin/django_tasks_database/dbtaskresult/<path:object_id>/history/": ADMIN_SITE,
    "admin/django_tasks_database/dbtaskresult/<path:object_id>/delete/":
        Rule(roles(302, 302, 302, 302, 403)),
    "admin/django_tasks_database/dbtaskresult/<path:object_id>/change/": ADMIN_SITE,
    "admin/django_tasks_database/dbtaskresult/<path:object_id>/":
        Rule(roles(302, 302, 302, 302, 302)),
})
# Promotions. Objects: the person's own case (with the closed check-in it was assembled from)
# in one open round, and one committee chaired by Oto, who plays no role here. Rounds,
# committees and the export are the people team's; a case is seen as a person's progress
# (the person, managers above, the people team; admins only their own). Posts carry no data:
# whoever may make one is told what is missing (422) or sent on (302).
CASE_POST = roles(ALL, (403, 404, 404), (403, 403, 404), (403, 403, 403), (403, 404, 404))
RULES.update({
    "promotions/": SIGNED_IN,
    "promotions/rounds/new/": PEOPLE_TEAM_PAGE,
    "promotions/rounds/<int:pk>/": PEOPLE_TEAM_PAGE,
    "promotions/rounds/<int:pk>/committees/": Rule(roles(302, 403, 403, 422, 403), "post"),
    "promotions/rounds/<int:pk>/close/": PEOPLE_TEAM_POST,
    "promotions/rounds/<int:pk>/nominate/": Rule(roles(302, 403, 200, 403, 403)),
    "promotions/cases/<int:pk>/": Rule(VIEW_PROGRESS),
    "promotions/cases/<int:pk>/packet.<str:fmt>": Rule(VIEW_PROGRESS),
    # Only the person writes their statement; only the committee votes and its chair decides.
    "promotions/cases/<int:pk>/statement/": Rule(roles(
        ALL, (302, 404, 404), (302, 403, 404), (302, 403, 403), (302, 404, 404)), "post"),
    # Only the person chooses the peer feedback the committee reads (an empty post: none).
    "promotions/cases/<int:pk>/feedback/": Rule(roles(
        ALL, (302, 404, 404), (302, 403, 404), (302, 403, 403), (302, 404, 404)), "post"),
    "promotions/cases/<int:pk>/vote/": Rule(CASE_POST, "post"),
    "promotions/cases/<int:pk>/decide/": Rule(CASE_POST),
    "promotions/committees/<int:pk>/": Rule(roles(302, 404, 404, 200, 404)),
    "promotions/decisions.csv": PEOPLE_TEAM_PAGE,
    "promotions/decisions.xlsx": PEOPLE_TEAM_PAGE,
    "promotions/figures/": PEOPLE_TEAM_PAGE,
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


# The JSON API (session-authenticated here; tokens and scopes are in test_api_tokens.py).
# Anonymous callers get 401; write-only routes answer GET with 405 and are checked with their
# method and a real body in API_WRITES below. SCIM takes SCIM tokens only: a session is 401.
API_SIGNED_IN = Rule(roles(401, 200, 200, 200, 200))
API_ALL = (401, 401, 401)
API_VIEW_PROGRESS = roles(API_ALL, (200, 404, 404), (200, 200, 404), (200, 200, 200),
                          (200, 404, 404))
API_OWN_ONLY = roles(API_ALL, *[(200, 404, 404)] * 4)
API_ADMIN = Rule(roles(401, 403, 403, 403, 200))
API_PEOPLE_TEAM = Rule(roles(401, 403, 403, 200, 403))
WRITE_ONLY = Rule(each(405))
RULES.update({
    "api/v1/docs": PUBLIC, "api/v1/openapi.json": PUBLIC,
    "api/v1/": Rule(each(404)),  # ninja's root: nothing there
    "^api/v1/": Rule(each(404)),  # anything else under /api/v1/: a problem document
    "api/v1/frameworks": API_SIGNED_IN, "api/v1/frameworks/<version>": API_SIGNED_IN,
    "api/v1/frameworks/<version>/families/<family>": API_SIGNED_IN,
    "api/v1/frameworks/<version>/families/<family>/levels": API_SIGNED_IN,
    "api/v1/frameworks/<version>/families/<family>/areas": API_SIGNED_IN,
    "api/v1/frameworks/<version>/families/<family>/statements": API_SIGNED_IN,
    "api/v1/people": API_SIGNED_IN, "api/v1/people/me": API_SIGNED_IN,
    "api/v1/people/<int:pk>": Rule(roles(API_ALL, (200, 404, 404), (200, 200, 404),
                                         (200, 200, 200), (200, 200, 200))),
    "api/v1/people/<int:pk>/roles": WRITE_ONLY,
    "api/v1/teams": API_SIGNED_IN, "api/v1/teams/<int:pk>": API_SIGNED_IN,
    "api/v1/roles": API_SIGNED_IN,
    "api/v1/checkins": API_SIGNED_IN,
    "api/v1/checkins/<int:pk>": Rule(API_VIEW_PROGRESS),
    "api/v1/checkins/<int:pk>/ratings": Rule(API_VIEW_PROGRESS),
    "api/v1/checkins/<int:pk>/ratings/<statement_id>": Rule(API_VIEW_PROGRESS),
    "api/v1/checkins/<int:pk>/outcomes/<statement_id>": Rule(API_VIEW_PROGRESS),
    "api/v1/checkins/<int:pk>/submit": WRITE_ONLY,
    "api/v1/checkins/<int:pk>/summary": WRITE_ONLY,
    "api/v1/checkins/<int:pk>/close": WRITE_ONLY,
    "api/v1/evidence": API_SIGNED_IN,
    "api/v1/evidence/<int:pk>": Rule(API_OWN_ONLY),
    "api/v1/growth-plans/<int:pk>": Rule(API_VIEW_PROGRESS),
    "api/v1/growth-plans/<int:pk>/focus": WRITE_ONLY,
    "api/v1/growth-plans/<int:pk>/focus/<int:focus_pk>": WRITE_ONLY,
    "api/v1/growth-plans/<int:pk>/goals": WRITE_ONLY,
    "api/v1/growth-plans/<int:pk>/goals/<int:goal_pk>": WRITE_ONLY,
    "api/v1/webhooks": API_ADMIN, "api/v1/webhooks/events": API_SIGNED_IN,
    "api/v1/webhooks/<int:pk>": API_ADMIN, "api/v1/webhooks/<int:pk>/deliveries": API_ADMIN,
    # Review cycles: the people team's, as on the pages (everyone else is refused, 403).
    "api/v1/cycles": API_PEOPLE_TEAM, "api/v1/cycles/<int:pk>": API_PEOPLE_TEAM,
    "api/v1/cycles/<int:pk>/participants": API_PEOPLE_TEAM,
    **{f"api/v1/cycles/<int:pk>/{action}": WRITE_ONLY for action in (
        "launch", "remind", "deadlines/<stage>", "reviewers", "close")},
    # Peer feedback: for the person and their reviewers; a request for the colleague asked.
    "api/v1/checkins/<int:pk>/feedback": Rule(roles(API_ALL, (200, 404, 404), (200, 200, 404),
                                                    (200, 403, 403), (200, 404, 404))),
    "api/v1/feedback-requests": API_SIGNED_IN,
    "api/v1/feedback-requests/<int:pk>": Rule(API_OWN_ONLY),
    "api/v1/feedback-requests/<int:pk>/answer": WRITE_ONLY,
    "api/v1/feedback-requests/<int:pk>/decline": WRITE_ONLY,
    # Insights: as the pages (managers and the people team; fairness the people team's).
    "api/v1/insights": API_SIGNED_IN,
    **{f"api/v1/insights/{view}": Rule(roles(401, 403, 200, 200, 403)) for view in (
        "heatmap", "gaps", "calibration", "readiness", "completion", "trends")},
    "api/v1/insights/fairness": API_PEOPLE_TEAM,
    # Promotions: rounds and committees the people team's; a case as a person's progress;
    # votes the committee's and the people team's, never the person's (a matrix role's own
    # case), the calibration view the committee's (Oto's, no role here) and the people team's.
    "api/v1/promotions/rounds": API_PEOPLE_TEAM,
    "api/v1/promotions/rounds/<int:pk>": API_PEOPLE_TEAM,
    "api/v1/promotions/rounds/<int:pk>/committees": WRITE_ONLY,
    "api/v1/promotions/rounds/<int:pk>/cases": WRITE_ONLY,
    "api/v1/promotions/cases": API_SIGNED_IN,
    "api/v1/promotions/cases/<int:pk>": Rule(API_VIEW_PROGRESS),
    "api/v1/promotions/cases/<int:pk>/statement": WRITE_ONLY,
    "api/v1/promotions/cases/<int:pk>/feedback": WRITE_ONLY,
    "api/v1/promotions/cases/<int:pk>/votes": Rule(roles(
        API_ALL, (403, 404, 404), (403, 403, 404), (403, 200, 200), (403, 404, 404))),
    "api/v1/promotions/cases/<int:pk>/vote": WRITE_ONLY,
    "api/v1/promotions/cases/<int:pk>/decision": WRITE_ONLY,
    "api/v1/promotions/committees/<int:pk>/cases": Rule(roles(401, 404, 404, 200, 404)),
    # The token page: everyone keeps their own; a post with no scope is refused (422).
    "api/tokens/": SIGNED_IN,
    "api/tokens/new/": Rule(roles(302, 422, 422, 422, 422), "post"),
    "api/tokens/<int:pk>/revoke/": Rule(roles(ALL, *[(302, 404, 404)] * 4), "post"),
    **{f"scim/v2/{name}": Rule(each(401)) for name in (
        "Users", "Users/<str:pk>", "Groups", "Groups/<str:pk>", "ServiceProviderConfig",
        "Schemas", "ResourceTypes")},
})
API_CHANGE_PROGRESS = roles(API_ALL, (201, 404, 404), (201, 201, 404), (201, 403, 403),
                            (201, 404, 404))  # the people team reads others' plans only
API_WRITES = {
    # People, teams, roles: admins only. A made team's name is taken by the next case, so
    # each case runs in its own rolled-back transaction.
    "POST api/v1/people": Rule(roles(401, 403, 403, 403, 201), "post",
                               body={"email": "new@example.com", "name": "New"}),
    # Changed on purpose (actions/people.py): someone who may not see a person gets 404 for
    # them, as everywhere; and an admin may not set their own roles, If-Match or not.
    "PATCH api/v1/people/<int:pk>": Rule(roles(API_ALL, (403, 404, 404), (403, 403, 404),
                                               (403, 403, 403), (428, 428, 428)), "patch",
                                         body={"name": "Renamed"}),
    "PUT api/v1/people/<int:pk>/roles": Rule(roles(API_ALL, (403, 404, 404), (403, 403, 404),
                                                   (403, 403, 403), (403, 428, 428)), "put",
                                             body={"roles": ["engineer"]}),
    "POST api/v1/teams": Rule(roles(401, 403, 403, 403, 201), "post", body={"name": "New"}),
    "PATCH api/v1/teams/<int:pk>": Rule(roles(401, 403, 403, 403, 428), "patch",
                                        body={"name": "Renamed"}),
    # Check-ins: the stage refuses these posts (409) for whoever may make them.
    "POST api/v1/checkins": Rule(roles(401, 409, 409, 409, 409), "post", body={}),
    "PUT api/v1/checkins/<int:pk>/ratings/<statement_id>": Rule(
        roles(API_ALL, (428, 404, 404), (428, 428, 404), (428, 403, 403), (428, 404, 404)),
        "put", body={"value": "Meets"}),
    "PUT api/v1/checkins/<int:pk>/outcomes/<statement_id>": Rule(
        roles(API_ALL, (428, 404, 404), (428, 428, 404), (428, 403, 403), (428, 404, 404)),
        "put", body={"value": "Meets"}),
    "POST api/v1/checkins/<int:pk>/submit": Rule(
        roles(API_ALL, (409, 404, 404), (409, 409, 404), (409, 403, 403), (409, 404, 404)),
        "post", body={}),
    "PUT api/v1/checkins/<int:pk>/summary": Rule(
        roles(API_ALL, (428, 404, 404), (428, 428, 404), (428, 403, 403), (428, 404, 404)),
        "put", body={"summary": "x"}),
    "POST api/v1/checkins/<int:pk>/close": Rule(
        roles(API_ALL, (403, 404, 404), (403, 409, 404), (403, 403, 403), (403, 404, 404)),
        "post", body={}),
    "POST api/v1/evidence": Rule(roles(401, 201, 201, 201, 201), "post", body={"title": "x"}),
    "DELETE api/v1/evidence/<int:pk>": Rule(roles(API_ALL, *[(204, 404, 404)] * 4), "delete"),
    "POST api/v1/growth-plans/<int:pk>/goals": Rule(API_CHANGE_PROGRESS, "post",
                                                    body={"title": "x"}),
    "DELETE api/v1/growth-plans/<int:pk>/goals/<int:goal_pk>": Rule(roles(
        API_ALL, (204, 404, 404), (204, 204, 404), (204, 403, 403), (204, 404, 404)),
        "delete"),
    "DELETE api/v1/growth-plans/<int:pk>/focus/<int:focus_pk>": Rule(roles(
        API_ALL, (204, 404, 404), (204, 204, 404), (204, 403, 403), (204, 404, 404)),
        "delete"),
    "POST api/v1/growth-plans/<int:pk>/focus": Rule(roles(
        API_ALL, (422, 404, 404), (422, 422, 404), (422, 403, 403), (422, 404, 404)), "post",
        body={"statement_id": "no-such-statement"}),
    "POST api/v1/webhooks": Rule(roles(401, 403, 403, 403, 201), "post",
                                 body={"url": "http://203.0.114.9/hook",
                                       "events": ["person.created"]}),
    "PATCH api/v1/webhooks/<int:pk>": Rule(roles(401, 403, 403, 403, 200), "patch",
                                           body={"active": False}),
    "DELETE api/v1/webhooks/<int:pk>": Rule(roles(401, 403, 403, 403, 204), "delete"),
    # Cycles (the object is a draft cycle): creating and launching work for the people team
    # (everyone has an open check-in already, so the launch leaves them all out); a draft
    # cannot be reminded or closed (409); a deadline move needs If-Match (428).
    "POST api/v1/cycles": Rule(roles(401, 403, 403, 201, 403), "post", body={
        "name": "Autumn", "self_due": "2030-01-01", "review_due": "2030-01-08",
        "agree_due": "2030-01-15", "close_due": "2030-01-22"}),
    "POST api/v1/cycles/<int:pk>/launch": Rule(roles(401, 403, 403, 200, 403), "post", body={}),
    "POST api/v1/cycles/<int:pk>/remind": Rule(roles(401, 403, 403, 409, 403), "post", body={}),
    "POST api/v1/cycles/<int:pk>/close": Rule(roles(401, 403, 403, 409, 403), "post", body={}),
    "PUT api/v1/cycles/<int:pk>/deadlines/<stage>": Rule(roles(401, 403, 403, 428, 403), "put",
                                                         body={"date": "2030-02-01"}),
    "POST api/v1/cycles/<int:pk>/reviewers": Rule(roles(401, 403, 403, 422, 403), "post",
                                                  body={"to_email": "nobody@example.com"}),
    # Promotions: the people team opens rounds and adds committees; nobody here is on the
    # committee, so whoever may read a case is refused a vote or a decision on it (403); the
    # nomination names nobody (404); the person writes their own statement.
    "POST api/v1/promotions/rounds": Rule(roles(401, 403, 403, 201, 403), "post", body={
        "name": "Autumn", "nominate_due": "2030-01-01", "review_due": "2030-01-08",
        "decide_due": "2030-01-15"}),
    "POST api/v1/promotions/rounds/<int:pk>/committees": Rule(
        roles(401, 403, 403, 201, 403), "post",
        body={"name": "X", "family": FAMILY, "chair_email": "oto@example.com"}),
    "POST api/v1/promotions/rounds/<int:pk>/cases": Rule(
        roles(401, 404, 404, 404, 404), "post",
        body={"person_id": 999999, "target_level": "level-3", "statement": "x"}),
    "PUT api/v1/promotions/cases/<int:pk>/statement": Rule(
        roles(API_ALL, (200, 404, 404), (200, 403, 404), (200, 403, 403), (200, 404, 404)),
        "put", body={"person_statement": "x"}),
    "PUT api/v1/promotions/cases/<int:pk>/feedback": Rule(
        roles(API_ALL, (200, 404, 404), (200, 403, 404), (200, 403, 403), (200, 404, 404)),
        "put", body={"feedback_ids": []}),
    "PUT api/v1/promotions/cases/<int:pk>/vote": Rule(
        roles(API_ALL, (403, 404, 404), (403, 403, 404), (403, 403, 403), (403, 404, 404)),
        "put", body={"choice": "promote"}),
    "POST api/v1/promotions/cases/<int:pk>/decision": Rule(
        roles(API_ALL, (403, 404, 404), (403, 403, 404), (403, 403, 403), (403, 404, 404)),
        "post", body={"outcome": "promote", "reasons": "x", "effective_date": "2030-01-01"}),
    # Feedback: whoever may ask is told the colleague is unknown (422).
    "POST api/v1/checkins/<int:pk>/feedback": Rule(
        roles(API_ALL, (422, 404, 404), (422, 422, 404), (422, 403, 403), (422, 404, 404)),
        "post", body={"colleague": "nobody@example.com", "statement_ids": ["x"]}),
    "POST api/v1/feedback-requests/<int:pk>/answer": Rule(
        roles(API_ALL, *[(422, 404, 404)] * 4), "post", body={"comments": {}}),
    "POST api/v1/feedback-requests/<int:pk>/decline": Rule(
        roles(API_ALL, *[(200, 404, 404)] * 4), "post", body={}),
}


def routes() -> list[str]:
    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)
    return list(walk(get_resolver()))


def cases_of(route: str, rule: Rule | None = None) -> list[tuple[str, str, int]]:
    rule = rule or RULES[route]
    if not rule.scoped:
        return [(role, "none", status) for role, status in rule.expect.items()]
    return [(role, obj, statuses[i]) for role, statuses in rule.expect.items()
            for i, obj in enumerate(OBJECTS)]


ROUTES = list(dict.fromkeys(routes()))  # ninja gives a path one pattern per method group
CASE_COUNT = (sum(len(cases_of(route)) for route in ROUTES if route in RULES)
              + sum(len(cases_of(key, rule)) for key, rule in API_WRITES.items()))


def test_every_route_has_a_rule_and_every_rule_a_route():
    missing = [route for route in ROUTES if route not in RULES]
    assert not missing, f"routes with no access rule in {__name__}: {missing}"
    assert not set(RULES) - set(ROUTES), "rules for routes that no longer exist"
    assert {key.split(" ", 1)[1] for key in API_WRITES} <= set(ROUTES)
    print(f"authorisation matrix: {len(ROUTES)} routes, {CASE_COUNT} cases")
    assert CASE_COUNT > 400


class Rollback(Exception):
    pass


def _url(route: str, values: dict) -> str:
    fixed = {"admin/^(?P<app_label>axes|accounts|django_tasks_database)/$": "admin/accounts/",
             "admin/(?P<url>.*)$": "admin/nothing-here/",
             "^api/v1/": "api/v1/people/not-a-number"}
    if route in fixed:
        return "/" + fixed[route]
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, seed_load):
    """The world, built once for the module's ~300 cases and rolled back after the last one."""
    yield from built_once_per_module(django_db_blocker, lambda: build_world(seed_load))


@pytest.fixture
def world(shared_world, db, monkeypatch):
    from craftpath.web.frameworks import pdf

    monkeypatch.setattr(pdf, "page_to_pdf", lambda page: b"%PDF-1.4 test")  # no Chromium here
    return shared_world


def build_world(seed_load):
    """The small organisation on the published seed, and every object the cases point at."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    published_seed = publish_seed(seed_load)
    small_org = make_small_org()
    for person in User.objects.all():
        Note.objects.create(author=person, about=person, text="mine alone", private=True)
    team = Team.objects.create(name="Edge")
    fields = {"user_agent": "t", "ip_address": "127.0.0.1", "username": "x@example.com",
              "http_accept": "*/*", "path_info": "/accounts/login/"}
    axes = {"accessattempt": AccessAttempt.objects.create(**fields, get_data="", post_data="",
                                                          failures_since_start=1),
            "accessfailurelog": AccessFailureLog.objects.create(**fields),
            "accesslog": AccessLog.objects.create(**fields),
            "dbtaskresult": queued_task()}
    viewers = {"anonymous": None, "engineer": small_org.ian, "manager": small_org.mia,
               "people": small_org.pia, "admin": small_org.ada}
    checkins = {person.pk: checkin_objects(person) for person in User.objects.all()}
    from craftpath.web.frameworks.drafts import open_draft

    draft = open_draft(small_org.ada)
    for objects in checkins.values():
        objects["drafts/<int:pk>"] = draft.pk
    return small_org, published_seed, team, axes, viewers, checkins


def api_objects(person, checkin_pk: int) -> dict:
    """Route prefix → this person's object, for the API routes; the webhook endpoint is one
    for everyone (admins manage them all)."""
    from craftpath.web.api import tokens
    from craftpath.web.api.models import WebhookEndpoint
    from craftpath.web.checkins.models import Evidence

    endpoint = WebhookEndpoint.objects.first() or WebhookEndpoint.objects.create(
        url="http://127.0.0.1:9/hook", events=["person.created"], secret="whsec_AAAA")
    return {"api/v1/checkins/": checkin_pk,
            "api/v1/evidence/": Evidence.objects.create(owner=person, title="api").pk,
            "api/v1/webhooks/": endpoint.pk,
            "api/tokens/": tokens.create(person, "matrix", "read").token.pk}


def queued_task():
    from django_tasks_db.models import DBTaskResult

    from craftpath.web.notifications.tasks import deliver_emails

    return DBTaskResult.objects.get(id=deliver_emails.enqueue([]).id)


def checkin_objects(person) -> dict:
    """Route parameter → this person's object, for the check-in, notification, feedback and
    cycle routes."""
    from datetime import date

    from craftpath.web.checkins.models import Evidence, FeedbackRequest, FocusStatement, Goal
    from craftpath.web.cycles.models import Cycle
    from craftpath.web.notifications.models import Notification

    from .checkin_helpers import open_and_closed

    open_one, closed = open_and_closed(person)
    day = date(2030, 1, 1)
    cycle = Cycle.objects.create(name="x", version=open_one.version, self_due=day,
                                 review_due=day, agree_due=day, close_due=day)
    promotions = promotion_objects(person, closed)
    feedback = FeedbackRequest.objects.create(checkin=open_one, colleague=person,
                                              statement_ids=["ml-ops.level-4.1"])
    return {**promotions, **api_objects(person, open_one.pk),
            "api/v1/cycles/": cycle.pk, "api/v1/feedback-requests/": feedback.pk,
            "checkins/<int:pk>/packet": closed.pk, "checkins/<int:pk>/": open_one.pk,
            "checkins/feedback/": feedback.pk,
            "notifications/": Notification.objects.create(recipient=person, kind="invited",
                                                          title="x", link="/home/").pk,
            "cycles/": cycle.pk,
            "checkins/evidence/": Evidence.objects.create(owner=person, title="x").pk,
            "checkins/focus/": FocusStatement.objects.create(
                person=person, family_slug=FAMILY, statement_id="ml-ops.level-3.1").pk,
            "checkins/goals/<int:pk>/": Goal.objects.create(person=person, title="x").pk}


def promotion_objects(person, closed) -> dict:
    """This person's case in the one open round, and the one committee (chaired by Oto)."""
    from datetime import date

    from craftpath.web.promotions.models import Case, Committee, Round

    promotion_round = Round.objects.first() or Round.objects.create(
        name="Spring", version=closed.version, nominate_due=date(2030, 1, 1),
        review_due=date(2030, 1, 8), decide_due=date(2030, 1, 15))
    committee = Committee.objects.first()
    if committee is None:
        committee = Committee.objects.create(round=promotion_round, name="Engineering",
                                             family_slug=FAMILY,
                                             chair=User.objects.get(email="oto@example.com"))
    case = Case.objects.create(round=promotion_round, person=person, version=closed.version,
                               family_slug=FAMILY, from_level_slug=person.level_slug,
                               target_level_slug="level-3", statement="x",
                               snapshot={"checkin": {"id": closed.pk}})
    return {"promotions/rounds/": promotion_round.pk, "promotions/cases/": case.pk,
            "promotions/committees/": committee.pk,
            "api/v1/promotions/rounds/": promotion_round.pk,
            "api/v1/promotions/cases/": case.pk,
            "api/v1/promotions/committees/": committee.pk}


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
    if route.startswith("api/v1/teams/"):
        pk = team.pk
    return {"pk": pk, "statement_id": Entry.objects.filter(checkin_id=pk).values_list(
                "statement_id", flat=True).first() if "statement_id" in route else "",
            "focus_pk": FocusStatement.objects.filter(person=person).first().pk,
            "goal_pk": Goal.objects.filter(person=person).first().pk,
            "note_pk": Note.objects.get(author=person, about=person).pk,
            "evidence_pk": checkins[person.pk]["checkins/evidence/"],
            "fmt": "md" if "packet" in route else "csv",
            "object_id": object_id, "content_type_id": ContentType.objects.get_for_model(User).pk,
            "family": FAMILY, "level": "level-3", "area": "ml-ops", "before": "level-4",
            "after": "level-3", "version": version.label, "uidb64": "MQ", "token": "bad-token",
            "page": "glossary.html", "stage": "self"}


@pytest.mark.parametrize("route", [route for route in ROUTES if route in RULES])
def test_route(route, world, client):
    _check(route, RULES[route], world, client)


@pytest.mark.parametrize("key", list(API_WRITES))
def test_api_write(key, world, client):
    _check(key.split(" ", 1)[1], API_WRITES[key], world, client)


def _check(route, rule, world, client):
    viewers = world[4]
    wrong = []
    for role, obj, expected in cases_of(route, rule):
        viewer = viewers[role]
        url = _url(route, _values(route, obj, viewer, world)) + rule.query
        try:
            with transaction.atomic():
                client.logout()
                if viewer is not None:
                    client.force_login(viewer)
                if rule.body is not None:
                    status = getattr(client, rule.method)(
                        url, json.dumps(rule.body), content_type="application/json").status_code
                else:
                    status = getattr(client, rule.method)(url).status_code
                raise Rollback
        except Rollback:
            pass
        if status != expected:
            wrong.append(f"{role} on {obj}: {rule.method.upper()} {url} gave {status}, "
                         f"expected {expected}")
    assert not wrong, "\n".join(wrong)
