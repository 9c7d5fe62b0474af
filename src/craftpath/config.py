"""Every setting craftpath reads from the environment, declared once: its name, its kind, its
default and one line saying what it does. This module is the only place that reads the
environment (a test checks it), so the docs table (docs/reference/settings.md, written from
these declarations by `python -m craftpath.config`) lists every setting there is.

Reading is the same for every setting: an unset or empty variable gives the default; a value
that does not fit its kind is refused with one line naming the variable and what is wrong
(ConfigError). Django's settings module checks them all before it reads any, so every start
(`craftpath serve`, the worker, `craftpath manage`, a WSGI server) stops on the first look at a
bad value, with that line and no traceback. Nothing is read when this module is imported: the
CLI puts its flags (--data-dir, --git-dir) into the environment before Django starts.

Plain Python with no Django, so the core library can read its few settings here too.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit


class ConfigError(ValueError):
    """Settings whose values do not fit their kind; the message is one line naming each."""


class Unfit(ValueError):
    """A value that does not fit its kind; the message says what it must be, and follows the
    variable's name ("must be 1 or 0"). A message that starts with a colon follows the name
    directly and the value is not repeated (": unsupported scheme 'mysql' ...")."""


# --- the kinds ------------------------------------------------------------------------------
# Each kind turns the variable's text into a value or raises Unfit, and says in a few words
# what it accepts (the docs table's "kind" column).

class Text:
    label = "text"
    strip = False  # a password or key may end in a space that is part of it

    def parse(self, text: str):
        return text


class Folder(Text):
    """A file or folder; not checked here (the data folder is made at start, a missing
    Chromium is said when a PDF is asked for)."""
    label = "path"
    strip = True

    def parse(self, text: str) -> Path:
        try:
            return Path(text).expanduser()
        except RuntimeError:  # "~name" for a user this machine does not have
            raise Unfit("names the home folder of an unknown user") from None


class Flag:
    """On or off. Only 1 and 0, as the docs have always said: "true" or "yes" are refused
    rather than silently read as off."""
    label = "1 or 0"

    def parse(self, text: str) -> bool:
        if text not in ("1", "0"):
            raise Unfit("must be 1 or 0")
        return text == "1"


@dataclass(frozen=True)
class Whole:
    minimum: int | None = None
    maximum: int | None = None

    @property
    def label(self) -> str:
        return "whole number" + _bounds(self.minimum, self.maximum)

    def parse(self, text: str) -> int:
        # isdigit() alone lets "²" and "٣" through, which int() then refuses or misreads.
        digits = text[1:] if text.startswith("-") else text
        if not (digits.isascii() and digits.isdigit()):
            raise Unfit("must be a whole number")
        value = int(text)
        _check_bounds(value, self.minimum, self.maximum, str)
        return value


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)")
_UNITS = {"s": timedelta(seconds=1), "m": timedelta(minutes=1), "h": timedelta(hours=1),
          "d": timedelta(days=1)}
_UNIT_NAMES = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True)
class Duration:
    """A length of time: 30s, 15m, 2h, 7d, or a bare number in the setting's own unit."""
    unit: str = "s"
    minimum: timedelta | None = None
    maximum: timedelta | None = None

    @property
    def label(self) -> str:
        return (f"duration (30s, 15m, 2h, 7d; a bare number is {_UNIT_NAMES[self.unit]})"
                + _bounds(self.minimum, self.maximum, show_duration))

    def parse(self, text: str) -> timedelta:
        found = _DURATION.fullmatch(text)
        if not found or not found.group(1).isascii():
            raise Unfit("must be a duration such as 30s, 15m, 2h or 7d")
        value = float(found.group(1)) * _UNITS[found.group(2) or self.unit]
        _check_bounds(value, self.minimum, self.maximum, show_duration)
        return value


@dataclass(frozen=True)
class Items:
    """Several values in one variable, split on `separator`; empty items are dropped. `item`,
    when given, checks and converts each."""
    separator: str = ","
    item: object = None

    @property
    def label(self) -> str:
        what = f" of {self.item.plural}" if self.item is not None else ""
        apart = "comma" if self.separator == "," else "space"
        return f"list{what}, {apart}-separated"

    def parse(self, text: str) -> list:
        parts = text.split(self.separator) if self.separator.strip() else text.split()
        items = [part.strip() for part in parts if part.strip()]
        if self.item is None:
            return items
        values = []
        for part in items:
            try:
                values.append(self.item.parse(part))
            except Unfit as unfit:
                raise Unfit(f"{unfit} (not {_quoted(part)})") from None
        return values


