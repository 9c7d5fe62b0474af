"""Data rights as actions: a person's copy of everything craftpath holds about them, and the
people team's erasure or anonymisation of a person. Each asks its own rule in access.py, does
the work of personal_data.py in one transaction and records its entry in the trail.

The erasure and anonymisation entries carry lookup keys (keyed hashes of the email and the
name the person had, see audit/names.py) instead of the name: the people team finds the
entry by typing the name or email in the trail search, and nobody reading the trail without
the server's key can tell whom it was about."""

from __future__ import annotations

from django.db import transaction

from craftpath.web import access
from craftpath.web.accounts.models import User, normalise_email
from craftpath.web.audit import names, trail
from craftpath.web.audit.models import Action
from craftpath.web.ids import parse_id

from . import personal_data as rights
from .errors import Invalid, NotFound, Refused
from .recording import OPERATOR, _who, record


def export_own_data(viewer) -> bytes:
    """The zip of everything held about `viewer` (data.json, CSV files, a README)."""
    if viewer is OPERATOR or not access.can_export_own_data(viewer, viewer):
        raise Refused("Only a signed-in person downloads their own data.")
    with transaction.atomic():
        body = rights.download(viewer)
        record(viewer, Action.DATA_DOWNLOADED, viewer, target="my-data.zip")
    return body


def erase_person(viewer, person_id: int, confirm: str) -> rights.Erased:
    """Delete the person's account and everything about them (check-ins only as anonymous
    counts); `confirm` is their email, typed by whoever asks."""
    return _remove(viewer, person_id, confirm, rights.ERASED)


def anonymise_person(viewer, person_id: int, confirm: str) -> rights.Erased:
    """Leave a nameless, inactive tombstone in place of the person, with nothing that points
    at them; `confirm` is their email, typed by whoever asks."""
    return _remove(viewer, person_id, confirm, rights.ANONYMISED)


def find_for_removal(viewer, person_id) -> User:
    """The person the erasure page is about: NotFound for someone the viewer may not see,
    Refused unless the viewer may erase or anonymise them."""
    pk = parse_id(person_id)
    person = (User.objects.all() if viewer is OPERATOR else access.visible_people(viewer)) \
        .filter(pk=pk).first() if pk else None
    if person is None:
        raise NotFound("person")
    if viewer is not OPERATOR and not (access.can_erase_person(viewer, person)
                                       or access.can_anonymise_person(viewer, person)):
        raise Refused("Erasing people is for the people team, never oneself.")
    return person


def _remove(viewer, person_id: int, confirm: str, mode: str) -> rights.Erased:
    allowed = access.can_erase_person if mode == rights.ERASED else access.can_anonymise_person
    with transaction.atomic(), trail.acting_as(_who(viewer)):
        person = User.objects.select_for_update().filter(pk=person_id).first()
        if person is None or (viewer is not OPERATOR
                              and not access.visible_people(viewer).filter(pk=person_id)
                              .exists()):
            raise NotFound("person")
        if viewer is not OPERATOR and not allowed(viewer, person):
            raise Refused("Erasing and anonymising people is for the people team, never "
                          "oneself.")
        if normalise_email(confirm or "") != person.email:
            raise Invalid(f"Type {person.email} to confirm.", field="confirm")
        lookup = names.lookup_keys(person.email, person.name)
        done = rights.erase(person, mode)
        names.forget(person_id)
        record(viewer, Action.ERASED if mode == rights.ERASED else Action.ANONYMISED,
               person_id, target=f"person {person_id}",
               detail=f"{done.checkins} check-ins ({done.ratings_kept} agreed outcomes kept "
                      f"as anonymous counts), {done.notes} notes, {done.reports_moved} "
                      f"reports moved; {lookup}")
    return done
