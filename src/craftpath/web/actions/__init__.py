"""The actions layer: everything a person can do to the data, and every read of someone else's
data, as one function each, whichever door asks (a page, the API, SCIM, the command line, a
task, a webhook).

An action takes who is asking first (`viewer`: a user, or OPERATOR for the command line), then
what it acts on. It

1. asks its own named rule in access.py (never a rule borrowed from another action),
2. does the change in one transaction (row locks and revisions as the loop already does),
3. records the audit entry with `record` or `record_read` below, inside that transaction,

and raises the domain's errors (errors.py): NotFound, Refused, Stale, Invalid. Each door turns
them into its own answer: a 404/403 page (the middleware in pages.py), a problem+json document
(api/core.py), a SCIM error, a `craftpath: error:` line. Doors only translate: none queries or
changes another person's data itself, and none writes to the audit trail.

Adding an action, e.g. letting a manager archive a report's note:

    # access.py
    def can_archive_note(viewer, note) -> bool:
        return signed_in(viewer) and note.author_id == viewer.pk

    # actions/notes.py
    def archive_note(viewer, note_id: int) -> Note:
        with transaction.atomic():
            note = Note.objects.select_for_update().filter(pk=note_id).first()
            if note is None or not access.can_view_note(viewer, note):
                raise NotFound("note")
            if not access.can_archive_note(viewer, note):
                raise Refused("Only the note's author archives it.")
            note.archived = True
            note.save(update_fields=["archived"])
            record(viewer, Action.CHANGED, note.about, target=f"note {note.pk}",
                   detail="archived")
        return note

then call it from each door, and add it to the authorisation matrix
(tests/web/test_access_matrix.py), which fails for a route it does not know.
"""

from .errors import ActionError, Invalid, NotFound, Refused, Stale
from .recording import OPERATOR, record, record_read

__all__ = ["OPERATOR", "ActionError", "Invalid", "NotFound", "Refused", "Stale", "record",
           "record_read"]
