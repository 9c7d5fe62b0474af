"""The people pages. Thin: each asks access.py what the viewer may see or do, then renders.

A person or note the viewer may not see is a 404 (not a 403), so ids cannot be probed; a
change the viewer may see but not make is a 403.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from craftpath.web import access
from craftpath.web.actions import Invalid
from craftpath.web.actions import notes as note_actions
from craftpath.web.actions import people as people_actions
from craftpath.web.actions import promotions as promotion_actions
from craftpath.web.frameworks import publishing

from . import browse, invitations, oidc
from .forms import EmailAuthenticationForm, NoteForm
from .models import User, normalise_email


def _framework_words(person: User) -> dict:
    """The framework's own names for the person's family, level and tracks (slugs when the
    active version no longer has them)."""
    words = {"family": person.family_slug, "level": person.level_slug,
             "tracks": list(person.track_slugs)}
    version = publishing.active_version()
    if version is None or not person.family_slug:
        return words
    family = publishing.framework_of(version).find_family(person.family_slug)
    if family is None:
        return words
    words["family"] = family.name
    level = family.find_level(person.level_slug) if person.level_slug else None
    if level is not None:
        words["level"] = level.label
    names = {track.slug: track.name for track in family.tracks}
    words["tracks"] = [names.get(slug, slug) for slug in person.track_slugs]
    return words


def _level_history(viewer, person: User) -> list[dict]:
    """The person's level changes, newest first, with the framework's names for the levels;
    for whoever sees their progress (nobody else: the action refuses, and nothing shows)."""
    if not access.can_read_level_history(viewer, person):
        return []
    changes = promotion_actions.level_history(viewer, person.pk)
    version = publishing.active_version()
    framework = publishing.framework_of(version) if version else None

    def label(family_slug: str, slug: str) -> str:
        family = framework.find_family(family_slug) if framework else None
        level = family.find_level(slug) if family and slug else None
        return level.label if level is not None else (slug or "none")

    return [{"from": label(c.family_slug, c.from_level_slug),
             "to": label(c.family_slug, c.to_level_slug), "date": c.effective_date,
             "case_id": c.case_id} for c in reversed(changes)]


# --- sign-in ----------------------------------------------------------------------------------

class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # django-axes pauses one email from one address; this pauses an address that tries
        # many emails (a few guesses each, under the per-account limit).
        if failures_from_address(request) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT:
            return locked_out(request, from_address=True)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc"] = oidc.enabled()
        context["sso_required"] = settings.SSO_REQUIRED
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context


def failures_from_address(request) -> int:
    """Failed sign-ins from the request's address, over every account, in the cool-off."""
    from axes.helpers import get_client_ip_address
    from axes.models import AccessAttempt
    from django.db.models import Sum
    from django.utils import timezone

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        ip_address=get_client_ip_address(request), attempt_time__gte=since,
    ).aggregate(total=Sum("failures_since_start"))["total"] or 0


def locked_out(request, credentials=None, *args, from_address=False, **kwargs) -> HttpResponse:
    """django-axes calls this after too many failed sign-ins (and LoginView, per address)."""
    what = "from this address" if from_address else "for this account from here"
    return render(request, "accounts/message.html", {
        "title": "Too many failed sign-ins",
        "message": f"Sign-in is paused {what} for 15 minutes. If you have "
                   "forgotten your password, reset it instead.",
        "link": reverse("password_reset"), "link_text": "Reset your password",
    }, status=429)


