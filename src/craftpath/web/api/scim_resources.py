"""SCIM 2.0 (RFC 7643/7644) resources: people as Users, teams as Groups. Reading a resource,
applying what an identity provider sends (POST, PUT, PATCH operations) and the one filter
form providers use (`attr eq "value"`). Changes are checked whole before any is made."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from craftpath.web.accounts.directory import SEPARATOR
from craftpath.web.accounts.models import Team, User
from craftpath.web.actions import ActionError, NotFound, Refused
from craftpath.web.actions import people as actions
from craftpath.web.ids import parse_id

from .models import ScimExternalId

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
# craftpath's own extension: where the person stands in the framework.
CRAFTPATH = "urn:craftpath:params:scim:schemas:extension:craftpath:2.0:User"
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
    name = {"formatted": person.name}
    name.update({key: value for key, value in (("givenName", person.given_name),
                                               ("familyName", person.family_name)) if value})
    enterprise = {"department": person.department} if person.department else {}
    if person.manager_id:
        enterprise["manager"] = {"value": str(person.manager_id),
                                 "$ref": f"{base}/Users/{person.manager_id}",
                                 "displayName": person.manager.name}
    framework = {key: value for key, value in (
        ("family", person.family_slug), ("track", SEPARATOR.join(person.track_slugs or [])),
        ("level", person.level_slug)) if value}
    resource = {
        "schemas": [USER, ENTERPRISE, CRAFTPATH], "id": str(person.pk),
        "userName": person.email, "name": name, "displayName": person.name,
        "emails": [{"value": person.email, "type": "work", "primary": True}],
        "active": person.is_active,
        "groups": [{"value": str(t.pk), "display": t.name, "$ref": f"{base}/Groups/{t.pk}"}
                   for t in person.teams.all()],
        ENTERPRISE: enterprise,
        CRAFTPATH: framework,
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
    if "\x00" in value:
        raise invalid("a filter value cannot hold a NUL character", "invalidFilter")
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
    manager: object = field(default=None)  # ("id", 7) or ("email", "x@y"); None to remove
    manager_set: bool = False
    external_id: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    department: str | None = None
    framework: dict = field(default_factory=dict)  # family, tracks, level as the action names
    groups: list | None = None  # the groups as sent (a User's groups), when sent
    groups_op: str = "replace"  # or add, remove (a PATCH of groups)


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


def _manager(value):
    """A manager reference as sent: a user id, or (some providers) an email. The action
    looks them up."""
    if isinstance(value, dict):
        value = value.get("value")
    if value in (None, ""):
        return None
    text = str(value).strip()
    pk = parse_id(text)
    return ("id", pk) if pk is not None else ("email", text)


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
    elif key == "name.givenname":
        change.given_name = _text(value, path)  # the action makes the name from the parts
    elif key == "name.familyname":
        change.family_name = _text(value, path)
    elif key == "groups":
        change.groups = value if isinstance(value, list) else [value]
    elif key == "active":
        change.active = _bool(value, "active")
    elif key == "externalid":
        change.external_id = _text(value, "externalId")
    elif key in (f"{ENTERPRISE}:manager".lower(), f"{ENTERPRISE}:manager.value".lower()):
        change.manager, change.manager_set = _manager(value), True
    elif key == f"{ENTERPRISE}:department".lower():
        change.department = _text(value, "department")
    elif key == ENTERPRISE.lower():
        if not isinstance(value, dict):
            raise invalid(f"{ENTERPRISE} must be an object")
        for inner, item in value.items():
            _set(change, f"{ENTERPRISE}:{inner}", item)
    elif key.startswith(f"{CRAFTPATH}:".lower()) and key.removeprefix(
            f"{CRAFTPATH}:".lower()) in FRAMEWORK_ATTRIBUTES:
        attribute = key.removeprefix(f"{CRAFTPATH}:".lower())
        if attribute == "track":  # the action takes a list of tracks
            items = value if isinstance(value, list) else [value]
            value = [part.strip() for item in items
                     for part in _text(item, attribute).split(SEPARATOR) if part.strip()]
        else:
            value = _text(value, attribute)
        change.framework[FRAMEWORK_ATTRIBUTES[attribute]] = value
    elif key == CRAFTPATH.lower():
        if not isinstance(value, dict):
            raise invalid(f"{CRAFTPATH} must be an object")
        for inner, item in value.items():
            _set(change, f"{CRAFTPATH}:{inner}", item)
    # Anything else (phone numbers, passwords…) is not kept by craftpath and is ignored, as
    # RFC 7644 allows for attributes a service provider does not support.


# The extension's attributes, as the action names them. A track is one or several, apart by ";".
FRAMEWORK_ATTRIBUTES = {"family": "family", "track": "tracks", "level": "level"}


def change_from_resource(resource: dict) -> UserChange:
    """A POST or PUT body, in the order that makes formatted names win over parts."""
    change = UserChange()
    for key, value in resource.items():
        if key in ("name",):
            continue
        _set(change, key, value)
    name = resource.get("name")
    if isinstance(name, dict):
        for part, inner in name.items():
            if part.lower() != "formatted":
                _set(change, f"name.{part}", inner)
        if name.get("formatted"):  # the formatted name wins over the display name
            change.name = _text(name["formatted"], "name.formatted")
    if change.name is None and isinstance(resource.get("displayName"), str) \
            and resource["displayName"].strip():
        change.name = resource["displayName"].strip()
    return change


def change_from_patch(body: dict, person: User) -> UserChange:
    change = UserChange()
    for operation in _operations(body):
        op, path, value = operation
        key = path.lower()
        if key == "groups" or (key.startswith("groups[") and op == "remove"):
            _patch_groups(change, op, path, value)
            continue
        if op == "remove":
            if key.startswith(f"{ENTERPRISE}:manager".lower()):
                change.manager, change.manager_set = None, True
                continue
            if key in ("name.givenname", "name.familyname",
                       f"{ENTERPRISE}:department".lower()):
                _set(change, path, "")
                continue
            raise invalid(f"cannot remove {path}", "mutability")
        if path:
            _set(change, path, value)
        elif isinstance(value, dict):
            for inner_key, inner in value.items():
                _set(change, inner_key, inner)
        else:
            raise invalid("an operation without a path needs an object value", "invalidSyntax")
    return change


_GROUP_PATH = re.compile(r'^groups\[value eq "([^"]*)"\]$', re.IGNORECASE)


def _patch_groups(change: UserChange, op: str, path: str, value) -> None:
    """A PATCH of a User's groups: one operation of them per request."""
    if change.groups is not None:
        raise invalid("groups: one operation on groups per request", "invalidSyntax")
    if (match := _GROUP_PATH.match(path)) is not None:
        value = [{"value": match.group(1)}]
    change.groups = [] if value is None else value if isinstance(value, list) else [value]
    change.groups_op = op


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


