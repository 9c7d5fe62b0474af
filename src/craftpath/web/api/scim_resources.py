"""SCIM 2.0 (RFC 7643/7644) resources: people as Users, teams as Groups. Reading a resource,
applying what an identity provider sends (POST, PUT, PATCH operations) and the one filter
form providers use (`attr eq "value"`). Changes are checked whole before any is made."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from craftpath.web.accounts.models import (
    ManagerCycleError,
    Team,
    User,
    check_no_cycle,
    normalise_email,
)

from .models import ScimExternalId

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str = ""):
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type

    def document(self) -> dict:
        body = {"schemas": [ERROR], "status": str(self.status), "detail": self.detail}
        if self.scim_type:
            body["scimType"] = self.scim_type
        return body


def invalid(detail: str, scim_type: str = "invalidValue") -> ScimError:
    return ScimError(400, detail, scim_type)


# --- reading --------------------------------------------------------------------------------

def user_resource(person: User, base: str) -> dict:
    external = getattr(person, "scim_external", None) if hasattr(person, "scim_external") \
        else None
    resource = {
        "schemas": [USER, ENTERPRISE], "id": str(person.pk), "userName": person.email,
        "name": {"formatted": person.name}, "displayName": person.name,
        "emails": [{"value": person.email, "type": "work", "primary": True}],
        "active": person.is_active,
        "groups": [{"value": str(t.pk), "display": t.name, "$ref": f"{base}/Groups/{t.pk}"}
                   for t in person.teams.all()],
        ENTERPRISE: ({"manager": {"value": str(person.manager_id),
                                  "$ref": f"{base}/Users/{person.manager_id}",
                                  "displayName": person.manager.name}}
                     if person.manager_id else {}),
        "meta": {"resourceType": "User", "created": person.date_joined.isoformat(),
                 "location": f"{base}/Users/{person.pk}"},
    }
    if external is not None:
        resource["externalId"] = external.value
    return resource


def group_resource(team: Team, base: str) -> dict:
    resource = {
        "schemas": [GROUP], "id": str(team.pk), "displayName": team.name,
        "members": [{"value": str(m.pk), "display": m.name, "$ref": f"{base}/Users/{m.pk}"}
                    for m in team.members.all()],
        "meta": {"resourceType": "Group", "location": f"{base}/Groups/{team.pk}"},
    }
    external = ScimExternalId.objects.filter(team=team).first()
    if external is not None:
        resource["externalId"] = external.value
    return resource


_FILTER = re.compile(r'^\s*([\w.:]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)


def parse_filter(text: str, allowed: dict[str, str]) -> tuple[str, str]:
    """`userName eq "x"` → (the model lookup for userName, "x")."""
    match = _FILTER.match(text or "")
    if not match:
        raise invalid(f'unsupported filter {text!r}: use attribute eq "value"', "invalidFilter")
    attribute, value = match.group(1), match.group(2).replace('\\"', '"')
    lookup = {name.lower(): target for name, target in allowed.items()}.get(attribute.lower())
    if lookup is None:
        raise invalid(f"cannot filter on {attribute} (only {', '.join(allowed)})",
                      "invalidFilter")
    return lookup, value


# --- changing users -------------------------------------------------------------------------

@dataclass
class UserChange:
    email: str | None = None
    name: str | None = None
    active: bool | None = None
    manager: object = field(default=None)  # a User, or None to leave; CLEAR to remove
    manager_set: bool = False
    external_id: str | None = None


def _text(value, attribute: str) -> str:
    if not isinstance(value, str):
        raise invalid(f"{attribute} must be a string")
    return value.strip()


def _bool(value, attribute: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"  # some providers send "False"
    raise invalid(f"{attribute} must be true or false")


def _manager(value) -> User | None:
    if isinstance(value, dict):
        value = value.get("value")
    if value in (None, ""):
        return None
    text = str(value).strip()
    found = User.objects.filter(pk=int(text)).first() if text.isdigit() else \
        User.objects.filter(email=normalise_email(text)).first()
    if found is None:
        raise invalid(f"manager {text!r} is not a known user id", "invalidValue")
    return found


def _set(change: UserChange, path: str, value) -> None:
    """One attribute, by its SCIM path (lower-cased, enterprise prefix kept)."""
    key = path.lower()
    if key == "username":
        change.email = _text(value, "userName")
    elif key in ("emails", 'emails[type eq "work"].value', "emails.value"):
        if isinstance(value, list):
            primary = next((e for e in value if isinstance(e, dict) and e.get("primary")),
                           value[0] if value else None)
            value = primary.get("value") if isinstance(primary, dict) else None
        if value is not None and change.email is None:
            change.email = _text(value, "emails")
    elif key == "name":
        if not isinstance(value, dict):
            raise invalid("name must be an object")
        for part, inner in value.items():
            _set(change, f"name.{part}", inner)
    elif key in ("name.formatted", "displayname"):
        change.name = _text(value, path)
    elif key in ("name.givenname", "name.familyname"):
        # craftpath keeps one name; a part replaces the first word or the rest of it.
        given, _, family = (change.name or "").partition(" ")
        text = _text(value, path)
        given, family = (text, family) if key == "name.givenname" else (given, text)
        change.name = " ".join(p for p in (given, family) if p)
    elif key == "active":
        change.active = _bool(value, "active")
    elif key == "externalid":
        change.external_id = _text(value, "externalId")
    elif key in (f"{ENTERPRISE}:manager".lower(), f"{ENTERPRISE}:manager.value".lower()):
        change.manager, change.manager_set = _manager(value), True
    elif key == ENTERPRISE.lower():
        if isinstance(value, dict) and "manager" in value:
            change.manager, change.manager_set = _manager(value["manager"]), True
    # Anything else (groups, phone numbers, roles, passwords…) is not kept by craftpath and is
    # ignored, as RFC 7644 allows for attributes a service provider does not support; groups
    # are changed through /Groups.


def change_from_resource(resource: dict) -> UserChange:
    """A POST or PUT body, in the order that makes formatted names win over parts."""
    change = UserChange()
    for key, value in resource.items():
        if key in ("name",):
            continue
        _set(change, key, value)
    name = resource.get("name")
    if isinstance(name, dict):
        if name.get("formatted"):
            change.name = _text(name["formatted"], "name.formatted")
        else:
            parts = [_text(name.get(p, ""), f"name.{p}") for p in ("givenName", "familyName")]
            change.name = " ".join(p for p in parts if p) or change.name
    if change.name is None and isinstance(resource.get("displayName"), str):
        change.name = resource["displayName"].strip()
    return change


def change_from_patch(body: dict, person: User) -> UserChange:
    change = UserChange()
    change.name = None
    for operation in _operations(body):
        op, path, value = operation
        if op == "remove":
            if path.lower().startswith(f"{ENTERPRISE}:manager".lower()):
                change.manager, change.manager_set = None, True
                continue
            raise invalid(f"cannot remove {path}", "mutability")
        if path:
            if path.lower() in ("name.givenname", "name.familyname") and change.name is None:
                change.name = person.name
            _set(change, path, value)
        elif isinstance(value, dict):
            for key, inner in value.items():
                if key.lower() in ("name.givenname", "name.familyname") and change.name is None:
                    change.name = person.name
                _set(change, key, inner)
        else:
            raise invalid("an operation without a path needs an object value", "invalidSyntax")
    return change


def _operations(body: dict) -> list[tuple[str, str, object]]:
    if PATCH not in (body.get("schemas") or []):
        raise invalid(f"a PATCH body names the schema {PATCH}", "invalidSyntax")
    operations = body.get("Operations")
    if not isinstance(operations, list) or not operations:
        raise invalid("Operations must be a non-empty list", "invalidSyntax")
    found = []
    for number, operation in enumerate(operations, 1):
        if not isinstance(operation, dict):
            raise invalid(f"operation {number} is not an object", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        if op not in ("add", "replace", "remove"):
            raise invalid(f"operation {number}: op must be add, replace or remove",
                          "invalidSyntax")
        found.append((op, str(operation.get("path") or ""), operation.get("value")))
    return found


def apply_user(person: User, change: UserChange, creating: bool) -> User:
    """Check, then save. Raises ScimError naming the attribute; changes nothing then."""
    if creating and not change.email:
        raise invalid("userName is required", "invalidValue")
    if change.email is not None:
        email = normalise_email(change.email)
        try:
            validate_email(email)
        except ValidationError:
            raise invalid(f"userName {change.email!r} is not an email address") from None
        if User.objects.filter(email=email).exclude(pk=person.pk).exists():
            raise ScimError(409, f"userName {email} is taken", "uniqueness")
        person.email = email
    if change.name is not None:
        person.name = change.name or person.email
    elif creating:
        person.name = person.email
    if change.manager_set:
        if change.manager is not None and person.pk is not None:
            try:
                check_no_cycle(person, change.manager)
            except ManagerCycleError as error:
                raise invalid(f"manager: {error.messages[0]}") from None
        person.manager = change.manager
    if change.active is not None:
        person.is_active = change.active
    if creating:
        person.set_unusable_password()  # they sign in through the identity provider
    person.save()
    if change.external_id is not None:
        ScimExternalId.objects.update_or_create(person=person,
                                                defaults={"value": change.external_id})
    return person


# --- changing groups ------------------------------------------------------------------------

_MEMBER_PATH = re.compile(r'^members\[value eq "(\d+)"\]$', re.IGNORECASE)


def _member_ids(value) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    ids = []
    for member in value:
        text = str(member.get("value") if isinstance(member, dict) else member)
        if not text.isdigit():
            raise invalid(f"member {text!r} is not a user id")
        ids.append(int(text))
    known = set(User.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = sorted(set(ids) - known)
    if missing:
        raise invalid(f"no user with id {', '.join(map(str, missing))}")
    return ids


def apply_group(team: Team, resource: dict | None = None, patch: dict | None = None) -> Team:
    name, members, add, remove = None, None, [], []
    external = None
    if resource is not None:
        name = resource.get("displayName")
        if not isinstance(name, str) or not name.strip():
            raise invalid("displayName is required")
        members = _member_ids(resource.get("members", []))
        external = resource.get("externalId")
    for op, path, value in _operations(patch) if patch is not None else []:
        key = path.lower()
        if key == "displayname" or (not path and isinstance(value, dict)
                                    and "displayName" in value):
            name = value if key else value["displayName"]
        elif key == "members" or (not path and isinstance(value, dict) and "members" in value):
            ids = _member_ids(value if key else value["members"])
            if op == "add":
                add += ids
            elif op == "replace":
                members, add, remove = ids, [], []
            else:
                remove += ids if value else [m.pk for m in team.members.all()]
        elif (match := _MEMBER_PATH.match(path)) and op == "remove":
            remove.append(int(match.group(1)))
        elif key == "externalid":
            external = value
        else:
            raise invalid(f"cannot {op} {path or 'that value'} on a group", "invalidPath")
    if name is not None:
        if not isinstance(name, str) or not name.strip():
            raise invalid("displayName must be a non-empty string")
        if Team.objects.filter(name=name.strip()).exclude(pk=team.pk).exists():
            raise ScimError(409, f"a group called {name.strip()!r} exists", "uniqueness")
        team.name = name.strip()
    team.save()
    if members is not None:
        team.members.set(members)
    if add:
        team.members.add(*add)
    if remove:
        team.members.remove(*remove)
    if isinstance(external, str):
        ScimExternalId.objects.update_or_create(team=team, defaults={"value": external})
    return team
