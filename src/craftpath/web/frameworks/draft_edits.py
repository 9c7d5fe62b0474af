"""The edits an editor's form can ask for: each reads its fields from the POST and gives the
item it touches (for conflict checks) and the core.edit call to make.

Every form posts `op` (a key of OPS), `family` when the edit is inside a family, and the
fields below. Missing or malformed fields raise EditError naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from craftpath.core import edit
from craftpath.core.edit import EditError


@dataclass(frozen=True)
class Request:
    """One edit as asked: what it touches, what the editor typed (to show back on a
    conflict), what to do, and what to say when done."""

    target: str
    yours: str
    change: Callable
    done: str
    also: tuple[str, ...] = ()  # further items it touches (a merge: every statement)

    def seen(self, post) -> dict[str, str]:
        """Each item touched → its fingerprint as the page showed it: `fingerprint` for the
        main item, `fp:<target>` for the others."""
        seen = {self.target: post.get("fingerprint", "")} if self.target else {}
        seen.update({target: post.get(f"fp:{target}", "") for target in self.also})
        return seen


def _field(post, name: str, required: bool = True, limit: int = 5000) -> str:
    value = post.get(name, "")
    if required and not value.strip():
        raise EditError(f"the field {name!r} is needed", name)
    if len(value) > limit:
        raise EditError(f"the field {name!r} is longer than {limit} characters", name)
    return value


def _number(post, name: str, required: bool = False) -> int | None:
    value = post.get(name, "").strip()
    if not value:
        if required:
            raise EditError(f"the field {name!r} is needed", name)
        return None
    try:
        number = int(value)
    except ValueError:
        raise EditError(f"{name}: {value!r} is not a whole number", name) from None
    if not -1000 <= number <= 1000:
        raise EditError(f"{name}: {number} is out of range", name)
    return number


def _lines(post, name: str) -> list[str]:
    return [line for line in _field(post, name, limit=20000).splitlines() if line.strip()]


def parse(post, reserved: dict[str, frozenset[str]]) -> Request:
    op = post.get("op", "")
    if op not in OPS:
        raise EditError(f"unknown edit {op!r}", "op")
    family = post.get("family", "")
    return OPS[op](post, family, reserved.get(family, frozenset()))


# --- statements -------------------------------------------------------------------------------

def _reword(post, family, reserved):
    sid, text = _field(post, "statement"), _field(post, "text")
    return Request(f"statement:{family}:{sid}", text,
                   lambda f: edit.reword_statement(f, family, sid, text), "Statement saved.")


def _add_statement(post, family, reserved):
    area, level, text = _field(post, "area"), _field(post, "level"), _field(post, "text")
    return Request("", text, lambda f: edit.add_statement(
        f, family, area, level, text, _number(post, "position"), reserved), "Statement added.")


def _delete_statement(post, family, reserved):
    sid = _field(post, "statement")
    return Request(f"statement:{family}:{sid}", "(delete)",
                   lambda f: edit.delete_statement(f, family, sid), "Statement deleted.")


def _move_statement(post, family, reserved):
    sid = _field(post, "statement")
    area, _, level = _field(post, "to").partition("|")
    if not level:
        raise EditError("choose the area and level to move the statement to", "to")
    return Request(f"statement:{family}:{sid}", f"(move to {area}, {level})",
                   lambda f: edit.move_statement(f, family, sid, area, level,
                                                 _number(post, "position")),
                   "Statement moved; its id stays, so ratings follow it.")


def _split_statement(post, family, reserved):
    sid, parts = _field(post, "statement"), _lines(post, "parts")
    return Request(f"statement:{family}:{sid}", "\n".join(parts),
                   lambda f: edit.split_statement(f, family, sid, parts, reserved),
                   f"Statement split into {len(parts)}.")


def _merge_statements(post, family, reserved):
    ids, text = post.getlist("ids"), _field(post, "text")
    return Request("", text, lambda f: edit.merge_statements(f, family, ids, text, reserved),
                   f"{len(ids)} statements merged into one.",
                   tuple(f"statement:{family}:{sid}" for sid in ids))


# --- levels, tracks, areas --------------------------------------------------------------------

def _add_level(post, family, reserved):
    code = _field(post, "code", limit=200)
    return Request("", code, lambda f: edit.add_level(
        f, family, code, post.get("name", ""), post.get("title", ""), _number(post, "number"),
        _number(post, "position")), f"Level {code} added.")


def _rename_level(post, family, reserved):
    level, code = _field(post, "level"), _field(post, "code", limit=200)
    yours = f"{code} · number {post.get('number', '')} · {post.get('name', '')} · " \
            f"{post.get('title', '')}"
    return Request(f"level:{family}:{level}", yours, lambda f: edit.rename_level(
        f, family, level, code, post.get("name", ""), post.get("title", ""),
        _number(post, "number")), "Level saved.")


def _move_level(post, family, reserved):
    level, position = _field(post, "level"), _number(post, "position", required=True)
    return Request(f"levels:{family}", f"(move {level} to place {position + 1})",
                   lambda f: edit.move_level(f, family, level, position), "Levels reordered.")


def _level_missing(post, family, reserved):
    level, missing = _field(post, "level"), post.get("missing") == "1"
    return Request(f"level:{family}:{level}", "(mark missing)" if missing else "(mark present)",
                   lambda f: edit.set_level_missing(f, family, level, missing),
                   "Level marked missing." if missing else "Level marked present.")


def _remove_level(post, family, reserved):
    level = _field(post, "level")
    return Request(f"level:{family}:{level}", "(remove)",
                   lambda f: edit.remove_level(f, family, level), "Level removed.")


def _add_track(post, family, reserved):
    name = _field(post, "name", limit=200)
    return Request("", name, lambda f: edit.add_track(f, family, name), "Track added.")


def _rename_track(post, family, reserved):
    track, name = _field(post, "track"), _field(post, "name", limit=200)
    return Request(f"track:{family}:{track}", name,
                   lambda f: edit.rename_track(f, family, track, name), "Track saved.")


def _move_track(post, family, reserved):
    track, position = _field(post, "track"), _number(post, "position", required=True)
    return Request(f"tracks:{family}", f"(move {track} to place {position + 1})",
                   lambda f: edit.move_track(f, family, track, position), "Tracks reordered.")


def _remove_track(post, family, reserved):
    track = _field(post, "track")
    return Request(f"track:{family}:{track}", "(remove)",
                   lambda f: edit.remove_track(f, family, track), "Track removed.")


def _add_area(post, family, reserved):
    track, name = _field(post, "track"), _field(post, "name", limit=200)
    return Request("", name, lambda f: edit.add_area(f, family, track, name,
                                                     post.get("description", "")),
                   f"Area {name} added.")


def _rename_area(post, family, reserved):
    area, name = _field(post, "area"), _field(post, "name", limit=200)
    description = post.get("description", "")
    return Request(f"area:{family}:{area}", f"{name}: {description}",
                   lambda f: edit.rename_area(f, family, area, name, description), "Area saved.")


def _move_area(post, family, reserved):
    area, track = _field(post, "area"), _field(post, "track")
    place = _number(post, "place")  # 1-based, as the page shows it
    return Request(f"tracks:{family}", f"(move {area} to {track})",
                   lambda f: edit.move_area(f, family, area, track,
                                            None if place is None else place - 1),
                   "Area moved.")


def _remove_area(post, family, reserved):
    area = _field(post, "area")
    return Request(f"area:{family}:{area}", "(remove)",
                   lambda f: edit.remove_area(f, family, area), "Area removed.")


# --- terms, scale, name -----------------------------------------------------------------------

def _set_term(post, family, reserved):
    slug, name = post.get("term", ""), _field(post, "name", limit=200)
    definition = post.get("definition", "")
    return Request(f"term:{slug}" if slug else "", f"{name}: {definition}",
                   lambda f: edit.set_term(f, name, definition, slug), "Term saved.")


def _remove_term(post, family, reserved):
    slug = _field(post, "term")
    return Request(f"term:{slug}", "(remove)", lambda f: edit.remove_term(f, slug),
                   "Term removed.")


def _set_scale(post, family, reserved):
    labels = _lines(post, "scale")
    return Request("scale", " / ".join(labels), lambda f: edit.set_scale(f, labels),
                   "Rating scale saved.")


def _set_name(post, family, reserved):
    name, version = _field(post, "name", limit=200), post.get("version", "")
    return Request("name", f"{name} (version {version or 'unnamed'})",
                   lambda f: edit.set_name(f, name, version), "Name saved.")


OPS = {
    "statement.reword": _reword, "statement.add": _add_statement,
    "statement.delete": _delete_statement, "statement.move": _move_statement,
    "statement.split": _split_statement, "statement.merge": _merge_statements,
    "level.add": _add_level, "level.rename": _rename_level, "level.move": _move_level,
    "level.missing": _level_missing, "level.remove": _remove_level,
    "track.add": _add_track, "track.rename": _rename_track, "track.move": _move_track,
    "track.remove": _remove_track,
    "area.add": _add_area, "area.rename": _rename_area, "area.move": _move_area,
    "area.remove": _remove_area,
    "term.set": _set_term, "term.remove": _remove_term,
    "scale.set": _set_scale, "name.set": _set_name,
}
