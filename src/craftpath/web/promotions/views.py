"""The promotion pages: the promotions home (one's own and one's reports' cases, committees,
rounds open for nominations, and the people team's rounds), opening a round, a round's
progress and committees, nominating, a case, the calibration view, the decision form and the
decisions export. Thin: the actions (actions/promotions.py) ask access.py and do the work;
what they refuse comes back as a 404/403 page (the middleware) or beside the form (Invalid,
Stale)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe

from craftpath.web import access
from craftpath.web.actions import Invalid, Stale
from craftpath.web.actions import promotions as actions
from craftpath.web.cycles.models import Audience
from craftpath.web.frameworks.pdf import PdfUnavailable
from craftpath.web.frameworks.publishing import framework_of
from craftpath.web.insights.models import AttributeKind

from .cases import OUTCOME_LABELS, SORTS
from .figures import minimum_group_size as min_group_size
from .models import Outcome


@login_required
@require_safe
def index(request):
    viewer = request.user
    people_team = access.can_view_rounds(viewer)
    today = timezone.localdate()
    return render(request, "promotions/index.html", {
        "cases": actions.visible_cases(viewer),
        "committees": actions.my_committees(viewer),
        "nominable": actions.nominable_rounds(viewer),
        "history": actions.level_history(viewer, viewer.pk),
        "rounds": [(r, r.stage(today)) for r in actions.list_rounds(viewer)]
        if people_team else [], "people_team": people_team})


ROUND_FIELDS = ("name", "nominate_due", "review_due", "decide_due", "audience",
                "audience_value")


@login_required
def open_round(request):
    if not access.can_open_round(request.user):
        raise PermissionDenied(actions.PEOPLE_TEAM)
    values = {field: request.POST.get(field, "") for field in ROUND_FIELDS}
    values["self_nomination"] = request.POST.get("self_nomination") == "on"
    error = None
    if request.method == "POST":
        try:
            opened = actions.open_round(request.user, **values)
        except Invalid as problem:
            error = problem
        else:
            messages.success(request, "Round opened: managers can nominate now.")
            return redirect("promotions:round", pk=opened.pk)
    return render(request, "promotions/round_form.html", {
        "values": values, "error": error, "audiences": Audience.choices},
        status=422 if error else 200)


@login_required
@require_safe
def round_page(request, pk: int):
    progress = actions.round_progress(request.user, pk)
    return render(request, "promotions/round.html", _round_context(progress))


def _round_context(progress, error=None, values=None) -> dict:
    framework = framework_of(progress.round.version)
    today = timezone.localdate()
    return {"p": progress, "round": progress.round, "families": framework.families,
            "today": today, "stage": progress.round.stage(today), "error": error,
            "values": values or {},
            "outcomes": [(OUTCOME_LABELS[o], n) for o, n in progress.decided.items()]}


@login_required
@require_POST
def set_committee(request, pk: int):
    post = request.POST
    values = {"name": post.get("name", ""), "family": post.get("family", ""),
              "levels": post.getlist("levels"), "chair_email": post.get("chair_email", ""),
              "member_emails": post.get("member_emails", "").replace(",", " ").split()}
    try:
        actions.set_committee(request.user, pk, **values)
    except Invalid as problem:
        return render(request, "promotions/round.html",
                      _round_context(actions.round_progress(request.user, pk), problem, values),
                      status=422)
    messages.success(request, "Committee saved.")
    return redirect("promotions:round", pk=pk)


@login_required
@require_POST
def close_round(request, pk: int):
    actions.close_round(request.user, pk)
    messages.success(request, "Round closed: no more nominations.")
    return redirect("promotions:round", pk=pk)


@login_required
def nominate(request, pk: int):
    viewer = request.user
    promotion_round = next((r for r in actions.nominable_rounds(viewer) if r.pk == pk), None)
    if promotion_round is None:
        raise PermissionDenied("Nominations in this round are made by managers, and are open "
                               "until its nominations deadline.")
    people = actions.nominable_people(viewer, promotion_round)
    values = {"person": request.POST.get("person", ""),
              "target_level": request.POST.get("target_level", ""),
              "statement": request.POST.get("statement", "")}
    error = None
    if request.method == "POST":
        try:
            case = actions.nominate(viewer, pk, values["person"], values["target_level"],
                                    values["statement"])
        except Invalid as problem:
            error = problem
        else:
            messages.success(request, "Nominated. The case has assembled its evidence.")
            return redirect("promotions:case", pk=case.pk)
    framework = framework_of(promotion_round.version)
    return render(request, "promotions/nominate.html", {
        "round": promotion_round, "people": people, "values": values, "error": error,
        "families": framework.families}, status=422 if error else 200)


@login_required
@require_safe
def case_page(request, pk: int):
    return render(request, "promotions/case.html", _case_context(request.user, pk))


def _case_context(viewer, pk, error=None, values=None) -> dict:
    view = actions.read_case(viewer, pk)
    framework = framework_of(view.case.version)
    family = framework.find_family(view.case.family_slug)
    levels = {level.slug: level for level in family.levels} if family else {}
    texts = {statement.id: statement.text for statement in family.statements} if family else {}
    return {"v": view, "case": view.case, "snapshot": view.case.snapshot,
            "feedback": [(request, [(texts.get(sid, sid), (answer or {}).get("comment", ""))
                                    for sid, answer in (request.answers or {}).items()])
                         for request in view.feedback],
            "shared_ids": {request.pk for request in view.feedback},
            "from_level": levels.get(view.case.from_level_slug),
            "target_level": levels.get(view.case.target_level_slug),
            "outcomes": Outcome.choices, "error": error, "values": values or {},
            "today": timezone.localdate()}


@login_required
@require_POST
def person_statement(request, pk: int):
    actions.add_person_statement(request.user, pk, request.POST.get("person_statement", ""))
    messages.success(request, "Your statement is saved.")
    return redirect("promotions:case", pk=pk)


@login_required
@require_POST
def share_feedback(request, pk: int):
    try:
        actions.share_feedback(request.user, pk, request.POST.getlist("feedback"))
    except Invalid as problem:
        return render(request, "promotions/case.html",
                      _case_context(request.user, pk, problem, request.POST), status=422)
    messages.success(request, "The committee reads the feedback you chose.")
    return redirect("promotions:case", pk=pk)


@login_required
@require_POST
def vote(request, pk: int):
    try:
        actions.cast_vote(request.user, pk, request.POST.get("choice", ""),
                          request.POST.get("comment", ""))
    except Invalid as problem:
        return render(request, "promotions/case.html",
                      _case_context(request.user, pk, problem, request.POST), status=422)
    messages.success(request, "Your vote is recorded; you can see the others' now.")
    return redirect("promotions:case", pk=pk)


@login_required
def decide(request, pk: int):
    context = _case_context(request.user, pk)
    if not context["v"].can_decide:
        raise PermissionDenied("The chair of the committee deciding this case decides it.")
    if request.method == "POST":
        post = request.POST
        try:
            actions.decide(request.user, pk, post.get("outcome", ""), post.get("reasons", ""),
                           post.get("effective_date", ""), post.get("revision", ""))
        except (Invalid, Stale) as problem:
            context = _case_context(request.user, pk, problem, post)
            return render(request, "promotions/decide.html", context,
                          status=409 if isinstance(problem, Stale) else 422)
        messages.success(request, "Decision recorded; the person is told.")
        return redirect("promotions:case", pk=pk)
    context["values"] = {"effective_date": context["today"].isoformat()}
    return render(request, "promotions/decide.html", context)


@login_required
@require_safe
def calibration(request, pk: int):
    sort = request.GET.get("sort", "name")
    view = actions.calibration(request.user, pk, sort if sort in SORTS else "name")
    return render(request, "promotions/calibration.html", {
        "c": view, "committee": view.committee, "sort": sort, "minimum": min_group_size(),
        "sorts": [
            ("name", "Name"), ("readiness", "Readiness"), ("time", "Time in level"),
            ("evidence", "Evidence")]})


@login_required
@require_safe
def decisions_csv(request):
    body = actions.export_decisions(request.user)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="promotion-decisions.csv"'
    return response


@login_required
@require_safe
def decisions_xlsx(request):
    body = actions.export_decisions(request.user, "xlsx")
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="promotion-decisions.xlsx"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_safe
def case_packet(request, pk: int, fmt: str):
    try:
        case, body = actions.case_packet(request.user, pk, fmt)
    except PdfUnavailable as problem:
        messages.error(request, str(problem))
        return redirect("promotions:case", pk=pk)
    name = f"packet-case-{case.pk}-{slugify(case.person.name)}.{fmt}"
    kind = "text/markdown; charset=utf-8" if fmt == "md" else "application/pdf"
    response = HttpResponse(body.encode("utf-8") if fmt == "md" else body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_safe
def figures_page(request):
    by = request.GET.get("by", "level")
    attribute = request.GET.get("attribute", "") if by == "attribute" else ""
    try:
        rows = actions.promotion_figures(request.user, by, attribute)
        times = actions.time_in_level_figures(request.user, by, attribute)
    except Invalid as problem:
        return HttpResponse(problem.message, status=400, content_type="text/plain")
    return render(request, "promotions/figures.html", {
        "rows": rows, "times": times, "by": by, "minimum": min_group_size(),
        "attribute": attribute or AttributeKind.GENDER, "attributes": AttributeKind.choices})
