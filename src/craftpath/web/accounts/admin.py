"""The admin screens: people, their roles and teams, and the directory import and export.

Who may use them is decided in access.py (User.is_staff and has_perm ask it). Notes are not
registered here on purpose: a private note is for its author only, admins included.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from craftpath.web import access
from craftpath.web.audit import trail
from craftpath.web.audit.models import Action

from . import directory, invitations
from .forms import DirectoryImportForm
from .models import RoleGrant, Team, User, check_no_cycle, check_not_self_granted

admin.site.site_header = "craftpath administration"
admin.site.site_title = "craftpath admin"
admin.site.unregister(Group)  # roles are RoleGrant rows, not Django groups


class RoleInline(admin.TabularInline):
    model = RoleGrant
    extra = 1

    # Nobody grants or removes their own roles: another admin must (an admin who could give
    # themselves the people-team role could read everyone's progress).
    def has_add_permission(self, request, obj=None):
        return obj is None or obj.pk != request.user.pk

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


class PersonForm(forms.ModelForm):
    """A person, with family, level and tracks picked from the active framework version
    (not typed as slugs and JSON); values the framework no longer has stay listed, marked,
    so that the form shows what is stored and the check below names the problem."""

    acting_user = None  # set by PersonAdmin.get_form: whoever is making the change

    family_slug = forms.ChoiceField(label="Family", required=False)
    level_slug = forms.ChoiceField(label="Level", required=False)
    track_slugs = forms.MultipleChoiceField(label="Tracks", required=False,
                                            widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = User
        fields = ["email", "name", "is_active", "manager", "teams", "family_slug",
                  "track_slugs", "level_slug", "level_since"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        framework = directory.active_framework()
        families = list(framework.families) if framework else []
        stored = self.instance
        families_choices = [("", "— none —")] + [(f.slug, f.name) for f in families]
        levels = [("", "— none —")] + [(f.name, [(lv.slug, lv.label) for lv in f.levels])
                                        for f in families]
        tracks = {t.slug: t.name for f in families for t in f.tracks}
        self.fields["family_slug"].choices = _with_stored(families_choices,
                                                          [stored.family_slug])
        self.fields["level_slug"].choices = _with_stored(levels, [stored.level_slug])
        self.fields["track_slugs"].choices = _with_stored(list(tracks.items()),
                                                          list(stored.track_slugs or []))

    def clean(self):
        cleaned = super().clean()
        self._check_framework_slugs(cleaned)
        manager = cleaned.get("manager")
        if manager is not None and self.instance.pk is not None:
            try:
                check_no_cycle(self.instance, manager)
            except forms.ValidationError as error:
                self.add_error("manager", error)
        try:
            check_not_self_granted(self.acting_user, self.instance, manager)
        except forms.ValidationError as error:
            self.add_error("manager", error)
        return cleaned


    def _check_framework_slugs(self, cleaned) -> None:
        """Family, tracks and level must exist in the active version, as on import."""
        tracks = cleaned.get("track_slugs") or []
        values = {"family": cleaned.get("family_slug", ""), "level": cleaned.get("level_slug", ""),
                  "tracks": directory.SEPARATOR.join(tracks if isinstance(tracks, list) else [])}
        if not isinstance(tracks, list):
            self.add_error("track_slugs", "a list of track slugs, like [\"all\", \"ml-engineer\"]")
        problems = []
        directory.framework_refs(0, values, directory.active_framework(), problems)
        fields = {"family": "family_slug", "level": "level_slug", "tracks": "track_slugs"}
        for problem in problems:
            self.add_error(fields.get(problem.column, "family_slug"), problem.message)


def _with_stored(choices: list, stored: list[str]) -> list:
    """`choices` plus any stored value they lack, marked as not in the framework."""
    known = set()
    for value, label in choices:
        known.update(v for v, _ in label) if isinstance(label, list) else known.add(value)
    missing = [(value, f"{value} (not in the current framework)") for value in stored
               if value and value not in known]
    return choices + missing


@admin.register(User)
class PersonAdmin(admin.ModelAdmin):
    form = PersonForm
    inlines = [RoleInline]
    list_display = ["name", "email", "level_slug", "manager", "is_active"]
    list_filter = ["level_slug", "teams", "roles__name", "is_active"]
    search_fields = ["name", "email"]
    autocomplete_fields = ["manager"]
    filter_horizontal = ["teams"]
    change_list_template = "admin/accounts/user/change_list.html"
    actions = ["send_invitations"]

    @admin.action(description="Send an invitation (a link to choose a password)")
    def send_invitations(self, request, queryset):
        if not access.can_invite(request.user):
            raise PermissionDenied
        count = invitations.invite_emails(list(queryset.values_list("email", flat=True)),
                                          by=request.user)
        self.message_user(request, f"{count} invitation(s) sent; earlier links stop working.")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # An admin reading someone's record is a read of their personal data, on the record.
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            person = self.get_object(request, object_id)
            if person is not None and person.pk != request.user.pk:
                trail.record(request, Action.VIEWED, person, target="admin: person record")
        return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def get_urls(self):
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view),
                 name="accounts_user_import"),
            path("export/", self.admin_site.admin_view(self.export_view),
                 name="accounts_user_export"),
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        if not access.can_change_people(request.user):
            raise PermissionDenied
        report = problems = None
        form = DirectoryImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = directory.import_csv(form.cleaned_data["file"].read(),
                                              dry_run=form.cleaned_data["dry_run"],
                                              actor=request.user)
            except directory.DirectoryError as error:
                problems = error.problems
            else:
                messages.success(request, report.summary())
                if report.applied and form.cleaned_data["invite"]:
                    sent = invitations.invite_emails(report.created, by=request.user)
                    messages.success(request, f"{sent} invitation(s) sent.")
        return TemplateResponse(request, "admin/accounts/user/import.html", {
            **self.admin_site.each_context(request), "title": "Import a directory",
            "form": form, "report": report, "problems": problems, "opts": self.model._meta,
        })

    def export_view(self, request):
        if not access.can_export_directory(request.user):
            raise PermissionDenied
        text = directory.export_csv(access.visible_people(request.user))
        trail.record(request, Action.EXPORTED, target="directory.csv (admin)",
                     detail=f"{text.count(chr(10)) - 1} people")
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="directory.csv"'
        response["Cache-Control"] = "no-store"
        return response


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    search_fields = ["name"]
