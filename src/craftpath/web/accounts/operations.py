"""What the `craftpath demo` and `craftpath people …` commands do, for the CLI to call.

Django is set up first (settings come from the environment, see settings.py), so models are
imported inside the functions.
"""

from __future__ import annotations

from pathlib import Path

from craftpath.web.serve import migrate, setup_django


def _ready(data_dir) -> None:
    setup_django(data_dir)
    migrate()


def run_demo(data_dir: str | Path | None = None):
    """Publish the bundled framework if nothing is published, then fill an empty directory
    with the demo organisation (or give the demo sign-ins a new password). Raises DemoError."""
    _ready(data_dir)
    from craftpath.core.sample import bundled_path
    from craftpath.web.demo import create_demo
    from craftpath.web.frameworks import publishing

    if publishing.active_version() is None:
        publishing.publish_path(bundled_path())
    return create_demo()


def import_directory(path: str | Path, dry_run: bool, data_dir=None, invite: bool = False):
    """Read the CSV at `path` and import it (or only check it); raises DirectoryError with
    every problem, or OSError when the file cannot be read. With `invite`, the people it adds
    are sent an invitation; returns (report, actions.people.Invited or None)."""
    data = Path(path).read_bytes()
    _ready(data_dir)
    from craftpath.web.actions import OPERATOR
    from craftpath.web.actions import people as actions

    report, invited = actions.import_directory(OPERATOR, data, dry_run=dry_run,
                                               invite_added=invite)
    return report, invited


def invite(emails: list[str], pending: bool, data_dir=None):
    """`craftpath invite`: invite the given people, and with `pending` everyone without a
    usable password; returns (actions.people.Invited, unknown emails). Nothing is sent when
    an email is unknown."""
    _ready(data_dir)
    from craftpath.web.actions import OPERATOR
    from craftpath.web.actions import people as actions

    unknown = actions.unknown_emails(emails)
    if unknown:
        return None, unknown
    invited = actions.invite_emails(OPERATOR, emails)
    if pending:
        actions.invite_pending(OPERATOR, invited)
    return invited, []


def create_admin(email: str, name: str = "", data_dir=None) -> tuple[str, str]:
    """`craftpath admin create`: add `email` as an admin and invite them, as the operator.
    Returns (the address, the invitation link when email goes nowhere real, else "")."""
    _ready(data_dir)
    from django.conf import settings

    from craftpath.web.actions import OPERATOR
    from craftpath.web.actions import people as actions
    from craftpath.web.notifications.models import Kind, Notification

    person = actions.create_person(OPERATOR, {"email": email,
                                              "name": name or email.split("@")[0]})
    actions.set_roles(OPERATOR, person.pk, ["admin"])
    actions.invite(OPERATOR, [person.pk])
    if not settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        return person.email, ""
    # No mail server: the operator hands the link over themselves.
    invited = Notification.objects.filter(recipient=person, kind=Kind.INVITED).latest("pk")
    return person.email, settings.BASE_URL + invited.email_only_link


def set_roles(email: str, add: list[str], remove: list[str], data_dir=None) -> list[str]:
    """`craftpath roles`: give and take the person's roles as the operator (who names the first
    people-team member); returns the roles they hold after. Raises the action's errors."""
    _ready(data_dir)
    from craftpath.web.actions import OPERATOR, NotFound
    from craftpath.web.actions import people as actions

    try:
        person = actions.find_by_email(OPERATOR, email)
    except NotFound:
        raise NotFound(f"nobody in the directory has the email {email!r}") from None
    held = set(person.roles.values_list("name", flat=True))
    if add or remove:
        wanted = (held | set(add)) - set(remove)
        person = actions.set_roles(OPERATOR, person.pk, sorted(wanted))
        held = set(person.roles.values_list("name", flat=True))
    return sorted(held)


def run_worker(data_dir=None, once: bool = False, interval: float = 1.0) -> None:
    """`craftpath worker`: the task queue and the schedule (notifications/worker.py)."""
    _ready(data_dir)
    import sys

    from craftpath.web.notifications import worker

    worker.run(interval=interval, once=once,
               say=lambda line: print(f"craftpath worker: {line}", file=sys.stderr))


def export_directory(data_dir=None) -> str:
    """Everyone, as directory CSV. The command line is the operator's own access to the
    database (like manage.py), so it is not limited by a viewer's role; it is recorded."""
    _ready(data_dir)
    from craftpath.web.actions import OPERATOR
    from craftpath.web.actions import people as actions

    return actions.export_directory(OPERATOR, target="directory.csv (command line)")


def manage(arguments: list[str], data_dir=None) -> None:
    """Django's management commands (createsuperuser, changepassword, check --deploy…)."""
    setup_django(data_dir)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["craftpath manage", *arguments])