def throttled_email(request, credentials=None) -> str:
    """The account django-axes counts failures against: the email as typed, in one spelling,
    so that changing its case does not buy five more guesses."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalise_email(typed)


@require_safe
def oidc_start(request):
    if not oidc.enabled():
        raise Http404("Single sign-on is not configured.")
    return oidc.start_view(request)


@require_safe
def oidc_callback(request):
    if not oidc.enabled():
        raise Http404("Single sign-on is not configured.")
    return oidc.callback_view(request)


# --- people -----------------------------------------------------------------------------------

@login_required
@require_safe
def people(request):
    visible = people_actions.list_people(request.user).select_related("manager") \
        .prefetch_related("teams")
    return render(request, "accounts/people.html", {
        "directory": browse.directory(visible, request.GET, request.GET.get("page")),
        "can_export": access.can_export_directory(request.user),
        "can_import": access.can_import_directory(request.user),
    })


@login_required
@require_safe
def org_chart(request):
    if not access.can_view_org_chart(request.user):
        raise PermissionDenied("The org chart is for people signed in to the directory.")
    tree, count = browse.org_tree(people_actions.list_people(request.user, target="org chart"))
    return render(request, "accounts/org_chart.html", {"tree": tree, "count": count})


@login_required
@require_safe
def me(request):
    return redirect("person", pk=request.user.pk)


@login_required
@require_safe
def person(request, pk: int):
    viewer = request.user
    profile = people_actions.read_profile(viewer, pk)
    shown = profile.person
    return render(request, "accounts/person.html", {
        "person": shown,
        "words": _framework_words(shown),
        "manager": profile.manager,
        "reports": profile.reports,
        "teams": shown.teams.all(),
        "roles": sorted(shown.roles.all(), key=lambda grant: grant.name),
        "notes": profile.notes,
        "note_form": NoteForm() if access.can_write_note_about(viewer, shown) else None,
        "is_me": shown.pk == viewer.pk,
        "sees_progress": access.can_view_progress(viewer, shown),
        "level_history": _level_history(viewer, shown),
        # An invitation only for someone who cannot sign in yet (actions.people.invite).
        "can_invite": access.can_invite(viewer) and shown.is_active
        and not shown.can_sign_in(),
        "can_erase": access.can_erase_person(viewer, shown),
    })


@login_required
@require_POST
def add_note(request, pk: int):
    try:
        note_actions.write_note(request.user, pk, request.POST.get("text", ""),
                                bool(request.POST.get("private")))
    except Invalid as problem:
        messages.error(request, f"The note was not saved: {problem.message}")
    else:
        messages.success(request, "Note saved.")
    return redirect("person", pk=pk)


@login_required
@require_safe
def note(request, pk: int, note_pk: int):
    shown = note_actions.read_note(request.user, pk, note_pk)
    return render(request, "accounts/note.html", {
        "note": shown, "can_delete": access.can_delete_note(request.user, shown)})


@login_required
@require_POST
def delete_note(request, pk: int, note_pk: int):
    note_actions.delete_note(request.user, pk, note_pk)
    messages.success(request, "Note deleted.")
    return redirect("person", pk=pk)


@login_required
@require_safe
def export_directory(request):
    if not access.can_export_directory(request.user):
        raise PermissionDenied("The directory export is for the people team and admins.")
    text = people_actions.export_directory(request.user)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="directory.csv"'
    response["Cache-Control"] = "no-store"
    return response


# --- passwords and invitations ----------------------------------------------------------------

def passwords_in_use(view):
    """With single sign-on required, the password pages say so instead (and link to it)."""
    def wrapped(request, *args, **kwargs):
        if settings.SSO_REQUIRED:
            return render(request, "accounts/message.html", {
                "title": "Passwords are not used here",
                "message": "Sign in with your company's single sign-on.",
                "link": reverse("oidc-start"), "link_text": "Sign in with single sign-on",
            }, status=404)
        return view(request, *args, **kwargs)
    return wrapped


def invitation(request, token: str):
    """The link in an invitation email: choose a password, once."""
    found = invitations.find(token)
    if found is None:
        return render(request, "accounts/message.html", {
            "title": "This invitation link does not work",
            "message": "It has expired, has been used already, or a newer invitation replaced "
                       "it. Ask your people team to send a new one, or reset your password "
                       "with the email address you were invited with.",
            "link": reverse("password_reset"), "link_text": "Reset your password",
        }, status=404)
    if settings.SSO_REQUIRED:
        invitations.accept(found, None)
        return redirect("oidc-start")
    form = SetPasswordForm(found.person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if invitations.accept(found, form.cleaned_data["new_password1"]):
            login(request, found.person, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your password is set and you are signed in.")
            return redirect("my-home")
        messages.error(request, "This invitation was used or replaced meanwhile.")
        return redirect("login")
    return render(request, "accounts/form.html", {
        "title": f"Welcome, {found.person.name or found.person.email}",
        "intro": f"Choose a password to sign in as {found.person.email}.", "form": form})


@login_required
@require_POST
def invite(request, pk: int):
    shown = people_actions.find_person(request.user, pk)
    invited = people_actions.invite(request.user, [shown.pk])
    if invited.sent:
        messages.success(request, f"An invitation is on its way to {shown.email}; any earlier "
                         "link no longer works.")
    elif invited.inactive:
        messages.error(request, f"{shown} is not active, so no invitation was sent.")
    elif invited.can_sign_in:
        messages.error(request, f"{shown} can already sign in, so no invitation was sent; "
                       "a password reset link is for a forgotten password.")
    else:
        messages.error(request, f"No invitation was sent: {shown}'s address was changed by "
                       "someone else and they have not signed in since.")
    return redirect("person", pk=shown.pk)
