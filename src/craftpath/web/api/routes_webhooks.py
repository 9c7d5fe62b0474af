"""Webhook endpoints and their deliveries: admins only (an admin-scoped token or a session).
Every admin sees every endpoint, with its owner and, when craftpath paused it, why."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Response

from craftpath.web import access

from . import destinations
from .auth import need
from .models import Delivery, Event, Scope, WebhookEndpoint
from .paging import MAX_LIMIT, page
from .problems import bad_field, forbidden, not_found
from .schemas import DeliveriesPage, EndpointIn, EndpointOut, RoleOut, answers
from .webhooks import new_secret, owner_lost_right

router = Router(tags=["webhooks"])


class EndpointPatch(Schema):
    active: bool | None = None
    events: list[str] | None = None
    description: str | None = Field(None, max_length=200)


def endpoint_out(endpoint: WebhookEndpoint, secret: str | None = None) -> dict:
    owner = endpoint.owner
    return {"id": endpoint.pk, "url": endpoint.url, "description": endpoint.description,
            "events": endpoint.events, "active": endpoint.is_active,
            "owner": {"id": owner.pk, "name": owner.name, "email": owner.email}
            if owner else None,
            "failures_in_a_row": endpoint.failures_in_a_row,
            "disabled_at": endpoint.disabled_at, "paused_reason": endpoint.paused_reason,
            "secret": secret}


def delivery_out(delivery: Delivery) -> dict:
    return {"id": delivery.pk, "message_id": delivery.message_id, "event": delivery.event,
            "status": delivery.status, "attempts": delivery.attempts,
            "created_at": delivery.created_at, "last_attempt_at": delivery.last_attempt_at,
            "response_status": delivery.response_status,
            "response_body": delivery.response_body, "error": delivery.error}


def _admin(request, write: bool = False) -> None:
    need(request, Scope.ADMIN if write else Scope.READ)
    if not access.can_manage_webhooks(request.auth):
        raise forbidden("Webhooks are managed by admins.")


def _endpoint(pk: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(pk=pk).first()
    if endpoint is None:
        raise not_found("webhook endpoint")
    return endpoint


def _check_events(events: list[str]) -> None:
    unknown = sorted(set(events) - set(Event.values))
    if unknown or not events:
        raise bad_field("events", (f"unknown event(s) {', '.join(unknown)}; " if unknown
                                   else "choose at least one event; ")
                        + f"known: {', '.join(Event.values)}")


@router.get("", response=answers({200: list[EndpointOut]}), summary="Webhook endpoints")
def list_endpoints(request):
    _admin(request)
    return [endpoint_out(e) for e in WebhookEndpoint.objects.select_related("owner")]


@router.get("/events", response=answers({200: list[RoleOut]}), summary="The events to choose")
def list_events(request):
    return [{"name": value, "label": label} for value, label in Event.choices]


@router.post("", response=answers({201: EndpointOut}),
             summary="Register an endpoint (the secret is shown in this answer only)")
def create_endpoint(request, payload: EndpointIn):
    _admin(request, write=True)
    try:
        URLValidator(schemes=["http", "https"])(payload.url)
    except ValidationError:
        raise bad_field("url", "is not an http(s) address") from None
    try:
        destinations.check_registration(payload.url)
    except destinations.Refused as reason:
        raise bad_field("url", f"{payload.url}: {reason}") from None
    _check_events(payload.events)
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(
        owner=request.auth, url=payload.url, description=payload.description,
        events=sorted(set(payload.events)), secret=secret)
    return Response(endpoint_out(endpoint, secret), status=201)


@router.get("/{int:pk}", response=answers({200: EndpointOut}), summary="One endpoint")
def get_endpoint(request, pk: int):
    _admin(request)
    return endpoint_out(_endpoint(pk))


@router.patch("/{int:pk}", response=answers({200: EndpointOut}),
              summary="Turn an endpoint on or off, or change its events")
def update_endpoint(request, pk: int, payload: EndpointPatch):
    _admin(request, write=True)
    endpoint = _endpoint(pk)
    if payload.events is not None:
        _check_events(payload.events)
        endpoint.events = sorted(set(payload.events))
    if payload.description is not None:
        endpoint.description = payload.description
    if payload.active is not None:
        endpoint.is_active = payload.active
        if payload.active:
            endpoint.disabled_at, endpoint.failures_in_a_row = None, 0
            endpoint.paused_reason = ""
            if owner_lost_right(endpoint):  # turned back on: the admin who did it owns it now
                endpoint.owner = request.auth
    endpoint.save()
    return endpoint_out(endpoint)


@router.delete("/{int:pk}", response=answers({204: None}), summary="Remove an endpoint")
def delete_endpoint(request, pk: int):
    _admin(request, write=True)
    _endpoint(pk).delete()
    return HttpResponse(status=204)


@router.get("/{int:pk}/deliveries", response=answers({200: DeliveriesPage}),
            summary="Deliveries to an endpoint, newest last, with the answers received")
def list_deliveries(request, pk: int, cursor: str | None = None,
                    limit: int = Query(50, ge=1, le=MAX_LIMIT), status: str | None = None):
    _admin(request)
    found = _endpoint(pk).deliveries.all()
    if status:
        found = found.filter(status=status)
    return page(found, cursor, limit, delivery_out)
