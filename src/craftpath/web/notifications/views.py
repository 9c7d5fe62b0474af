"""The inbox, email preferences, and (for the people team) the emails that could not be sent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from craftpath.web.actions import notifications as actions

from .models import EmailOptOut, Kind, Notification


@login_required
@require_safe
def inbox(request):
    page = Paginator(Notification.objects.filter(recipient=request.user), 50) \
        .get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def open_notification(request, pk: int):
    """Mark one as read and go where it points."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=timezone.now())
    target = notification.link or "/notifications/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/notifications/"
    return redirect(target)


@login_required
@require_POST
def read_all(request):
    count = Notification.objects.filter(recipient=request.user, read_at=None) \
        .update(read_at=timezone.now())
    messages.success(request, f"{count} notification(s) marked as read.")
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    """Which kinds come by email too (the inbox shows every kind)."""
    off = set(EmailOptOut.objects.filter(person=request.user).values_list("kind", flat=True))
    kinds = [(kind, label) for kind, label in Kind.choices if kind != Kind.INVITED]
    if request.method == "POST":
        wanted = set(request.POST.getlist("email"))
        for kind, _ in kinds:
            if kind in wanted:
                EmailOptOut.objects.filter(person=request.user, kind=kind).delete()
            else:
                EmailOptOut.objects.get_or_create(person=request.user, kind=kind)
        messages.success(request, "Your email preferences are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {
        "kinds": [(kind, label, kind not in off) for kind, label in kinds]})


@login_required
@require_safe
def failed(request):
    return render(request, "notifications/failed.html",
                  {"rows": actions.failed_emails(request.user)})


@login_required
@require_POST
def retry(request):
    count = actions.retry_failed_emails(request.user)
    messages.success(request, f"{count} email(s) queued to be sent again. Invitations are not "
                     "retried: send the invitation again from the person's page.")
    return redirect("notifications:failed")
