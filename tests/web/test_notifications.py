"""Notifications: the inbox and its unread count, emails through the task queue to a real SMTP
server on loopback (text and HTML, a link back, a way to turn the kind off), preferences,
retries on a controllable clock, failures shown to the people team, and two workers at once
sending nothing twice.

These tests run the real queue (django-tasks' database worker), whose SQLite claim opens its
own transaction, so they use transactional_db rather than a wrapping test transaction.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from craftpath.web.notifications import delivery, schedule
from craftpath.web.notifications.models import EmailOptOut, EmailState, Kind, Notification
from craftpath.web.notifications.notify import notify

from . import mail_helpers
from .mail_helpers import run_queue

smtp_server = mail_helpers.smtp_server  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_notification_lands_in_the_inbox_and_arrives_by_email(small_org, smtp_server,
                                                                client_as):
    eva = small_org.eva
    notify(Kind.REVIEW_SUBMITTED, [eva], "Your manager submitted their review", "Soon yours.",
           link="/checkins/")
    page = client_as(eva).get("/home/").content.decode()
    assert 'Inbox <span class="badge badge--info">1<' in page  # the unread count
    assert not smtp_server.messages  # nothing is sent until the worker runs
    run_queue()
    [message] = smtp_server.to(eva.email)
    assert message["Subject"] == "Your manager submitted their review"
    text, html = smtp_server.text_of(message), smtp_server.html_of(message)
    assert "https://craftpath.example/checkins/" in text and "Soon yours." in text
    assert 'href="https://craftpath.example/checkins/"' in html
    assert "https://craftpath.example/notifications/preferences/#kind-review_submitted" in text
    assert Notification.objects.get().email_state == EmailState.SENT


def test_opening_marks_read_and_goes_where_it_points(small_org, client_as):
    eva = small_org.eva
    notify(Kind.CHECKIN_CLOSED, [eva], "Closed", link="/checkins/")
    client = client_as(eva)
    inbox = client.get("/notifications/").content.decode()
    assert "Closed" in inbox and "badge--info" in inbox
    note = Notification.objects.get()
    assert client.post(f"/notifications/{note.pk}/open/")["Location"] == "/checkins/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert "Inbox <span" not in client.get("/home/").content.decode()  # no unread left
    assert client_as(small_org.ian).post(f"/notifications/{note.pk}/open/").status_code == 404


def test_a_kind_turned_off_stays_in_the_inbox_but_sends_no_email(small_org, smtp_server,
                                                                 client_as):
    eva = small_org.eva
    client = client_as(eva)
    page = client.get("/notifications/preferences/").content.decode()
    assert 'value="feedback_requested" checked' in page
    wanted = [k for k, _ in Kind.choices if k not in ("invited", "feedback_requested")]
    client.post("/notifications/preferences/", {"email": wanted})
    assert list(EmailOptOut.objects.filter(person=eva).values_list("kind", flat=True)) == \
        ["feedback_requested"]
    notify(Kind.FEEDBACK_REQUESTED, [eva], "Feedback, please")
    notify(Kind.FEEDBACK_GIVEN, [eva], "Feedback given")
    run_queue()
    assert [m["Subject"] for m in smtp_server.to(eva.email)] == ["Feedback given"]
    assert Notification.objects.filter(recipient=eva).count() == 2


def test_a_failed_send_is_retried_then_shown_to_the_people_team(small_org, smtp_server,
                                                                client_as):
    smtp_server.refuse = True
    notify(Kind.CHECKIN_CLOSED, [small_org.eva], "Closed")
    before = timezone.now()
    run_queue()
    note = Notification.objects.get()
    assert note.email_state == EmailState.PENDING and note.email_attempts == 1
    assert "550" in note.email_error
    first_retry = note.email_retry_at  # a minute after the failure
    assert before + timedelta(seconds=59) < first_retry < timezone.now() + timedelta(minutes=1)
    # The schedule runs on the clock it is given: nothing is due a second early.
    assert schedule.tick(first_retry - timedelta(seconds=1)).retried == 0
    assert schedule.tick(first_retry).retried == 1
    run_queue()
    note.refresh_from_db()
    assert note.email_attempts == 2 and note.email_retry_at > first_retry + timedelta(minutes=9)
    assert schedule.tick(note.email_retry_at).retried == 1
    run_queue()
    note.refresh_from_db()
    assert note.email_state == EmailState.FAILED and note.email_attempts == 3
    assert schedule.tick(timezone.now() + timedelta(days=1)).retried == 0
    assert not smtp_server.messages
    page = client_as(small_org.pia).get("/notifications/failed/").content.decode()
    assert small_org.eva.email in page and "550" in page
    assert client_as(small_org.ian).get("/notifications/failed/").status_code == 403
    smtp_server.refuse = False  # SMTP fixed: the people team tries them again
    client_as(small_org.pia).post("/notifications/failed/retry/")
    run_queue()
    assert len(smtp_server.to(small_org.eva.email)) == 1


def test_an_unreachable_server_is_retried_too(small_org, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False
    notify(Kind.CHECKIN_CLOSED, [small_org.eva], "Closed")
    run_queue()
    note = Notification.objects.get()
    assert note.email_state == EmailState.PENDING and note.email_retry_at is not None


def test_a_reminder_key_adds_one_notification_however_often_it_runs(small_org):
    first = notify(Kind.DEADLINE_MISSED, [small_org.eva], "Late", key="cycle-1-self-missed")
    again = notify(Kind.DEADLINE_MISSED, [small_org.eva], "Late", key="cycle-1-self-missed")
    assert len(first) == 1 and again == []
    assert Notification.objects.count() == 1


def test_a_row_claimed_once_is_never_sent_by_a_second_delivery(small_org, smtp_server):
    [pk] = notify(Kind.CHECKIN_CLOSED, [small_org.eva], "Closed")
    assert delivery.deliver([pk]) == 1
    assert delivery.deliver([pk]) == 0  # the same task run twice
    assert len(smtp_server.messages) == 1


def test_two_workers_at_once_send_each_email_exactly_once(published_seed, smtp_server):
    from craftpath.web.accounts.models import User

    people = [User.objects.create_user(f"p{i}@example.com", name=f"P{i}") for i in range(120)]
    ids = notify(Kind.CYCLE_LAUNCHED, people, "A cycle started")  # 3 tasks of 50, 50, 20
    for pk in ids:  # and one task per email as well, so both workers race for the same rows
        from craftpath.web.notifications.tasks import deliver_emails

        deliver_emails.enqueue([pk])
    problems = []

    def work():
        from django.db import connection

        try:
            run_queue()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            problems.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not problems
    received = sorted(m["To"] for m in smtp_server.messages)
    assert received == sorted(p.email for p in people)  # each once, nobody twice
    assert Notification.objects.filter(email_state=EmailState.SENT).count() == 120
    from django_tasks_db.models import DBTaskResult

    ran_on = {tuple(r.worker_ids) for r in DBTaskResult.objects.all()}
    assert len(ran_on) == 2, "both workers took tasks"  # a race really happened


def test_a_stopped_workers_claim_runs_out_and_is_sent_again_under_the_same_id(
        small_org, smtp_server):
    start = timezone.now()
    [pk] = notify(Kind.CHECKIN_CLOSED, [small_org.eva], "Closed", now=start)
    delivery.claim([pk], start)  # a worker claimed it and stopped
    assert schedule.tick(start + timedelta(minutes=1)).reclaimed == 0  # its lease holds
    done = schedule.tick(start + timedelta(minutes=3))
    assert (done.reclaimed, done.retried) == (1, 1)
    note = Notification.objects.get()
    assert note.email_state == EmailState.PENDING and "sent again" in note.email_error
    run_queue()
    [message] = smtp_server.to(small_org.eva.email)
    assert message["Message-ID"] == delivery.message_id(note)
    assert Notification.objects.get().email_state == EmailState.SENT


def test_a_claim_on_its_last_try_is_marked_failed_when_it_runs_out(small_org):
    start = timezone.now()
    [pk] = notify(Kind.CHECKIN_CLOSED, [small_org.eva], "Closed", now=start)
    Notification.objects.filter(pk=pk).update(email_attempts=delivery.MAX_ATTEMPTS - 1)
    delivery.claim([pk], start)
    assert schedule.tick(start + timedelta(minutes=3)).reclaimed == 0
    note = Notification.objects.get()
    assert note.email_state == EmailState.FAILED and "last try" in note.email_error


def test_every_try_of_a_notification_carries_one_message_id(small_org, smtp_server):
    smtp_server.refuse = True
    [pk] = notify(Kind.CHECKIN_CLOSED, [small_org.eva], "Closed")
    run_queue()
    smtp_server.refuse = False
    note = Notification.objects.get()
    schedule.tick(note.email_retry_at)
    run_queue()
    [message] = smtp_server.to(small_org.eva.email)
    assert message["Message-ID"] == delivery.message_id(note) == delivery.message_id(
        Notification.objects.get())
    assert message["Message-ID"].startswith(f"<notification.{pk}.")