# What the actions (actions/people.py) call a field, as SCIM names the attribute.
ATTRIBUTES = {"email": "userName", "name": "displayName", "manager_id": "manager",
              "active": "active", "external_id": "externalId", "members": "members",
              "given_name": "name.givenName", "family_name": "name.familyName",
              "department": "department", "family": f"{CRAFTPATH}:family",
              "tracks": f"{CRAFTPATH}:track", "level": f"{CRAFTPATH}:level",
              "roles": "groups (the roles they bring)"}


def scim_error(error: ActionError) -> ScimError:
    """An action's refusal as a SCIM error document, naming the attribute."""
    if isinstance(error, NotFound):
        return ScimError(404, error.message)
    if isinstance(error, Refused):
        attribute = ATTRIBUTES.get(error.field or "", error.field)
        return ScimError(403, f"{attribute}: {error.message}" if attribute else error.message)
    problems = error.problems or [{"field": error.field or "", "detail": error.message}]
    first = problems[0]
    attribute = ATTRIBUTES.get(first["field"], first["field"])
    detail = f"{attribute}: {first['detail']}" if attribute else error.message
    if isinstance(error, actions.Taken):
        return ScimError(409, detail, "uniqueness")
    return invalid(detail)


def changes_of(change: UserChange, creating: bool) -> dict:
    """A SCIM change as the action's fields."""
    if creating and not change.email:
        raise invalid("userName is required", "invalidValue")
    found: dict = {}
    if change.email is not None:
        found["email"] = change.email
    if change.name is not None:
        found["name"] = change.name
    if change.active is not None:
        found["active"] = change.active
    if change.external_id is not None:
        found["external_id"] = change.external_id
    for name in ("given_name", "family_name", "department"):
        if getattr(change, name) is not None:
            found[name] = getattr(change, name)
    found.update(change.framework)
    if change.manager_set:
        kind, value = change.manager if change.manager else ("id", None)
        found["manager_email" if kind == "email" else "manager_id"] = value
        if kind == "email":
            found["manager_id"] = None
    return found


