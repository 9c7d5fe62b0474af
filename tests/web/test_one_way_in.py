"""Only the actions layer writes to the audit trail: no page, API route, SCIM handler, command
or task records an entry itself (issue: one rule, four doors). Read from the source, so a new
door that calls the trail fails here with its file and line."""

from __future__ import annotations

import ast
from pathlib import Path

import craftpath

PACKAGE = Path(craftpath.__file__).parent
# The trail itself, and the one layer allowed to write to it. The audit middleware records
# refused requests (a 403/404 is an answer of the door, seen nowhere else), and the model
# signals record role and manager changes made below every door (bulk imports included).
ALLOWED = ("web/actions/", "web/audit/")
WRITERS = {"record", "record_read", "record_insight_access"}


def _calls_to_the_trail(path: Path, root: Path = PACKAGE) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    trail_names, writer_names = set(), set()  # `trail` as imported; its writers as imported
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and "audit" in node.module:
            for alias in node.names:
                if alias.name == "trail":
                    trail_names.add(alias.asname or alias.name)
                elif alias.name in WRITERS:
                    writer_names.add(alias.asname or alias.name)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if (isinstance(function, ast.Attribute) and function.attr in WRITERS
                and isinstance(function.value, ast.Name) and function.value.id in trail_names):
            found.append(f"{path.relative_to(root)}:{node.lineno}")
        elif isinstance(function, ast.Name) and function.id in writer_names:
            found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_no_door_writes_to_the_audit_trail_itself():
    outside = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if not relative.startswith(ALLOWED):
            outside += _calls_to_the_trail(path)
    assert outside == []


def test_the_check_sees_a_door_that_writes(tmp_path):
    door = tmp_path / "door.py"
    door.write_text("from craftpath.web.audit import trail\n"
                    "from craftpath.web.audit.trail import record_read as seen\n\n"
                    "def view(request):\n    trail.record(request, 'viewed')\n"
                    "    seen(request, None, 'page')\n")
    assert _calls_to_the_trail(door, tmp_path) == ["door.py:5", "door.py:6"]


# --- doors do not look people up themselves -------------------------------------------------
# The queries of whom a viewer may see (access.py) are the actions layer's to ask: a door that
# asked them itself would read someone's data with no entry in the trail.
WHOM_QUERIES = {"visible_people", "progress_visible_people", "visible_notes", "team_members",
                "people_below", "insight_population"}


def _is_door(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1]
    return (name in ("views.py", "scim_views.py", "cli.py") or name.endswith("_views.py")
            or name.startswith("routes_") or "/management/commands/" in relative)


def _whom_queries(path: Path, root: Path = PACKAGE) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    return [f"{path.relative_to(root)}:{node.lineno}" for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr in WHOM_QUERIES]


def test_no_door_asks_whom_the_viewer_may_see_itself():
    doors = [path for path in sorted(PACKAGE.rglob("*.py"))
             if _is_door(path.relative_to(PACKAGE).as_posix())]
    assert len(doors) > 20  # the pages, API routes, SCIM, commands: the check sees them
    assert [found for path in doors for found in _whom_queries(path)] == []


def test_the_check_sees_a_door_that_looks_people_up(tmp_path):
    door = tmp_path / "views.py"
    door.write_text("from craftpath.web import access\n\n"
                    "def view(request, pk):\n"
                    "    return access.visible_people(request.user).get(pk=pk)\n")
    assert _is_door("web/accounts/views.py") and _whom_queries(door, tmp_path) == ["views.py:4"]
