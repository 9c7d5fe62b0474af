"""The admin screens: people, their roles and teams, and the directory import and export.

Who may use them is decided in access.py (User.is_staff and has_perm ask it); what they change
goes through the actions (actions/people.py), whose rules the forms ask too, so that a refusal
shows beside the field. Notes are not registered here on purpose: a private note is for its
author only, admins included.
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
from craftpath.web.actions import people as actions

from ..words import counted
from . import directory
from .forms import DirectoryImportForm
from .models import RoleGrant, Team, User, check_no_cycle

admin.site.site_header = "craftpath administration"
admin.site.site_title = "craftpath admin"
admin.site.unregister(Group)  # roles are RoleGrant rows, not Django groups


class RoleInline(admin.TabularInline):
    model = RoleGrant
    extra = 1

    # Nobody grants or removes their own roles: another admin must (an admin who could give
    # themselves the people-team role could read everyone's progress). The same rule as the
    # action's (access.can_set_roles), which saving calls.
    def has_add_permission(self, request, obj=None):
        return obj is None or access.can_set_roles(request.user, obj)

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
        fields = ["email", "name", "given_name", "family_name", "department", "is_active",
                  "manager", "teams", "family_slug", "track_slugs", "level_slug", "level_since"]

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
        stored = self.instance  # not yet changed by the form: ModelForm does that after clean
        manager = cleaned.get("manager")
        if manager is not None and stored.pk is not None:
            try:
                check_no_cycle(stored, manager)
            except forms.ValidationError as error:
                self.add_error("manager", error)
        manager_changes = stored.pk is None or (manager.pk if manager else None) \
            != stored.manager_id
        if manager_changes and not access.can_change_manager(self.acting_user, stored,
                                                             manager):
            self.add_error("manager", actions.OWN_LINE.format(person=stored))
        if stored.pk is not None and "is_active" in cleaned \
                and cleaned["is_active"] != stored.is_active \
                and not access.can_set_active(self.acting_user, stored):
            self.add_error("is_active", actions.OWN_ACTIVE)
        return cleaned

    def action_changes(self) -> dict:
        """The form's values, as actions.update_person takes them."""
        data = self.cleaned_data
        return {"email": data["email"], "name": data["name"], "active": data["is_active"],
                "given_name": data.get("given_name") or "",
                "family_name": data.get("family_name") or "",
                "department": data.get("department") or "",
                "manager_id": data["manager"].pk if data.get("manager") else None,
                "team_ids": [team.pk for team in data.get("teams") or []],
                "family": data.get("family_slug") or "",
                "tracks": list(data.get("track_slugs") or []),
                "level": data.get("level_slug") or "",
                "level_since": data.get("level_since")}


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
        invited = actions.invite(request.user, list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{counted(len(invited.sent), 'invitation')} sent; "
                                   "earlier links stop working.")
        for line in invited.left_out():
            self.message_user(request, line[0].upper() + line[1:] + ".", messages.WARNING)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            # An admin reading someone's record is a read of their personal data.
            actions.read_person(request.user, object_id, target="admin: person record")
        return response

    def save_model(self, request, obj, form, change):
        # Through the action, which checks its rules again under the row's lock and records.
        if change:
            actions.update_person(request.user, obj.pk, form.action_changes())
            return
        made = actions.create_person(request.user, form.action_changes())
        obj.pk, obj._state.adding, obj._state.db = made.pk, False, made._state.db

    def save_related(self, request, form, formsets, change):
        # Teams were saved with the person (save_model); roles go through set_roles.
        person = form.instance
        for formset in formsets:
            # What Django's own save would have listed for the admin's history page; the
            # audit trail has each grant and removal.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            if formset.model is not RoleGrant:
                continue
            current = set(person.roles.values_list("name", flat=True))
            kept = set(current)
            for role_form in formset.forms:
                data = getattr(role_form, "cleaned_data", None) or {}
                stored = role_form.initial.get("name")  # an existing grant's form
                if stored and (formset._should_delete_form(role_form)
                               or data.get("name", stored) != stored):
                    kept.discard(stored)
                if data.get("name") and not formset._should_delete_form(role_form):
                    kept.add(data["name"])
            if kept != current:
                actions.set_roles(request.user, person.pk, sorted(kept))

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
        if not access.can_import_directory(request.user):
            raise PermissionDenied
        report = problems = None
        form = DirectoryImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report, invited = actions.import_directory(
                    request.user, form.cleaned_data["file"].read(),
                    dry_run=form.cleaned_data["dry_run"],
                    invite_added=form.cleaned_data["invite"])
            except directory.DirectoryError as error:
                problems = error.problems
            else:
                messages.success(request, report.summary())
                if invited is not None:
                    messages.success(request, f"{counted(len(invited.sent), 'invitation')} sent.")
                    for line in invited.left_out():
                        messages.warning(request, line[0].upper() + line[1:] + ".")
        return TemplateResponse(request, "admin/accounts/user/import.html", {
            **self.admin_site.each_context(request), "title": "Import a directory",
            "form": form, "report": report, "problems": problems, "opts": self.model._meta,
        })

    def export_view(self, request):
        if not access.can_export_directory(request.user):
            raise PermissionDenied
        text = actions.export_directory(request.user, target="directory.csv (admin)")
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="directory.csv"'
        response["Cache-Control"] = "no-store"
        return response


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        if change:
            actions.change_team(request.user, obj.pk, name=form.cleaned_data["name"])
            return
        made = actions.create_team(request.user, form.cleaned_data["name"])
        obj.pk, obj._state.adding, obj._state.db = made.pk, False, made._state.db

    def delete_model(self, request, obj):
        actions.delete_team(request.user, obj.pk)

    def delete_queryset(self, request, queryset):
        for team in queryset:
            actions.delete_team(request.user, team.pk)