def apply_user(actor, person_id, change: UserChange, creating: bool) -> User:
    """Check, then save, through the actions. Raises ScimError naming the attribute; changes
    nothing then (the view's transaction holds the groups made for the role groups too)."""
    try:
        changes = changes_of(change, creating)
        if change.groups is not None:
            changes["team_ids"] = _team_ids(actor, person_id, change)
        if creating:
            return actions.create_person(actor, changes, roles_follow_groups=True)
        return actions.update_person(actor, person_id, changes, roles_follow_groups=True)
    except ActionError as error:
        raise scim_error(error) from None


def _team_ids(actor, person_id, change: UserChange) -> list[int]:
    """A User's groups as teams: each names a team by id (value) or by name (display, or a
    value that is not an id). A group that names no team is left out, unless the role
    setting names it: then the team is made, so that its members hold the role."""
    wanted = []
    for entry in change.groups:
        if isinstance(entry, dict):
            value, display = entry.get("value"), entry.get("display")
        else:
            value, display = entry, None
        if not isinstance(value, (str, int, type(None))) \
                or not isinstance(display, (str, type(None))):
            raise invalid("groups: each is {value, display} or a group's name")
        team = None
        number = parse_id(str(value)) if value is not None else None
        if number is not None:
            team = Team.objects.filter(pk=number).first()
        for name in (display, value):
            if team is None and isinstance(name, str) and name.strip():
                team = Team.objects.filter(name__iexact=name.strip()).first()
                if team is None and name.strip().lower() in actions.role_groups():
                    team = actions.create_team(actor, name.strip())
        if team is not None:
            wanted.append(team.pk)
    if change.groups_op == "replace":
        return wanted
    current = [] if person_id is None else list(
        Team.objects.filter(members__pk=person_id).values_list("pk", flat=True))
    if change.groups_op == "add":
        return sorted(set(current) | set(wanted))
    return sorted(set(current) - set(wanted))


# --- changing groups ------------------------------------------------------------------------

_MEMBER_PATH = re.compile(r'^members\[value eq "([^"]*)"\]$', re.IGNORECASE)


def _member_ids(value) -> list:
    """The ids sent, as sent: the action checks them (a bad one is named, never a 500)."""
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    return [str(member.get("value") if isinstance(member, dict) else member)
            for member in value]


def apply_group(actor, team_id, resource: dict | None = None, patch: dict | None = None,
                current_members=None) -> Team:
    """A POST/PUT resource or PATCH operations, as one change_team/create_team action."""
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
            elif value:
                remove += ids
            else:
                members, add, remove = [], [], []
        elif (match := _MEMBER_PATH.match(path)) and op == "remove":
            remove.append(match.group(1))
        elif key == "externalid":
            external = value
        else:
            raise invalid(f"cannot {op} {path or 'that value'} on a group", "invalidPath")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise invalid("displayName must be a non-empty string")
    if external is not None and not isinstance(external, str):
        raise invalid("externalId must be a string")
    try:
        if team_id is None:
            return actions.create_team(actor, name, member_ids=members, external_id=external,
                                       roles_follow_groups=True)
        return actions.change_team(actor, team_id, name=name, members=members, add=add,
                                   remove=remove, external_id=external,
                                   roles_follow_groups=True)
    except ActionError as error:
        raise scim_error(error) from None
