"""Notes about a person as actions: writing one, reading one, deleting one's own. A private
note is its author's alone; a shared one is read by whoever sees the person's progress
(access.py). Reading or writing a note about someone else is in that person's trail."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from craftpath.web import access
from craftpath.web.accounts.models import Note, User
from craftpath.web.audit.models import Action

from .errors import Invalid, NotFound, Refused
from .recording import record, record_read


def _about(viewer, person_pk: int) -> User:
    person = access.visible_people(viewer).filter(pk=person_pk).first()
    if person is None:
        raise NotFound("person")
    return person


def write_note(viewer, person_pk: int, text: str, private: bool) -> Note:
    about = _about(viewer, person_pk)
    if not access.can_write_note_about(viewer, about):
        raise Refused("You may read about this person but not write notes.")
    note = Note(author=viewer, about=about, text=text, private=private)
    try:
        note.full_clean()
    except ValidationError as error:
        problems = [{"field": field, "detail": " ".join(messages)}
                    for field, messages in error.message_dict.items()]
        raise Invalid(f"{problems[0]['field']}: {problems[0]['detail']}",
                      field=problems[0]["field"], problems=problems) from None
    with transaction.atomic():
        note.save()
        if about.pk != viewer.pk:
            record(viewer, Action.CHANGED, about, target=f"note {note.pk}", detail="written")
    return note


def read_note(viewer, person_pk: int, note_pk: int) -> Note:
    note = Note.objects.select_related("about", "author").filter(
        pk=note_pk, about_id=person_pk).first()
    if note is None or not access.can_view_note(viewer, note):
        raise NotFound("note")
    record_read(viewer, note.about, f"note {note.pk}")
    return note


def delete_note(viewer, person_pk: int, note_pk: int) -> None:
    note = Note.objects.select_related("about").filter(pk=note_pk, about_id=person_pk).first()
    if note is None or not access.can_view_note(viewer, note):
        raise NotFound("note")
    if not access.can_delete_note(viewer, note):
        raise Refused("Only the author may delete a note.")
    with transaction.atomic():
        note.delete()
        if person_pk != viewer.pk:
            record(viewer, Action.CHANGED, person_pk, target=f"note {note_pk}",
                   detail="deleted")
