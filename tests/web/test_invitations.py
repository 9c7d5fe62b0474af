"""Invitations: a one-time, expiring link by email to choose a password; for one person (the
people team and admins), for everyone an import adds (CLI and admin), and for everyone without
a password (`craftpath invite --pending`). Re-sending revokes the earlier link. Password reset
works for imported people. With single sign-on required, passwords are hidden and invitations
point to it. Email goes through the real queue to a real SMTP server on loopback."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from craftpath.cli import main
from craftpath.web.accounts import invitations
from craftpath.web.accounts.models import Invitation, User

from . import mail_helpers
from .mail_helpers import run_queue
from .test_people_import import GOOD

smtp_server = mail_helpers.smtp_server  # the fixture
pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "a long and unusual passphrase 42"


def invitation_link(inbox, email: str) -> str:
    """The path of the latest invitation link sent to `email`."""
    text = inbox.text_of(inbox.to(email)[-1])
    return re.search(r"https://craftpath\.example(/accounts/invitation/[^/\s]+/)", text)[1]


@pytest.fixture
def imported(published_seed):
    """Someone added by a directory import: no usable password."""
    return User.objects.create_user("new@example.com", name="Nadia New")


def test_an_invitation_link_sets_a_password_once(imported, smtp_server, client):
    invitations.invite(imported)
    run_queue()
    [message] = smtp_server.to(imported.email)
    assert message["Subject"] == "You are invited to craftpath"
    assert "choose a password" in smtp_server.text_of(message)
    assert "/accounts/invitation/" in smtp_server.html_of(message)
    link = invitation_link(smtp_server, imported.email)
    page = client.get(link)
    assert page.status_code == 200 and "new@example.com" in page.content.decode()
    done = client.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done["Location"] == "/home/"  # set, and signed in
    assert client.get("/home/").status_code == 200
    imported.refresh_from_db()
    assert imported.check_password(PASSWORD)
    client.logout()
    again = client.get(link)
    assert again.status_code == 404 and "does not work" in again.content.decode()
    # The secret left the database once the email had gone.
    from craftpath.web.notifications.models import Notification

    assert Notification.objects.get(recipient=imported).email_only_link == ""


def test_a_weak_password_is_refused_and_the_link_still_works(imported, smtp_server, client):
    invitations.invite(imported)
    run_queue()
    link = invitation_link(smtp_server, imported.email)
    refused = client.post(link, {"new_password1": "1234", "new_password2": "1234"})
    assert refused.status_code == 200 and "too short" in refused.content.decode()
    assert client.get(link).status_code == 200


def test_sending_again_revokes_the_earlier_link(imported, smtp_server, client):
    invitations.invite(imported)
    invitations.invite(imported)
    run_queue()
    first, second = [inbox_link for inbox_link in re.findall(
        r"/accounts/invitation/[^/\s]+/",
        "".join(smtp_server.text_of(m) for m in smtp_server.to(imported.email)))]
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert Invitation.objects.filter(person=imported, revoked_at__isnull=False).count() == 1


def test_a_link_expires(imported, smtp_server, settings):
    settings.INVITATION_DAYS = 7
    invitations.invite(imported)
    run_queue()
    token = invitation_link(smtp_server, imported.email).split("/")[-2]
    assert invitations.find(token).person == imported
    assert invitations.find(token, now=timezone.now() + timedelta(days=6)) is not None
    assert invitations.find(token, now=timezone.now() + timedelta(days=7, seconds=5)) is None
    assert invitations.find("not-a-token") is None


def test_the_people_team_and_admins_invite_one_person(small_org, smtp_server, client_as):
    eva = small_org.eva
    for inviter in (small_org.pia, small_org.ada):
        reply = client_as(inviter).post(f"/people/{eva.pk}/invite/")
        assert reply["Location"] == f"/people/{eva.pk}/"
    assert client_as(small_org.mia).post(f"/people/{eva.pk}/invite/").status_code == 403
    page = client_as(small_org.pia).get(f"/people/{eva.pk}/").content.decode()
    assert f'action="/people/{eva.pk}/invite/"' in page
    run_queue()
    assert len(smtp_server.to(eva.email)) == 2
    assert Invitation.objects.filter(person=eva, revoked_at=None).count() == 1


def test_the_import_invites_the_people_it_adds(published_seed, smtp_server, tmp_path, capsys):
    source = tmp_path / "people.csv"
    source.write_text(GOOD)
    assert main(["people", "import", str(source), "--invite"]) == 0
    out = capsys.readouterr().out
    assert "imported 3 people: 3 new" in out and "sent 3 invitation(s)" in out
    assert main(["people", "import", str(source), "--invite"]) == 0  # nobody new: none sent
    assert "sent 0 invitation(s)" in capsys.readouterr().out
    run_queue()
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "dev@example.com", "head@example.com", "lead@example.com"]


def test_the_admin_import_has_an_invite_box(small_org, smtp_server, client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("people.csv", GOOD.encode(), content_type="text/csv")
    page = client_as(small_org.ada).post("/admin/accounts/user/import/",
                                         {"file": upload, "invite": "on"}, follow=True)
    assert "3 invitations sent" in page.content.decode()
    run_queue()
    assert len(smtp_server.messages) == 3


def test_invite_pending_invites_everyone_without_a_password(small_org, smtp_server, capsys):
    small_org.eva.set_password(PASSWORD)
    small_org.eva.save()
    assert main(["invite", "--pending"]) == 0
    assert capsys.readouterr().out.strip() == "sent 7 invitation(s)"  # all but Eva
    assert main(["invite", "--pending"]) == 0
    assert capsys.readouterr().out.strip() == \
        "sent 0 invitation(s); 7 already had a valid invitation"
    assert main(["invite", "nobody@example.com"]) == 2
    assert "not in the directory: nobody@example.com" in capsys.readouterr().err
    assert main(["invite"]) == 2
    run_queue()
    assert len(smtp_server.messages) == 7 and not smtp_server.to(small_org.eva.email)


def test_password_reset_reaches_people_without_a_password(imported, smtp_server, client):
    client.post("/accounts/password/reset/", {"email": "NEW@example.com"})
    [message] = smtp_server.to(imported.email)  # Django's own form sent nothing here
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.get_content())
    assert link and client.get(link[1]).status_code == 302  # on to the set-password form


def test_with_single_sign_on_required_passwords_are_hidden(imported, smtp_server, client,
                                                           settings):
    settings.SSO_REQUIRED = True
    settings.OIDC_RP_CLIENT_ID = "craftpath"
    login = client.get("/accounts/login/").content.decode()
    assert 'type="password"' not in login and "/accounts/sso/" in login
    refused = client.post("/accounts/login/", {"username": imported.email, "password": "x"})
    assert "single sign-on" in refused.content.decode()
    reset = client.get("/accounts/password/reset/")
    assert reset.status_code == 404 and "/accounts/sso/" in reset.content.decode()
    invitations.invite(imported)
    run_queue()
    text = smtp_server.text_of(smtp_server.to(imported.email)[0])
    assert "https://craftpath.example/accounts/sso/" in text and "single sign-on" in text
