"""Signing in and out, Argon2 hashes, password reset by email, throttling of failed sign-ins."""

import re

import pytest
from django.core import mail

from craftpath.web.accounts.models import User

PASSWORD = "correct horse battery staple"


@pytest.fixture
def eva(db):
    return User.objects.create_user("eva@example.com", PASSWORD, name="Eva")


def sign_in(client, email, password):
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_passwords_are_stored_with_argon2(eva):
    assert eva.password.startswith("argon2$")


def test_signing_in_by_email_in_any_case_leads_to_the_home_page(client, eva):
    reply = sign_in(client, "Eva@Example.com", PASSWORD)
    assert reply.status_code == 302 and reply["Location"] == "/home/"
    assert client.get("/people/me/")["Location"] == f"/people/{eva.pk}/"


def test_a_wrong_password_says_so_without_saying_which_part(client, eva):
    page = sign_in(client, "eva@example.com", "wrong")
    assert page.status_code == 200
    assert "Please enter a correct email and password" in page.content.decode()


def test_people_pages_need_signing_in_and_framework_pages_do_not(client, published_seed):
    assert client.get("/people/")["Location"] == "/accounts/login/?next=/people/"
    assert client.get("/").status_code == 200


def test_signing_out_is_a_post(client, eva):
    sign_in(client, "eva@example.com", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/people/").status_code == 302


def test_five_failures_lock_the_account_from_that_address(client, eva):
    for _ in range(4):
        assert sign_in(client, "eva@example.com", "wrong").status_code == 200
    locked = sign_in(client, "eva@example.com", "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    # Even the right password is refused during the pause.
    assert sign_in(client, "eva@example.com", PASSWORD).status_code == 429
    # Others are not affected.
    User.objects.create_user("ian@example.com", PASSWORD, name="Ian")
    assert sign_in(client, "ian@example.com", PASSWORD).status_code == 302


def test_changing_the_case_of_the_email_does_not_buy_more_guesses(client, eva):
    for spelling in ("eva@example.com", "EVA@example.com", "Eva@Example.com", "eVa@example.COM"):
        assert sign_in(client, spelling, "wrong").status_code == 200
    assert sign_in(client, "EVA@EXAMPLE.COM", "wrong").status_code == 429


def test_a_success_clears_earlier_failures(client, eva):
    for _ in range(4):
        sign_in(client, "eva@example.com", "wrong")
    assert sign_in(client, "eva@example.com", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert sign_in(client, "eva@example.com", "wrong").status_code == 200


def test_a_password_reset_by_email_sets_a_new_password(client, eva):
    reply = client.post("/accounts/password/reset/", {"email": "eva@example.com"})
    assert reply["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["eva@example.com"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    form = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "a new long passphrase 9",
                                                    "new_password2": "a new long passphrase 9"})
    assert done["Location"] == "/accounts/password/reset/complete/"
    eva.refresh_from_db()
    assert eva.check_password("a new long passphrase 9")


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, db):
    reply = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert reply["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_an_imported_person_without_a_password_cannot_sign_in_with_one(client, db):
    User.objects.create_user("new@example.com", name="New")
    assert sign_in(client, "new@example.com", "").status_code == 200
    assert sign_in(client, "new@example.com", "anything").status_code == 200
