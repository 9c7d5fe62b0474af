"""What `craftpath token create` does, for the CLI to call (`craftpath worker`, which runs
webhook deliveries with every other task, is notifications/worker.py)."""

from __future__ import annotations

from craftpath.web.serve import migrate, setup_django


def create_token(email: str, scope: str, expires_days: int | None, name: str = "",
                 data_dir=None):
    """Make a token for the person with `email`; raises tokens.TokenError."""
    setup_django(data_dir)
    migrate()
    from craftpath.web.accounts.models import User

    from . import tokens
    from .errors import TokenError

    person = User.objects.filter(email__iexact=email.strip()).first()
    if person is None:
        raise TokenError(f"no person with the email {email}")
    return tokens.create(person, name or "command line", scope, expires_days)
