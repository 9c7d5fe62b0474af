"""Comparing any two published versions (public, like the versions themselves) and moving
every open check-in to the active version in bulk (the people team)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from craftpath.web import access
from craftpath.web.actions.checkins import move_all_open
from craftpath.web.checkins.new_version import open_checkins_elsewhere

from .publishing import active_version, framework_of, version_labelled
from .review import review


@require_safe
def compare(request):
    old_label, new_label = request.GET.get("from", ""), request.GET.get("to", "")
    old, new = version_labelled(old_label[:64]), version_labelled(new_label[:64])
    if old is None or new is None:
        missing = old_label if old is None else new_label
        raise Http404(f"There is no published version {missing!r} to compare; choose two "
                      "from the versions page.")
    return render(request, "versions/compare.html", {
        "old": old, "new": new, "versions_shown": [old, new],
        "review": review(framework_of(old), framework_of(new))})


@require_http_methods(["GET", "HEAD", "POST"])
def carry(request):
    if not access.signed_in(request.user):
        return redirect_to_login(request.get_full_path())
    if not access.can_carry_checkins_in_bulk(request.user):
        raise PermissionDenied("The people team moves open check-ins in bulk.")
    version = active_version()
    if version is None:
        raise Http404("No framework is published yet.")
    refused = []
    if request.method == "POST":
        moved, refused = move_all_open(request.user, version)
        messages.success(request, f"Moved {moved} open check-in"
                         f"{'s' if moved != 1 else ''} to version {version.label}.")
        if not refused:
            return redirect("versions-carry")
    groups = {}
    for checkin in open_checkins_elsewhere(version):
        groups.setdefault(checkin.version_id, {"version": checkin.version, "checkins": []})
        groups[checkin.version_id]["checkins"].append(checkin)
    new = framework_of(version)
    for group in groups.values():
        group["review"] = review(framework_of(group["version"]), new)
    return render(request, "versions/carry.html", {
        "version": version, "groups": list(groups.values()), "refused": refused,
        "total": sum(len(g["checkins"]) for g in groups.values())})
