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
    from craftpath.web.frameworks import publishing

    from .demo import create_demo

    if publishing.active_version() is None:
        publishing.publish_path(bundled_path())
    return create_demo()


def import_directory(path: str | Path, dry_run: bool, data_dir=None, invite: bool = False):
    """Read the CSV at `path` and import it (or only check it); raises DirectoryError with
    every problem, or OSError when the file cannot be read. With `invite`, the people it adds
    are sent an invitation; returns (report, invitations sent)."""
    data = Path(path).read_bytes()
    _ready(data_dir)
    from .directory import import_csv
    from .invitations import invite_emails

    report = import_csv(data, dry_run=dry_run)
    sent = invite_emails(report.created) if invite and report.applied else 0
    return report, sent


def invite(emails: list[str], pending: bool, data_dir=None) -> tuple[int, int, list[str]]:
    """`craftpath invite`: invite the given people, and with `pending` everyone without a
    usable password; returns (sent, already invited, unknown emails)."""
    _ready(data_dir)
    from .invitations import invite_emails, invite_pending
    from .models import User, normalise_email

    wanted = [normalise_email(e) for e in emails]
    known = set(User.objects.filter(email__in=wanted).values_list("email", flat=True))
    unknown = [e for e in wanted if e not in known]
    if unknown:
        return 0, 0, unknown
    sent = invite_emails(wanted) if wanted else 0
    covered = 0
    if pending:
        more, covered = invite_pending()
        sent += more
    return sent, covered, []


def run_worker(data_dir=None, once: bool = False, interval: float = 1.0) -> None:
    """`craftpath worker`: the task queue and the schedule (notifications/worker.py)."""
    _ready(data_dir)
    import sys

    from craftpath.web.notifications import worker

    worker.run(interval=interval, once=once,
               say=lambda line: print(f"craftpath worker: {line}", file=sys.stderr))


def export_directory(data_dir=None) -> str:
    """Everyone, as directory CSV. The command line is the operator's own access to the
    database (like manage.py), so it is not limited by a viewer's role."""
    _ready(data_dir)
    from .directory import export_csv
    from .models import User

    return export_csv(User.objects.all())


def manage(arguments: list[str], data_dir=None) -> None:
    """Django's management commands (createsuperuser, changepassword, check --deploy…)."""
    setup_django(data_dir)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["craftpath manage", *arguments])
