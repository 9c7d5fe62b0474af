"""Prometheus metrics at /metrics, through the official client.

Two kinds of figure. What this process saw (requests by route, method and status, and their
latency) is counted as it happens, by `count_requests`. What every process shares (the task
queue's depth and age, emails by state, webhook deliveries by state, recorded sign-in
failures) is read from the database at each scrape, so any instance answers for all of them
and a worker needs no port of its own. Routes are Django's patterns (`checkins/<int:pk>/`),
never paths, so no id or name reaches a label.

Not public: /metrics answers only a `Authorization: Bearer` with CRAFTPATH_METRICS_TOKEN or a
client within CRAFTPATH_METRICS_FROM; with neither set it does not exist (404)."""

from __future__ import annotations

import hmac
import ipaddress
import time

from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

from craftpath import config

REGISTRY = CollectorRegistry()
REQUESTS = Counter("craftpath_http_requests", "Requests answered by this process.",
                   ["route", "method", "status"], registry=REGISTRY)
LATENCY = Histogram("craftpath_http_request_duration_seconds",
                    "Time to answer a request, by route.", ["route"], registry=REGISTRY,
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
UNMATCHED = "(no route)"


def count_requests(get_response):
    """Middleware: each answer counted under its route, with how long it took."""

    def middleware(request):
        started = time.perf_counter()
        response = get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match is not None else UNMATCHED
        LATENCY.labels(route).observe(time.perf_counter() - started)
        REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        return response

    return middleware


class StoredFigures:
    """The figures every process shares, read from the database at each scrape."""

    def collect(self):
        from axes.models import AccessFailureLog
        from django_tasks_db.models import DBTaskResult

        from craftpath.web.api.models import Delivery
        from craftpath.web.health import oldest_due_task_age
        from craftpath.web.notifications.models import EmailState, Notification

        queue = GaugeMetricFamily("craftpath_task_queue_due", "Tasks due and not yet taken.")
        queue.add_metric([], DBTaskResult.objects.ready().count())
        yield queue
        age = oldest_due_task_age()
        waited = GaugeMetricFamily("craftpath_task_queue_oldest_seconds",
                                   "How long the oldest task due has waited (0: none due).")
        waited.add_metric([], age.total_seconds() if age is not None else 0.0)
        yield waited
        yield _by_state("craftpath_emails", "Notifications by email state.",
                        Notification.objects.exclude(email_state=EmailState.OFF),
                        "email_state", EmailState.values)
        yield _by_state("craftpath_webhook_deliveries", "Webhook deliveries by state.",
                        Delivery.objects.all(), "status",
                        [Delivery.PENDING, Delivery.DELIVERED, Delivery.FAILED])
        failures = GaugeMetricFamily("craftpath_sign_in_failures",
                                     "Failed sign-ins kept by the sign-in throttle.")
        failures.add_metric([], AccessFailureLog.objects.count())
        yield failures


def _by_state(name: str, documentation: str, rows, field: str, states) -> GaugeMetricFamily:
    counts = dict.fromkeys(states, 0)
    for state, count in _counted(rows, field):
        counts[state] = count
    family = GaugeMetricFamily(name, documentation, labels=["state"])
    for state, count in counts.items():
        family.add_metric([state], count)
    return family


def _counted(rows, field: str):
    from django.db.models import Count

    return rows.order_by().values_list(field).annotate(n=Count("*"))


REGISTRY.register(StoredFigures())


def _allowed(request) -> bool:
    token = config.get("CRAFTPATH_METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(
            given.removeprefix("Bearer ").encode(), token.encode()):
        return True
    networks = config.get("CRAFTPATH_METRICS_FROM") or []
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(client in network for network in networks)


@require_safe
def scrape(request):
    if not (config.get("CRAFTPATH_METRICS_TOKEN") or config.get("CRAFTPATH_METRICS_FROM")):
        raise Http404("Metrics are off: set CRAFTPATH_METRICS_TOKEN or CRAFTPATH_METRICS_FROM.")
    if not _allowed(request):
        return HttpResponseForbidden("metrics: give the metrics token, or scrape from an "
                                     "address in CRAFTPATH_METRICS_FROM\n",
                                     content_type="text/plain")
    response = HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
