"""People: one account per person (sign-in by email), their place in the organisation, their
roles, their teams, and notes written about them.

A person and their account are one row: directory import creates people who may never sign in
with a password (they get an unusable one, and sign in through SSO or a reset link). Family,
tracks and level point at the published framework by slug, so they survive new versions; they
are checked against the active version when set (see directory.py and forms.py).
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from . import orgchart


class Role(models.TextChoices):
    ENGINEER = "engineer", "Engineer"  # their own data
    MANAGER = "manager", "Manager"  # their direct and indirect reports
    PEOPLE = "people", "People team"  # the whole organisation, read only
    ADMIN = "admin", "Admin"  # accounts, framework publishing, settings
    EDITOR = "editor", "Framework editor"  # drafts of the framework, and publishing them


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("a person needs an email address")
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        """`manage.py createsuperuser`: an account with the admin role."""
        user = self.create_user(email, password, **fields)
        user.grant(Role.ADMIN)
        return user

    def get_by_natural_key(self, email: str) -> User:
        return self.get(email__iexact=normalise_email(email))


def normalise_email(email: str) -> str:
    # Directory files and identity providers disagree on case; one spelling per person.
    return (email or "").strip().lower()


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractBaseUser):
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200)
    # As the identity provider or the directory file gives them (SCIM name.givenName and
    # name.familyName); `name` is what is shown, made from these when none is given. The
    # database's own default too, for rows written by code that predates them (migrations).
    given_name = models.CharField(max_length=100, blank=True, default="", db_default="")
    family_name = models.CharField(max_length=100, blank=True, default="", db_default="")
    department = models.CharField(max_length=200, blank=True, default="", db_default="")
    is_active = models.BooleanField(default=True)
    # False while the address was last set by someone else and the person has not signed in
    # since: a reset link or an invitation sent to it would hand the account to whoever set
    # it (actions/people.py, change_email). Signing in puts it back to True.
    email_confirmed = models.BooleanField(default=True, db_default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    family_slug = models.SlugField(max_length=100, blank=True)
    track_slugs = models.JSONField(default=list, blank=True)  # list of track slugs
    level_slug = models.SlugField(max_length=100, blank=True)
    level_since = models.DateField(null=True, blank=True)
    # PROTECT here and on everything that holds a person's data: deleting an account never
    # takes data with it or quietly detaches reports; data rights erase on purpose
    # (actions/personal_data.py).
    manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="reports")
    teams = models.ManyToManyField(Team, blank=True, related_name="members")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name", "email"]
        verbose_name = "person"
        verbose_name_plural = "people"
        constraints = [models.CheckConstraint(condition=~models.Q(manager=models.F("id")),
                                              name="not_own_manager")]

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email)
        if self.manager_id is not None:
            check_no_cycle(self, self.manager)

    def can_sign_in(self) -> bool:
        """Active, with a password or having signed in before (by single sign-on, say): an
        invitation is not for them."""
        return self.is_active and (self.has_usable_password() or self.last_login is not None)

    # --- roles ------------------------------------------------------------------------------
    def role_names(self) -> set[str]:
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.roles.values_list("name", flat=True)) if self.pk else set()
        return self._role_names

    def has_role(self, role: str) -> bool:
        return role in self.role_names()

    def grant(self, *roles: str) -> None:
        for role in roles:
            RoleGrant.objects.get_or_create(person=self, name=role)
        self.__dict__.pop("_role_names", None)

    def revoke(self, *roles: str) -> None:
        self.roles.filter(name__in=roles).delete()
        self.__dict__.pop("_role_names", None)

    # --- what Django's admin site asks; the answers come from access.py ----------------------
    @property
    def is_staff(self) -> bool:
        from craftpath.web import access

        return access.may_use_admin_site(self)

    def has_perm(self, perm: str, obj=None) -> bool:
        from craftpath.web import access

        return access.may_use_admin_site(self)

    def has_perms(self, perms, obj=None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perms)

    def has_module_perms(self, app_label: str) -> bool:
        from craftpath.web import access

        return access.may_use_admin_site(self)


class RoleGrant(models.Model):
    """One role held by one person; a person may hold several."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["person", "name"]
        constraints = [models.UniqueConstraint(fields=["person", "name"],
                                               name="one_grant_per_role")]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_name_display()}"


class Note(models.Model):
    """A note about a person. A private note is for its author's eyes only, whoever they are;
    a shared one is seen by whoever may see the person's progress (access.py)."""

    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="notes_written")
    about = models.ForeignKey(User, on_delete=models.PROTECT, related_name="notes_about")
    text = models.TextField(max_length=5000)
    private = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class ManagerCycleError(ValidationError):
    pass


def check_no_cycle(person: User, manager: User | None) -> None:
    """Refuse a manager link that would make the org chart loop back to `person`, naming the
    loop. (Directory import checks a whole file's links itself, before anything is saved.)"""
    if manager is None or person.pk is None:
        return  # nobody reports to a person who is not saved yet
    chain = [manager.pk, *orgchart.above(manager.pk)]
    if person.pk in chain:
        names = dict(User.objects.filter(pk__in=chain).values_list("pk", "name"))
        walk = [person, manager,
                *(names.get(pk) or pk for pk in chain[1:chain.index(person.pk) + 1])]
        raise ManagerCycleError(f"{person} cannot report to {manager}: the org chart would go "
                                f"round in a circle ({' → '.join(str(p) for p in walk)})")


class ErasedRatings(models.Model):
    """What is left of erased or anonymised people's closed check-ins: how many agreed
    outcomes of each value a statement got, per quarter, family and level, with no person
    attached (actions/personal_data.py folds a person's check-ins in here before deleting them)."""

    quarter = models.CharField(max_length=7)  # "2026-Q3", when the check-in closed
    family_slug = models.SlugField(max_length=100)
    level_slug = models.SlugField(max_length=100)
    statement_id = models.CharField(max_length=200)
    value = models.CharField(max_length=60)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "erased ratings"
        constraints = [models.UniqueConstraint(
            fields=["quarter", "family_slug", "level_slug", "statement_id", "value"],
            name="one_count_per_group")]


class TwoFactorDevice(models.Model):
    """A person's authenticator app: the shared TOTP secret (RFC 6238, 30-second steps), and
    the last step accepted, so a code is never accepted twice. See two_factor.py."""

    person = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    secret = models.CharField(max_length=64)  # base32, as authenticator apps take it
    confirmed_at = models.DateTimeField(default=timezone.now)
    last_step = models.BigIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)  # wrong codes in a row
    locked_until = models.DateTimeField(null=True, blank=True)


class RecoveryCode(models.Model):
    """A one-time code for when the authenticator is lost; only its SHA-256 is kept (the
    codes are random, 50 bits each, so a fast hash is enough)."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

class Invitation(models.Model):
    """A one-time link to choose a password (or, with single sign-on required, to sign in
    that way), sent by email. Only a hash of its token is kept; sending a new invitation
    revokes the earlier ones."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"invitation for {self.person}"

    def is_valid(self, now) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at
