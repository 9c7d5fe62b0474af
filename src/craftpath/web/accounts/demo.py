"""A demo organisation on the bundled (seed) framework: 30 people across Levels 5 to 1, in
three teams under one Head Of, plus someone from the people team and an admin.

It is written as a directory CSV and loaded with the same import as a real directory, so the
demo also shows what a directory file looks like. Five people get a password so that each
role can be tried; the password is random and printed once (`craftpath demo` prints a new one).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from . import directory
from .models import Role, User
from .problems import DemoError, DirectoryError

DOMAIN = "demo.craftpath.example"  # .example is reserved: no mail ever goes anywhere
FAMILY = "ml-and-edge-ml-engineer-craft"

# (email name, full name, level, extra track, team, manager email name, level since)
PEOPLE = [
    ("amara", "Amara Okafor", "level-1", "ml-engineer", "", "", "2021-04-01"),
    # Vision: models trained in the cloud
    ("bruno", "Bruno Costa", "level-3", "ml-engineer", "Vision", "amara", "2022-09-01"),
    ("chen", "Chen Wei", "level-3", "ml-engineer", "Vision", "bruno", "2023-03-01"),
    ("dana", "Dana Levi", "level-4", "ml-engineer", "Vision", "bruno", "2023-06-01"),
    ("eitan", "Eitan Shapiro", "level-4", "ml-engineer", "Vision", "chen", "2024-01-15"),
    ("farah", "Farah Haddad", "level-5", "ml-engineer", "Vision", "chen", "2024-09-02"),
    ("gus", "Gus Lindqvist", "level-5", "ml-engineer", "Vision", "bruno", "2025-01-06"),
    ("hana", "Hana Sato", "level-4", "ml-engineer", "Vision", "bruno", "2022-11-01"),
    ("ines", "Inês Duarte", "level-5", "ml-engineer", "Vision", "chen", "2025-03-03"),
    # Edge: models on the vehicles
    ("jonas", "Jonas Berg", "level-3", "edge-ml-engineer", "Edge", "amara", "2021-10-01"),
    ("kofi", "Kofi Mensah", "level-3", "edge-ml-engineer", "Edge", "jonas", "2023-05-01"),
    ("lena", "Lena Vogel", "level-4", "edge-ml-engineer", "Edge", "jonas", "2023-08-14"),
    ("mateo", "Mateo Ruiz", "level-4", "edge-ml-engineer", "Edge", "kofi", "2024-02-01"),
    ("nia", "Nia Roberts", "level-5", "edge-ml-engineer", "Edge", "kofi", "2024-10-01"),
    ("omar", "Omar Farouk", "level-5", "edge-ml-engineer", "Edge", "jonas", "2025-02-03"),
    ("priya", "Priya Nair", "level-4", "edge-ml-engineer", "Edge", "kofi", "2022-06-01"),
    ("quinn", "Quinn Murphy", "level-5", "edge-ml-engineer", "Edge", "jonas", "2025-04-07"),
    # Platform: the tooling both use
    ("rosa", "Rosa Martínez", "level-3", "ml-engineer", "Platform", "amara", "2022-01-10"),
    ("sam", "Sam Taylor", "level-3", "edge-ml-engineer", "Platform", "rosa", "2023-11-01"),
    ("tomas", "Tomás Novak", "level-4", "ml-engineer", "Platform", "rosa", "2023-04-03"),
    ("uma", "Uma Iyer", "level-4", "edge-ml-engineer", "Platform", "sam", "2024-05-06"),
    ("vik", "Vik Patel", "level-5", "ml-engineer", "Platform", "sam", "2024-11-04"),
    ("wren", "Wren Adams", "level-5", "ml-engineer", "Platform", "rosa", "2025-01-13"),
    ("xavi", "Xavi Soler", "level-4", "ml-engineer", "Platform", "rosa", "2022-08-01"),
    ("yara", "Yara Khalil", "level-5", "edge-ml-engineer", "Platform", "sam", "2025-05-05"),
    ("zoe", "Zoe Clarke", "level-4", "ml-engineer", "Platform;Vision", "rosa", "2023-10-02"),
    ("aiko", "Aiko Tanaka", "level-3", "ml-engineer", "Vision", "amara", "2020-07-01"),
    ("ben", "Ben Olsen", "level-4", "edge-ml-engineer", "Edge", "jonas", "2024-07-01"),
]
# Outside the engineering family: no family or level.
OTHERS = [("pat", "Pat Morgan", Role.PEOPLE), ("alex", "Alex Kim", Role.ADMIN)]

# Who to sign in as to try each role, with what that role sees.
SIGN_INS = [
    ("farah", "engineer: her own profile and notes"),
    ("chen", "manager: himself and his three direct reports"),
    ("amara", "manager (Head Of): everyone in the three teams, directly or not"),
    ("pat", "people team: everyone, read only; review cycles; directory export"),
    ("alex", "admin: accounts, roles, teams, directory import and export (/admin/)"),
]


@dataclass(frozen=True)
class Demo:
    people: int
    created: bool  # False when the demo was already there and only its passwords were reset
    password: str
    sign_ins: list[tuple[str, str]]  # (email, what the role sees)

    def lines(self) -> list[str]:
        word = "created" if self.created else "already present; new password"
        return ([f"demo organisation {word}: {self.people} people; sign in at /accounts/login/ "
                 f"with password {self.password} as:"]
                + [f"  {email:<32} {what}" for email, what in self.sign_ins])


def email(short: str) -> str:
    return f"{short}@{DOMAIN}"


def demo_csv() -> str:
    lines = ["email,name,manager_email,team,family,tracks,level,level_since"]  # no roles: kept
    for short, name, level, track, team, manager, since in PEOPLE:
        lines.append(",".join([email(short), name, email(manager) if manager else "", team,
                               FAMILY, f"all;{track}", level, since]))
    lines += [f"{email(short)},{name},,,,,," for short, name, _ in OTHERS]
    return "\n".join(lines) + "\n"


def create_demo(password: str | None = None,
                more: Callable[[str], None] | None = None) -> Demo:
    """Fill an empty directory with the demo organisation, or give the demo's sign-ins a new
    password when the demo is already there. Needs the bundled framework published (serve does
    that first). Refuses a directory that holds anyone else. `more(domain)` adds what the apps
    above give a new demo organisation (web/demo.py), in the same transaction."""
    password = password or secrets.token_urlsafe(9)
    demo_emails = {email(p[0]) for p in PEOPLE} | {email(o[0]) for o in OTHERS}
    present = set(User.objects.values_list("email", flat=True))
    if present - demo_emails:
        raise DemoError("the directory already has people who are not the demo's; the demo "
                        "only fills an empty one")
    with transaction.atomic():
        created = not present
        try:
            directory.import_csv(demo_csv())
        except DirectoryError as error:
            # The demo is written for the bundled framework; anything else active breaks it.
            raise DemoError(f"the demo needs the bundled framework active: {error.problems[0]}")\
                from None
        for short, _, role in OTHERS:
            person = User.objects.get(email=email(short))
            person.revoke(Role.ENGINEER)
            person.grant(role)
        if created and more:  # a few check-ins, so each demo sign-in has something to see
            more(DOMAIN)
        sign_ins = [(email(short), what) for short, what in SIGN_INS]
        # One password for the five, so one (slow, on purpose) Argon2 hash is enough.
        User.objects.filter(email__in=[address for address, _ in sign_ins]).update(
            password=make_password(password))
    return Demo(User.objects.count(), created, password, sign_ins)


def has_people() -> bool:
    return User.objects.exists()
