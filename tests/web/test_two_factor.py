"""The second factor: enrolment with a QR code and a key, a code at every sign-in, codes never
accepted twice, recovery codes, a pause after wrong codes, and a setting that requires it of
admin and people-team accounts. The codes are computed with pyotp from the real secret."""

from __future__ import annotations

import time
from urllib.parse import unquote

import pyotp
import pytest

from craftpath.web.accounts import two_factor
from craftpath.web.accounts.models import RecoveryCode, Role, TwoFactorDevice, User
from craftpath.web.audit.models import Event

PASSWORD = "a long and unusual passphrase 42"


@pytest.fixture
def pat(published_seed):
    person = User.objects.create_user("pat@example.com", PASSWORD, name="Pat")
    person.grant(Role.PEOPLE)
    return person


def _code(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def _enrol(client) -> tuple[str, list[str]]:
    """Turn the second factor on through the pages; returns (secret, recovery codes)."""
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    secret = page.context["key"].replace(" ", "")
    done = client.post("/accounts/2fa/", {"code": _code(secret)})
    assert done.status_code == 200, done.content.decode()[:2000]
    return secret, done.context["codes"]


def _sign_in(client, person=None):
    client.logout()
    response = client.post("/accounts/login/", {"username": "pat@example.com",
                                                "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_enrolment_shows_a_qr_code_and_the_key_and_confirms_with_a_real_code(client, pat):
    client.force_login(pat)
    page = client.get("/accounts/2fa/")
    text = page.content.decode()
    assert 'src="data:image/svg+xml;' in text  # drawn on the server, no script
    secret = page.context["key"].replace(" ", "")
    assert len(secret) == 32 and page.context["key"] in text
    uri = two_factor.provisioning_uri(pat, secret)
    assert uri.startswith("otpauth://totp/craftpath:pat%40example.com?secret=" + secret)
    assert "<svg" in unquote(page.context["qr"])
    assert not TwoFactorDevice.objects.exists()  # nothing stored until a code confirms it
    done = client.post("/accounts/2fa/", {"code": _code(secret)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in done.content.decode() for code in codes)
    assert TwoFactorDevice.objects.get(person=pat).secret == secret
    assert RecoveryCode.objects.filter(person=pat).count() == 10
    assert Event.objects.filter(action="two-factor", detail="turned on").count() == 1


def test_a_wrong_code_does_not_turn_it_on(client, pat):
    client.force_login(pat)
    secret = client.get("/accounts/2fa/").context["key"].replace(" ", "")
    wrong = f"{(int(_code(secret)) + 1) % 1000000:06d}"
    response = client.post("/accounts/2fa/", {"code": wrong})
    assert response.status_code == 422
    assert "That code does not match" in response.content.decode()
    assert not TwoFactorDevice.objects.exists()


def test_signing_in_asks_for_the_code_before_anything_else(client, pat):
    client.force_login(pat)
    secret, _ = _enrol(client)
    _sign_in(client)
    blocked = client.get("/people/")
    assert blocked.status_code == 302
    assert blocked["Location"] == "/accounts/2fa/verify/?next=%2Fpeople%2F"
    assert client.get("/checkins/").status_code == 302
    passed = client.post("/accounts/2fa/verify/", {"code": _code(secret, 1), "next": "/people/"})
    assert passed.status_code == 302 and passed["Location"] == "/people/"
    assert client.get("/people/").status_code == 200


def test_a_code_is_never_accepted_twice(client, pat):
    client.force_login(pat)
    secret, _ = _enrol(client)
    code = _code(secret, 1)
    _sign_in(client)
    assert client.post("/accounts/2fa/verify/", {"code": code}).status_code == 302
    _sign_in(client)
    again = client.post("/accounts/2fa/verify/", {"code": code})
    assert again.status_code == 422
    assert client.get("/people/").status_code == 302


def test_the_code_enrolment_used_is_spent(client, pat):
    client.force_login(pat)
    secret = client.get("/accounts/2fa/").context["key"].replace(" ", "")
    code = _code(secret)
    client.post("/accounts/2fa/", {"code": code})
    _sign_in(client)
    assert client.post("/accounts/2fa/verify/", {"code": code}).status_code == 422


def test_a_recovery_code_signs_in_once(client, pat):
    client.force_login(pat)
    _, codes = _enrol(client)
    _sign_in(client)
    assert client.post("/accounts/2fa/verify/", {"code": codes[0].upper()}).status_code == 302
    assert two_factor.recovery_codes_left(pat) == 9
    _sign_in(client)
    assert client.post("/accounts/2fa/verify/", {"code": codes[0]}).status_code == 422
    assert Event.objects.filter(action="two-factor",
                                detail__startswith="signed in with a recovery code").count() == 1


def test_five_wrong_codes_pause_the_second_factor(client, pat):
    client.force_login(pat)
    secret, _ = _enrol(client)
    _sign_in(client)
    for _ in range(two_factor.MAX_FAILURES):
        assert client.post("/accounts/2fa/verify/", {"code": "000000"}).status_code == 422
    paused = client.post("/accounts/2fa/verify/", {"code": _code(secret, 1)})
    assert paused.status_code == 429
    assert "Too many wrong codes" in paused.content.decode()
    assert client.get("/people/").status_code == 302


def test_the_setting_requires_it_of_the_people_team_and_admins_only(client, pat, settings,
                                                                    small_org):
    settings.CRAFTPATH_REQUIRE_2FA = True
    client.force_login(pat)
    sent = client.get("/people/")
    assert sent.status_code == 302 and sent["Location"].startswith("/accounts/2fa/?next=")
    client.force_login(small_org.ada)
    assert client.get("/admin/").status_code == 302
    client.force_login(small_org.ian)
    assert client.get("/people/").status_code == 200  # engineers choose for themselves
    client.force_login(pat)
    secret, _ = _enrol(client)
    assert client.get("/people/").status_code == 200
    refused = client.post("/accounts/2fa/off/", {"code": _code(secret, 1)}, follow=True)
    assert "cannot be turned off" in refused.content.decode()
    assert TwoFactorDevice.objects.filter(person=pat).exists()


def test_it_turns_off_with_a_code(client, small_org):
    client.force_login(small_org.ian)
    secret, _ = _enrol(client)
    assert client.post("/accounts/2fa/off/", {"code": "123"}).status_code == 302
    assert TwoFactorDevice.objects.filter(person=small_org.ian).exists()
    client.post("/accounts/2fa/off/", {"code": _code(secret, 1)})
    assert not TwoFactorDevice.objects.filter(person=small_org.ian).exists()
    assert not RecoveryCode.objects.filter(person=small_org.ian).exists()


def test_new_recovery_codes_replace_the_old_ones(client, small_org):
    client.force_login(small_org.ian)
    secret, old = _enrol(client)
    page = client.post("/accounts/2fa/recovery-codes/", {"code": _code(secret, 1)})
    assert page.status_code == 200
    new = page.context["codes"]
    assert set(new).isdisjoint(old) and two_factor.recovery_codes_left(small_org.ian) == 10


def test_the_next_address_stays_on_this_site(client, pat):
    client.force_login(pat)
    secret, _ = _enrol(client)
    _sign_in(client)
    response = client.post("/accounts/2fa/verify/", {"code": _code(secret, 1),
                                                     "next": "https://evil.example/"})
    assert response["Location"] == "/people/"


# --- in Chromium ------------------------------------------------------------------------------

def test_enrol_and_sign_in_with_a_code_in_chromium(browser, live_server, transactional_db,
                                                   small_org):
    """Pia (people team) turns the second factor on from the page (the key read off it, the
    code computed from it), signs out and in again, gives a code, and lands where she was
    going; the new pages of the audit trail, data rights and second factor pass axe-core."""
    import re

    from playwright.sync_api import expect

    from .conftest import serious_violations

    pia = small_org.pia
    pia.set_password(PASSWORD)
    pia.save()
    base = live_server.url
    context = browser.new_context(bypass_csp=True)  # only so that axe-core can be injected
    page = context.new_page()
    page.set_default_timeout(15_000)

    def sign_in():
        page.goto(base + "/accounts/login/")
        page.get_by_label("Email").fill(pia.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

    sign_in()
    page.wait_for_url(re.compile(r"/home/"))
    page.goto(base + "/accounts/2fa/")
    expect(page.locator("img.qr")).to_be_visible()
    found = {"enrolment": serious_violations(page)}
    secret = page.locator("#key").inner_text().replace(" ", "")
    page.get_by_label("The six-digit code the app shows").fill(_code(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.locator("ul.recovery-codes li")).to_have_count(10)
    found["recovery codes"] = serious_violations(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in()
    page.wait_for_url(re.compile(r"/accounts/2fa/verify/"))
    found["code at sign-in"] = serious_violations(page)
    page.goto(base + "/audit/")  # still not through
    expect(page).to_have_url(re.compile(r"/accounts/2fa/verify/\?next=%2Faudit%2F"))
    page.get_by_label("The code from your authenticator app").fill(_code(secret, 1))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/audit/$"))
    expect(page.locator("h1")).to_have_text("Audit trail")
    for name, path in (("audit search", "/audit/?action=role-granted"),
                       ("who looked", "/audit/me/"), ("your data", "/rights/"),
                       ("erase", f"/rights/people/{small_org.eva.pk}/erase/"),
                       ("second factor on", "/accounts/2fa/")):
        page.goto(base + path)
        expect(page.locator("h1")).to_be_visible()
        found[name] = serious_violations(page)
    context.close()
    assert not any(found.values()), found