class Network:
    """An IP address or a network (10.0.0.0/8, fd00::/8); an address is a network of one."""
    plural = "addresses or networks"

    def parse(self, text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        try:
            return ipaddress.ip_network(text.strip("[]"), strict=False)
        except ValueError:
            raise Unfit("must list IP addresses or networks such as 10.0.0.0/8") from None


# The roles an identity provider's group may bring (accounts.models.Role, less engineer, which
# everyone holds); plain names here, as this module has no Django. tests/test_config.py
# checks they match.
GROUP_ROLES = ("manager", "people", "admin", "editor")


class RoleGroups:
    """Identity-provider groups and the craftpath role each brings: "Group name=role,...".
    Read as {group name in lower case: role}; group names are matched without regard to
    case, so the same group may not be named twice."""
    label = "list of GROUP=ROLE, comma-separated"

    def parse(self, text: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            group, equals, role = (piece.strip() for piece in part.partition("="))
            if not equals or not group or not role:
                raise Unfit(f"must list GROUP=ROLE pairs such as \"Engineering Managers="
                            f"manager\" (not {_quoted(part)})")
            if role.lower() not in GROUP_ROLES:
                raise Unfit(f"names the role {_quoted(role)}; a group may bring "
                            + ", ".join(GROUP_ROLES))
            if group.lower() in found:
                raise Unfit(f"names the group {_quoted(group)} twice")
            found[group.lower()] = role.lower()
        return found


@dataclass(frozen=True)
class Url:
    """An address with one of `schemes`; `shape` shows what one looks like."""
    schemes: tuple[str, ...] = ("https", "http")
    shape: str = "https://host/path"

    @property
    def label(self) -> str:
        return "URL (" + ", ".join(f"{scheme}://" for scheme in self.schemes) + ")"

    def parse(self, text: str) -> str:
        parts = urlsplit(text)
        if not parts.scheme or "://" not in text:
            raise Unfit(f"must be a URL such as {self.shape}")
        if parts.scheme not in self.schemes:
            # Said as DATABASE_URL's refusal always was (the scheme only: the rest may hold
            # a password).
            raise Unfit(f": unsupported scheme {parts.scheme!r} (use {self.shape})")
        if parts.scheme in ("http", "https") and not parts.hostname:
            raise Unfit(f"must be a URL such as {self.shape}")
        return text


@dataclass(frozen=True)
class Choice:
    options: tuple[str, ...]

    @property
    def label(self) -> str:
        return "one of " + ", ".join(self.options)

    def parse(self, text: str) -> str:
        if text not in self.options:
            raise Unfit("must be one of " + ", ".join(self.options))
        return text


def _bounds(minimum, maximum, show=str) -> str:
    if minimum is not None and maximum is not None:
        return f", {show(minimum)} to {show(maximum)}"
    if minimum is not None:
        return f", at least {show(minimum)}"
    if maximum is not None:
        return f", at most {show(maximum)}"
    return ""


def _check_bounds(value, minimum, maximum, show) -> None:
    if minimum is not None and maximum is not None and not minimum <= value <= maximum:
        raise Unfit(f"must be from {show(minimum)} to {show(maximum)}")
    if minimum is not None and value < minimum:
        raise Unfit(f"must be at least {show(minimum)}")
    if maximum is not None and value > maximum:
        raise Unfit(f"must be at most {show(maximum)}")


def show_duration(value: timedelta) -> str:
    """The shortest way to write `value` in the units the settings take (2h, 90s, 1.5s)."""
    seconds = value.total_seconds()
    for unit in ("d", "h", "m", "s"):
        count = seconds / _UNITS[unit].total_seconds()
        if count >= 1 and count == int(count):
            return f"{int(count)}{unit}"
    return f"{seconds:g}s"


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# --- the settings -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    name: str
    kind: object
    default: str | None  # as it would be written in the environment; None: no value
    description: str
    shown_default: str = ""  # for the docs, when the default is not a fixed text
    secret: bool = False  # never echoed, not even in a refusal

    def parse(self, text: str):
        try:
            return self.kind.parse(text)
        except Unfit as unfit:
            reason = str(unfit)
            got = "" if self.secret else f", got {_quoted(text)}"
            if reason.startswith(":"):  # a reason that reads better after a colon
                raise ConfigError(f"{self.name}{reason}") from None
            raise ConfigError(f"{self.name} {reason}{got}") from None


_PORT = Whole(1, 65535)
_SIGN_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "HS256", "HS384",
                    "HS512")

SECTIONS: dict[str, tuple[Setting, ...]] = {
    "Where data lives": (
        Setting("CRAFTPATH_DATA_DIR", Folder(), "data",
                "Folder for the SQLite file (`--data-dir` wins)."),
        Setting("DATABASE_URL", Url(("sqlite", "postgres", "postgresql"),
                                    "sqlite:///path or postgres://user:password@host/name"),
                None, "The database instead of the SQLite file in the data folder.",
                shown_default="the SQLite file in the data folder", secret=True),
        Setting("CRAFTPATH_PG_BIN", Folder(), None,
                "Folder of `pg_dump` and `pg_restore` for backups.",
                shown_default="Debian's PostgreSQL folders, then PATH"),
        Setting("CRAFTPATH_GIT_DIR", Folder(), None,
                "A git working copy that keeps the framework: publishing commits there, "
                "`craftpath sync` publishes from it."),
        Setting("CRAFTPATH_GIT_FILE", Text(), "framework.yaml",
                "The canonical file inside that working copy."),
        Setting("CRAFTPATH_MODEL_CACHE", Folder(), None,
                "Folder for the evidence assistant's quantised model and statement vectors.",
                shown_default="$XDG_CACHE_HOME/craftpath"),
        Setting("XDG_CACHE_HOME", Folder(), None,
                "The usual cache folder, used when CRAFTPATH_MODEL_CACHE is not set.",
                shown_default="~/.cache"),
    ),
    "Serving and security": (
        Setting("CRAFTPATH_SECRET_KEY", Text(), None,
                "Signs sessions and links; production needs 50 or more random characters.",
                shown_default="a random key per process", secret=True),
        Setting("CRAFTPATH_PRODUCTION", Flag(), "0",
                "HTTPS only (secure cookies, HSTS, redirect), a strong secret key required, "
                "no demo people."),
        Setting("CRAFTPATH_DEBUG", Flag(), "0",
                "Django's debug pages; refused with CRAFTPATH_PRODUCTION=1."),
        Setting("CRAFTPATH_ALLOWED_HOSTS", Items(), "127.0.0.1,localhost,[::1]",
                "The host names people reach the app by; needed to serve on a public "
                "address."),
        Setting("CRAFTPATH_BASE_URL", Url(), "http://127.0.0.1:8000",
                "The address people reach the app at, for links in emails; required (https) "
                "with CRAFTPATH_PRODUCTION=1.",
                shown_default="the address `craftpath serve` listens on"),
        Setting("CRAFTPATH_BEHIND_PROXY", Flag(), "0",
                "Trust X-Forwarded-Proto/-For/-Host from the proxy that terminates TLS."),
        Setting("CRAFTPATH_TRUSTED_PROXY", Items(item=Network()), "127.0.0.1",
                "The proxies' addresses or networks whose X-Forwarded-* headers are "
                "trusted (with CRAFTPATH_BEHIND_PROXY=1)."),
        Setting("CRAFTPATH_READY_QUEUE_AGE",
                Duration("s", timedelta(seconds=10), timedelta(days=1)), "300",
                "/readyz answers 503 when the oldest task due has waited longer (no worker "
                "running, or one falling behind)."),
        Setting("CRAFTPATH_ACCESS_LOG", Flag(), "1",
                "A log line per request (method, path, status, time, account id)."),
        Setting("CRAFTPATH_LOG_FORMAT", Choice(("text", "json")), "text",
                "How log lines are written: text, or one JSON object per line."),
        Setting("CRAFTPATH_METRICS_TOKEN", Text(), None,
                "/metrics answers a request carrying `Authorization: Bearer` with this token.",
                shown_default="none: /metrics is off unless CRAFTPATH_METRICS_FROM is set",
                secret=True),
        Setting("CRAFTPATH_METRICS_FROM", Items(item=Network()), None,
                "Addresses or networks that may scrape /metrics without the token.",
                shown_default="none"),
        Setting("CRAFTPATH_REQUIRE_2FA", Flag(), "0",
                "Admin and people-team accounts must use a second factor (TOTP)."),
        Setting("CRAFTPATH_AUDIT_RETENTION_DAYS", Whole(1), "730",
                "Days audit entries are kept; older ones go with "
                "`craftpath manage audit_purge`."),
        Setting("CRAFTPATH_CHROMIUM", Folder(), "/usr/bin/chromium",
                "The Chromium that prints PDFs (else `chromium` on PATH)."),
        Setting("CRAFTPATH_IMPORT_MAX_UPLOAD_MB", Whole(1), "20",
                "The Import page's limit on one upload, in megabytes."),
        Setting("CRAFTPATH_IMPORT_MAX_UNPACKED_MB", Whole(1), "50",
                "The Import page's limit on what a zip unpacks to, in megabytes."),
    ),
    "People and sign-in": (
        Setting("CRAFTPATH_INVITATION_DAYS", Whole(1), "7",
                "Days an invitation link works."),
        Setting("CRAFTPATH_SCIM_ROLE_GROUPS", RoleGroups(), None,
                "Identity-provider groups that bring a role through SCIM, such as "
                "\"Engineering Managers=manager,Craftpath Admins=admin\" (roles: "
                + ", ".join(GROUP_ROLES) + "); a member holds the role, and loses it on "
                "leaving the group."),
        Setting("CRAFTPATH_SSO_REQUIRED", Flag(), "0",
                "Sign-in only through single sign-on (needs the CRAFTPATH_OIDC_* settings)."),
        Setting("CRAFTPATH_OIDC_CLIENT_ID", Text(), None,
                "OpenID Connect sign-in is on when this is set; the five below are then "
                "required."),
        Setting("CRAFTPATH_OIDC_CLIENT_SECRET", Text(), None,
                "The client secret from the identity provider.", secret=True),
        Setting("CRAFTPATH_OIDC_AUTHORIZATION_ENDPOINT", Url(), None,
                "The provider's authorization endpoint."),
        Setting("CRAFTPATH_OIDC_TOKEN_ENDPOINT", Url(), None, "The provider's token endpoint."),
        Setting("CRAFTPATH_OIDC_USERINFO_ENDPOINT", Url(), None,
                "The provider's userinfo endpoint."),
        Setting("CRAFTPATH_OIDC_JWKS_ENDPOINT", Url(), None,
                "The provider's JSON Web Key Set."),
        Setting("CRAFTPATH_OIDC_SIGN_ALGO", Choice(_SIGN_ALGORITHMS), "RS256",
                "How the provider signs its ID tokens."),
        Setting("CRAFTPATH_OIDC_SCOPES", Items(" "), "openid email profile",
                "The scopes asked for."),
        Setting("CRAFTPATH_OIDC_CREATE_USERS", Flag(), "0",
                "Let in someone the directory does not know (as an engineer); by default "
                "only people already in the directory can sign in."),
        Setting("CRAFTPATH_OIDC_PROVIDER_NAME", Text(), "single sign-on",
                "Shown on the sign-in button."),
    ),
    "Email": (
        Setting("CRAFTPATH_EMAIL_HOST", Text(), None,
                "SMTP server for all email.", shown_default="printed to the console"),
        Setting("CRAFTPATH_EMAIL_PORT", _PORT, "587", "Its port; 465 means SMTPS."),
        Setting("CRAFTPATH_EMAIL_USER", Text(), "", "The SMTP user name."),
        Setting("CRAFTPATH_EMAIL_PASSWORD", Text(), "", "The SMTP password.", secret=True),
        Setting("CRAFTPATH_EMAIL_TLS", Flag(), "1",
                "STARTTLS; 0 for a relay on the same machine."),
        Setting("CRAFTPATH_EMAIL_FROM", Text(), "craftpath@localhost", "The sender address."),
        Setting("CRAFTPATH_EMAIL_TIMEOUT",
                Duration("s", timedelta(seconds=1), timedelta(minutes=5)), "30",
                "How long the SMTP server has to answer each step before the send is retried "
                "later."),
    ),
    "API and webhooks": (
        Setting("CRAFTPATH_API_RATE", Whole(1), "600",
                "API requests per minute per token."),
        Setting("CRAFTPATH_API_RATE_PER_PERSON", Whole(1), None,
                "API requests per minute per person, all their tokens together.",
                shown_default="the same as CRAFTPATH_API_RATE"),
        Setting("CRAFTPATH_API_TOKENS_PER_PERSON", Whole(0), "20",
                "Live (unrevoked, unexpired) tokens a person may hold."),
        Setting("CRAFTPATH_WEBHOOK_TIMEOUT",
                Duration("s", timedelta(seconds=0.1), timedelta(minutes=10)), "10",
                "How long a webhook receiver has to answer."),
        Setting("CRAFTPATH_WEBHOOK_ALLOW_PRIVATE", Flag(), "0",
                "Webhook endpoints may be internal addresses (loopback, private, link-local); "
                "off, a registered URL cannot reach the app's own network."),
    ),
    "Set by craftpath or by convention": (
        Setting("DJANGO_SETTINGS_MODULE", Text(), "craftpath.web.settings",
                "Django's settings module; set to craftpath's own when unset."),
        Setting("CRAFTPATH_WORKER_LEASE",
                Duration("s", timedelta(seconds=5), timedelta(hours=1)), "120",
                "How long a worker's claim on emails and webhook deliveries lasts unrenewed; "
                "after that a stopped worker's are queued again (and the schedule runs at "
                "least twice as often)."),
        Setting("CRAFTPATH_WORKER_PARENT", Whole(0), "0",
                "Set by `craftpath serve` for the worker it starts: the worker stops when "
                "that process is gone."),
        Setting("NO_COLOR", Text(), None,
                "Any value turns off colour in the command's output (no-color.org)."),
    ),
}

SETTINGS: dict[str, Setting] = {setting.name: setting
                                for section in SECTIONS.values() for setting in section}


def _declared(name: str) -> Setting:
    try:
        return SETTINGS[name]
    except KeyError:
        raise KeyError(f"{name} is not a declared setting (add it to craftpath.config)") from None


# --- reading ----------------------------------------------------------------------------------

def _environment(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def given(name: str, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the variable is set to something (an empty value counts as unset)."""
    _declared(name)
    return bool(_environment(environ).get(name, "").strip())


def get(name: str, environ: Mapping[str, str] | None = None):
    """The setting's value, from `environ` (the process's environment by default); its
    default when unset; None when it has no default. Raises ConfigError for a bad value."""
    setting = _declared(name)
    text = _environment(environ).get(name, "")
    if not text.strip():
        return None if setting.default is None else setting.kind.parse(setting.default)
    return setting.parse(text.strip() if getattr(setting.kind, "strip", True) else text)


def check(environ: Mapping[str, str] | None = None) -> None:
    """Refuse every declared setting whose value does not fit, all in one line."""
    problems = []
    for name in SETTINGS:
        try:
            get(name, environ)
        except ConfigError as error:
            problems.append(str(error))
    if problems:
        raise ConfigError("; ".join(problems))


def put(name: str, value: str | Path) -> None:
    """Set a setting for this process and the processes it starts (the CLI's flags that stand
    for a setting, such as --data-dir, before Django reads its settings)."""
    _declared(name)
    os.environ[name] = str(value)


def put_default(name: str, value: str) -> None:
    _declared(name)
    os.environ.setdefault(name, value)


def child_environment(**changes: str) -> dict[str, str]:
    """This process's environment for a program it starts (the worker, git, pg_dump), with
    `changes` on top."""
    return {**os.environ, **changes}


# --- the docs table ---------------------------------------------------------------------------

def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_table(settings: tuple[Setting, ...] | None = None) -> str:
    """The settings (all of them by default) as a Markdown table: name, kind, default,
    description."""
    rows = ["| Setting | Kind | Default | What it does |", "|---|---|---|---|"]
    for setting in settings if settings is not None else tuple(SETTINGS.values()):
        if setting.shown_default:
            default = setting.shown_default
        elif setting.default:
            default = f"`{setting.default}`"
        else:
            default = "(empty)" if setting.default == "" else "(none)"
        kind = setting.kind.label + (" (secret)" if setting.secret else "")
        rows.append(f"| `{setting.name}` | {_cell(kind)} | {_cell(default)} | "
                    f"{_cell(setting.description)} |")
    return "\n".join(rows) + "\n"


def reference_page() -> str:
    """docs/reference/settings.md: every setting, by section."""
    parts = [
        "# Settings\n",
        "<!-- Written by `python -m craftpath.config` from src/craftpath/config.py; a test "
        "fails when it is stale. Edit the declarations there, not this page. -->\n",
        "craftpath reads its settings from environment variables. An unset or empty variable "
        "takes the default. A value that does not fit its kind stops every start (`craftpath "
        "serve`, the worker, `craftpath manage`, a WSGI server) with one line naming the "
        "variable, for example:\n",
        "```\ncraftpath: error: CRAFTPATH_API_RATE_PER_PERSON must be a whole number, "
        "got \"ten\"\n```\n",
        "Secret values (the secret key, passwords, `DATABASE_URL`) are never repeated in such "
        "a line.\n",
    ]
    for title, settings in SECTIONS.items():
        parts.append(f"## {title}\n")
        parts.append(markdown_table(settings))
    return "\n".join(parts)


REFERENCE_PAGE = Path("docs") / "reference" / "settings.md"


def write_reference_page(path: str | Path = REFERENCE_PAGE) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(reference_page(), encoding="utf-8")
    return path


if __name__ == "__main__":  # python -m craftpath.config [PATH]: write the docs page
    print(f"wrote {write_reference_page(*sys.argv[1:2])}")
