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


def import_directory(path: str | Path, dry_run: bool, data_dir=None):
    """Read the CSV at `path` and import it (or only check it); raises DirectoryError with
    every problem, or OSError when the file cannot be read."""
    data = Path(path).read_bytes()
    _ready(data_dir)
    from .directory import import_csv

    return import_csv(data, dry_run=dry_run)


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
