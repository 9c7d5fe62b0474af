"""The second factor's pages: turning it on (QR code and key, then a code), the code asked
at sign-in, new recovery codes, and turning it off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from craftpath.web.actions import Refused
from craftpath.web.actions import account as actions

from . import two_factor


def _next(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()},
                                       require_https=request.is_secure()):
        return wanted
    return "/people/"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def setup(request):
    """Turn the second factor on, or see that it is on."""
    user = request.user
    context = {"title": "Second factor", "required": two_factor.required_for(user),
               "next": _next(request)}
    if two_factor.enrolled(user):
        context["codes_left"] = two_factor.recovery_codes_left(user)
        return render(request, "accounts/two_factor.html", context)
    status = 200
    if request.method == "POST":
        codes = actions.turn_on_two_factor(user, request, request.POST.get("code", ""))
        if codes is not None:
            return render(request, "accounts/recovery_codes.html", {
                "title": "Your recovery codes", "codes": codes, "next": _next(request)})
        context["error"] = "That code does not match. Check the clock of your phone, and " \
                           "type the six digits the app shows now."
        status = 422
    secret = two_factor.pending_secret(request)
    uri = two_factor.provisioning_uri(user, secret)
    context.update(qr=two_factor.qr_data_uri(uri), key=two_factor.grouped(secret))
    return render(request, "accounts/two_factor.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """The code asked after signing in."""
    if not two_factor.enrolled(request.user):
        return redirect("two-factor")
    if two_factor.is_verified(request):
        return redirect(_next(request))
    context = {"title": "Enter your code", "next": _next(request)}
    status = 200
    if request.method == "POST":
        try:
            used = two_factor.check(request.user, request.POST.get("code", ""))
        except two_factor.Paused as paused:
            context["error"], status = str(paused), 429
        else:
            if used:
                two_factor.mark_verified(request)
                if used == "recovery code":
                    left = actions.signed_in_with_recovery_code(request.user)
                    messages.warning(request, f"You signed in with a recovery code; {left} "
                                              "left. Make new ones on the second factor page.")
                return redirect(_next(request))
            context["error"], status = "That code is not right (or was used already).", 422
    return render(request, "accounts/two_factor_verify.html", context, status=status)


def _checked(request) -> bool:
    try:
        if two_factor.check(request.user, request.POST.get("code", "")):
            return True
        messages.error(request, "That code is not right; nothing was changed.")
    except two_factor.Paused as paused:
        messages.error(request, str(paused))
    return False


@login_required
@require_POST
def new_codes(request):
    if not two_factor.enrolled(request.user):
        return redirect("two-factor")
    if not _checked(request):
        return redirect("two-factor")
    codes = actions.new_recovery_codes(request.user)
    return render(request, "accounts/recovery_codes.html", {
        "title": "Your new recovery codes", "codes": codes, "next": "/people/"})


@login_required
@require_POST
def turn_off(request):
    if two_factor.required_for(request.user):
        messages.error(request, "Your role needs a second factor; it cannot be turned off.")
        return redirect("two-factor")
    if two_factor.enrolled(request.user) and _checked(request):
        try:
            actions.turn_off_two_factor(request.user)
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, "The second factor is off.")
    return redirect("two-factor")
