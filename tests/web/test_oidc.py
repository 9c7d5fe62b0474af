"""Sign-in with OpenID Connect, round trip through a real (tiny) provider on loopback."""

import urllib.request
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured

from craftpath.web.accounts.models import Role, User
from craftpath.web.security import oidc_settings

from .oidc_provider import Provider


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def provider(settings, monkeypatch):
    """The provider running, and the app's settings pointing at it (as the environment
    variables would)."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with Provider() as running:
        for name, value in oidc_settings(running.environment()).items():
            setattr(settings, name, value)
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS,
                                            "craftpath.web.accounts.oidc.DirectoryOIDCBackend"]
        yield running


def round_trip(client, provider, next_url="/people/"):
    """Start at the app, let the provider approve, come back: the app's final answer."""
    start = client.get(f"/accounts/sso/?next={next_url}")
    assert start.status_code == 302 and start["Location"].startswith(provider.url)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(start["Location"])
    except urllib.error.HTTPError as redirect:  # the provider's 302 back to the app
        back = urlsplit(redirect.headers["Location"])
    assert back.path == "/accounts/sso/callback/"
    return client.get(f"{back.path}?{back.query}")


def test_a_person_in_the_directory_signs_in(client, provider, small_org):
    provider.person.update(email="Eva@Example.com", name="Eva E.")
    reply = round_trip(client, provider)
    assert reply.status_code == 302 and reply["Location"] == "/people/"
    page = client.get("/people/me/", follow=True).content.decode()
    assert "Eva" in page and "(you)" in page
    small_org.eva.refresh_from_db()
    assert small_org.eva.name == "Eva"  # the directory, not the provider, says who she is


def test_someone_the_directory_does_not_know_is_turned_away(client, provider, small_org):
    provider.person.update(email="stranger@example.com", name="Stranger")
    reply = round_trip(client, provider)
    assert reply["Location"] == "/accounts/login/?sso=failed"
    assert "Single sign-on did not sign you in" in client.get(reply["Location"]).content.decode()
    assert client.get("/people/").status_code == 302
    assert not User.objects.filter(email="stranger@example.com").exists()


def test_new_people_can_be_let_in_when_configured(client, provider, settings, db):
    settings.OIDC_CREATE_USER = True
    provider.person.update(email="new@example.com", name="New Person")
    assert round_trip(client, provider)["Location"] == "/people/"
    created = User.objects.get(email="new@example.com")
    assert created.name == "New Person" and created.role_names() == {Role.ENGINEER}


def test_an_unverified_email_is_refused(client, provider, small_org):
    provider.person.update(email="eva@example.com", email_verified=False)
    assert round_trip(client, provider)["Location"] == "/accounts/login/?sso=failed"


def test_a_callback_with_a_forged_state_is_refused(client, provider, small_org):
    client.get("/accounts/sso/")
    reply = client.get("/accounts/sso/callback/?code=x&state=forged")
    assert reply.status_code in (400, 302)
    assert client.get("/people/").status_code == 302


def test_the_sign_in_page_offers_sso_only_when_configured(client, provider, db, settings):
    assert "Sign in with single sign-on" in client.get("/accounts/login/").content.decode()
    settings.OIDC_RP_CLIENT_ID = ""
    assert "single sign-on" not in client.get("/accounts/login/").content.decode().split(
        "<h1>")[1].split("</form>")[1].split("Forgotten")[0]
    assert client.get("/accounts/sso/").status_code == 404


def test_the_provider_publishes_discovery(provider):
    with urllib.request.urlopen(f"{provider.url}/.well-known/openid-configuration") as reply:
        assert b'"jwks_uri"' in reply.read()


def test_settings_come_from_the_environment_and_are_off_when_unset():
    assert oidc_settings({}) == {}
    with pytest.raises(ImproperlyConfigured, match="CRAFTPATH_OIDC_TOKEN_ENDPOINT"):
        oidc_settings({"CRAFTPATH_OIDC_CLIENT_ID": "x", "CRAFTPATH_OIDC_CLIENT_SECRET": "y",
                       "CRAFTPATH_OIDC_AUTHORIZATION_ENDPOINT": "https://idp/authorize"})
    full = oidc_settings(Provider.environment(type("P", (), {
        "client_id": "c", "client_secret": "s", "url": "https://idp"})()))
    assert full["OIDC_RP_SIGN_ALGO"] == "RS256" and full["OIDC_USE_PKCE"] is True
    assert full["OIDC_CREATE_USER"] is False
