"""The check-ins app's background tasks (django-tasks): the evidence assistant learning from
the links people make. Thin: the work is in learning.py."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from . import learning

log = logging.getLogger(__name__)


@task()
def learn_links() -> dict:
    from .suggestions import _model

    return learning.sync(_model()[0])


def queue_learning() -> None:
    """Queue the task once the current transaction commits (never inside the request)."""
    def enqueue():
        try:
            learn_links.enqueue()
        except Exception:  # a queue that cannot take it: the next link queues it again
            log.exception("could not queue the assistant's learning")

    transaction.on_commit(enqueue)


def links_changed(sender, action: str, **kwargs) -> None:
    """m2m_changed of Entry.evidence: a link made or removed."""
    if action in ("post_add", "post_remove", "post_clear"):
        queue_learning()
