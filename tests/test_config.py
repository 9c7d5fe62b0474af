"""craftpath.config: every setting declared once, each kind read the same way, a bad value
refused in one line naming it, and the docs table written from the declarations."""

from __future__ import annotations

import ast
import ipaddress
import re
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given as for_all
from hypothesis import strategies as st

from craftpath import config
from craftpath.config import ConfigError, Duration, Flag, Items, Network, Unfit, Url, Whole

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "craftpath"


def refusal(name: str, text: str) -> str:
    with pytest.raises(ConfigError) as refused:
        config.get(name, {name: text})
    return str(refused.value)


# --- reading ----------------------------------------------------------------------------------

def test_unset_or_empty_gives_the_default_and_none_when_there_is_none():
    assert config.get("CRAFTPATH_API_RATE", {}) == 600
    assert config.get("CRAFTPATH_API_RATE", {"CRAFTPATH_API_RATE": "  "}) == 600
    assert config.get("CRAFTPATH_EMAIL_HOST", {}) is None
    assert config.get("CRAFTPATH_EMAIL_USER", {}) == ""
    assert not config.given("CRAFTPATH_EMAIL_HOST", {"CRAFTPATH_EMAIL_HOST": ""})
    assert config.given("CRAFTPATH_EMAIL_HOST", {"CRAFTPATH_EMAIL_HOST": "smtp"})


def test_the_environment_is_read_when_asked_not_when_imported(monkeypatch):
    monkeypatch.setenv("CRAFTPATH_API_RATE", "7")
    assert config.get("CRAFTPATH_API_RATE") == 7
    monkeypatch.setenv("CRAFTPATH_API_RATE", "8")
    assert config.get("CRAFTPATH_API_RATE") == 8


def test_a_name_that_is_not_declared_cannot_be_read_or_set():
    with pytest.raises(KeyError, match="CRAFTPATH_NOPE is not a declared setting"):
        config.get("CRAFTPATH_NOPE", {})
    with pytest.raises(KeyError):
        config.put("CRAFTPATH_NOPE", "1")


def test_every_default_fits_its_kind_and_the_defaults_are_the_documented_ones():
    config.check({})
    values = {name: config.get(name, {}) for name in config.SETTINGS}
    assert values["CRAFTPATH_DATA_DIR"] == Path("data")
    assert values["CRAFTPATH_ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    assert values["CRAFTPATH_CHROMIUM"] == Path("/usr/bin/chromium")
    assert values["CRAFTPATH_BASE_URL"] == "http://127.0.0.1:8000"
    assert values["CRAFTPATH_TRUSTED_PROXY"] == [ipaddress.ip_network("127.0.0.1/32")]
    assert (values["CRAFTPATH_API_RATE"], values["CRAFTPATH_API_TOKENS_PER_PERSON"],
            values["CRAFTPATH_INVITATION_DAYS"], values["CRAFTPATH_AUDIT_RETENTION_DAYS"],
            values["CRAFTPATH_EMAIL_PORT"]) == (600, 20, 7, 730, 587)
    assert (values["CRAFTPATH_IMPORT_MAX_UPLOAD_MB"],
            values["CRAFTPATH_IMPORT_MAX_UNPACKED_MB"]) == (20, 50)
    assert values["CRAFTPATH_WEBHOOK_TIMEOUT"] == timedelta(seconds=10)
    assert values["CRAFTPATH_EMAIL_TLS"] is True and values["CRAFTPATH_PRODUCTION"] is False
    assert values["CRAFTPATH_GIT_FILE"] == "framework.yaml"
    assert values["CRAFTPATH_EMAIL_FROM"] == "craftpath@localhost"
    assert values["CRAFTPATH_OIDC_SCOPES"] == ["openid", "email", "profile"]
    assert values["CRAFTPATH_OIDC_SIGN_ALGO"] == "RS256"


def test_check_names_every_bad_value_in_one_line():
    with pytest.raises(ConfigError) as refused:
        config.check({"CRAFTPATH_API_RATE": "ten", "CRAFTPATH_DEBUG": "yes",
                      "CRAFTPATH_INVITATION_DAYS": "7"})
    message = str(refused.value)
    assert "\n" not in message
    assert message == ('CRAFTPATH_DEBUG must be 1 or 0, got "yes"; '
                       'CRAFTPATH_API_RATE must be a whole number, got "ten"')


def test_a_secret_is_never_repeated_in_a_refusal():
    message = refusal("DATABASE_URL", "mysql://ann:hunter2@db/craft")
    assert message.startswith("DATABASE_URL: unsupported scheme 'mysql'")
    assert "hunter2" not in message
    assert "hunter2" not in refusal("DATABASE_URL", "ann:hunter2@db")


def test_text_keeps_its_spaces_other_kinds_are_trimmed():
    assert config.get("CRAFTPATH_EMAIL_PASSWORD", {"CRAFTPATH_EMAIL_PASSWORD": " pw "}) == " pw "
    assert config.get("CRAFTPATH_API_RATE", {"CRAFTPATH_API_RATE": " 60\n"}) == 60


# --- each kind --------------------------------------------------------------------------------

def test_a_flag_is_1_or_0_and_nothing_else():
    assert Flag().parse("1") is True and Flag().parse("0") is False
    for text in ("yes", "true", "on", "2", "01"):
        with pytest.raises(Unfit, match="must be 1 or 0"):
            Flag().parse(text)
    assert refusal("CRAFTPATH_PRODUCTION", "true") == \
        'CRAFTPATH_PRODUCTION must be 1 or 0, got "true"'


def test_a_whole_number_keeps_its_bounds():
    assert Whole(1).parse("600") == 600
    assert Whole(0).parse("0") == 0
    assert Whole(1, 65535).parse("65535") == 65535
    for text in ("ten", "1.5", "²", "٣", "1e3", "0x10", "+5", ""):
        with pytest.raises(Unfit, match="must be a whole number"):
            Whole(1).parse(text)
    with pytest.raises(Unfit, match="must be at least 1"):
        Whole(1).parse("0")
    with pytest.raises(Unfit, match="must be at least 0"):
        Whole(0).parse("-3")
    with pytest.raises(Unfit, match="must be from 1 to 65535"):
        Whole(1, 65535).parse("70000")
    assert refusal("CRAFTPATH_API_RATE_PER_PERSON", "ten") == \
        'CRAFTPATH_API_RATE_PER_PERSON must be a whole number, got "ten"'


@for_all(st.integers(min_value=-10**6, max_value=10**6))
def test_any_whole_number_reads_as_itself_or_is_refused_for_its_bound(number):
    try:
        assert Whole(1).parse(str(number)) == number
    except Unfit as unfit:
        assert number < 1 and str(unfit) == "must be at least 1"


def test_a_duration_takes_a_unit_or_the_settings_own():
    seconds = Duration("s")
    assert seconds.parse("30s") == timedelta(seconds=30)
    assert seconds.parse("15m") == timedelta(minutes=15)
    assert seconds.parse("2h") == timedelta(hours=2)
    assert seconds.parse("7d") == timedelta(days=7)
    assert seconds.parse("10") == timedelta(seconds=10)
    assert seconds.parse("2.5") == timedelta(seconds=2.5)
    assert Duration("d").parse("7") == timedelta(days=7)
    for text in ("soon", "10 minutes", "-5s", "5w", "٣s", "s", "1h30m", "1.s"):
        with pytest.raises(Unfit, match="must be a duration such as 30s, 15m, 2h or 7d"):
            seconds.parse(text)
    bounded = Duration("s", timedelta(seconds=1), timedelta(minutes=10))
    with pytest.raises(Unfit, match="must be from 1s to 10m"):
        bounded.parse("1h")
    assert refusal("CRAFTPATH_WEBHOOK_TIMEOUT", "soon") == \
        'CRAFTPATH_WEBHOOK_TIMEOUT must be a duration such as 30s, 15m, 2h or 7d, got "soon"'


@for_all(st.integers(min_value=0, max_value=10**5), st.sampled_from("smhd"))
def test_any_count_of_any_unit_reads_as_that_length(count, unit):
    length = {"s": timedelta(seconds=count), "m": timedelta(minutes=count),
              "h": timedelta(hours=count), "d": timedelta(days=count)}[unit]
    assert Duration("s").parse(f"{count}{unit}") == length
    if count:
        assert Duration("s").parse(config.show_duration(length)) == length


def test_a_list_drops_empty_items_and_checks_each_one():
    assert Items().parse("a.example, b.example,,") == ["a.example", "b.example"]
    assert Items(" ").parse("openid  email\tprofile") == ["openid", "email", "profile"]
    networks = Items(item=Network()).parse("127.0.0.1, 10.0.0.0/8, [::1], fd00::/8")
    assert [str(network) for network in networks] == ["127.0.0.1/32", "10.0.0.0/8",
                                                       "::1/128", "fd00::/8"]
    assert refusal("CRAFTPATH_TRUSTED_PROXY", "127.0.0.1, proxy.example") == (
        "CRAFTPATH_TRUSTED_PROXY must list IP addresses or networks such as 10.0.0.0/8 "
        '(not "proxy.example"), got "127.0.0.1, proxy.example"')


def test_role_groups_pair_a_group_with_a_role_a_group_may_bring():
    name = "CRAFTPATH_SCIM_ROLE_GROUPS"
    assert config.get(name, {name: "Engineering Managers=manager, People Team = people,"}) \
        == {"engineering managers": "manager", "people team": "people"}
    assert config.get(name, {}) is None
    assert refusal(name, "Admins") == (
        f'{name} must list GROUP=ROLE pairs such as "Engineering Managers=manager" '
        '(not "Admins"), got "Admins"')
    assert refusal(name, "Everyone=engineer") == (
        f'{name} names the role "engineer"; a group may bring manager, people, admin, '
        'editor, got "Everyone=engineer"')
    assert refusal(name, "Admins=admin,ADMINS=editor").startswith(
        f'{name} names the group "ADMINS" twice')


def test_the_roles_a_group_may_bring_are_the_roles_but_engineer():
    from craftpath.web.accounts.models import Role

    assert set(config.GROUP_ROLES) == set(Role.values) - {Role.ENGINEER}


def test_a_url_needs_its_scheme_and_a_host():
    assert Url().parse("https://craftpath.example.com/") == "https://craftpath.example.com/"
    for text in ("craftpath.example.com", "http://", "https:/x", "/path"):
        with pytest.raises(Unfit, match="must be a URL such as https://host/path"):
            Url().parse(text)
    assert refusal("CRAFTPATH_BASE_URL", "ftp://files.example") == (
        "CRAFTPATH_BASE_URL: unsupported scheme 'ftp' (use https://host/path)")
    assert config.get("DATABASE_URL", {"DATABASE_URL": "sqlite:///x.db"}) == "sqlite:///x.db"
    assert config.get("DATABASE_URL", {"DATABASE_URL": "postgresql://a@b/c"}) == \
        "postgresql://a@b/c"


def test_a_choice_is_one_of_its_options():
    assert config.get("CRAFTPATH_OIDC_SIGN_ALGO", {"CRAFTPATH_OIDC_SIGN_ALGO": "ES256"}) == "ES256"
    assert refusal("CRAFTPATH_OIDC_SIGN_ALGO", "none").startswith(
        "CRAFTPATH_OIDC_SIGN_ALGO must be one of RS256, RS384")


@for_all(st.sampled_from(sorted(config.SETTINGS)), st.text(max_size=30))
def test_any_text_for_any_setting_is_a_value_or_one_line_naming_it(name, text):
    try:
        config.get(name, {name: text})
    except ConfigError as refused:
        message = str(refused)
        assert message.startswith(name) and "\n" not in message
        if config.SETTINGS[name].secret:
            assert ", got " not in message


# --- the one place that reads the environment ---------------------------------------------------

_ENVIRONMENT_READS = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}
_NAME = re.compile(r"\b(?:CRAFTPATH_[A-Z0-9_]*|DATABASE_URL|DJANGO_SETTINGS_MODULE)\b")
# Not settings: the JavaScript global that carries the search index.
_NOT_SETTINGS = {"CRAFTPATH_SEARCH"}


def _modules():
    for path in sorted(SOURCE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def environment_uses(tree: ast.AST) -> list[int]:
    """Lines that touch os.environ, os.getenv and the like, however imported."""
    lines = []
    for node in ast.walk(tree):
        # (A plain name `environ` is a WSGI request's, or a mapping passed in: not os's.)
        if isinstance(node, ast.Attribute) and node.attr in _ENVIRONMENT_READS or \
                isinstance(node, ast.ImportFrom) and node.module == "os" and \
                any(alias.name in _ENVIRONMENT_READS for alias in node.names):
            lines.append(node.lineno)
    return lines


def undeclared_names(tree: ast.AST) -> set[str]:
    """CRAFTPATH_… names in the code's strings (a read, a message, a docstring) that are not
    declared settings; one written as a prefix (f"CRAFTPATH_OIDC_{name}") must start one."""
    # getattr(settings, "CRAFTPATH_IMPORT_MAX_UPLOAD", …) names a Django setting, made from one
    # of these (CRAFTPATH_IMPORT_MAX_UPLOAD_MB) in web/settings.py.
    django_settings = {id(node.args[1]) for node in ast.walk(tree)
                       if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                       and node.func.id == "getattr" and len(node.args) > 1
                       and isinstance(node.args[0], ast.Name) and node.args[0].id == "settings"}
    undeclared = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                id(node) not in django_settings:
            for name in _NAME.findall(node.value):
                if name in config.SETTINGS or name in _NOT_SETTINGS:
                    continue
                if name.endswith("_") and any(known.startswith(name) for known in config.SETTINGS):
                    continue
                undeclared.add(name)
    return undeclared


def test_only_config_reads_or_changes_the_environment():
    found = [f"{path.relative_to(ROOT)}:{line}" for path, tree in _modules()
             if path != SOURCE / "config.py" for line in environment_uses(tree)]
    assert found == [], "read settings through craftpath.config instead"


def test_every_setting_named_in_the_source_is_declared():
    found = {f"{path.relative_to(ROOT)}: {name}" for path, tree in _modules()
             for name in undeclared_names(tree)}
    assert found == set()


@pytest.mark.parametrize("code", [
    'import os\nRATE = int(os.environ.get("CRAFTPATH_NEW_RATE", "1"))\n',
    'from os import getenv\nRATE = getenv("CRAFTPATH_NEW_RATE")\n',
    'import os as o\nRATE = o.environ["CRAFTPATH_NEW_RATE"]\n',
])
def test_the_checks_find_a_read_that_goes_around_config(code):
    tree = ast.parse(code)
    assert environment_uses(tree) and undeclared_names(tree) == {"CRAFTPATH_NEW_RATE"}


def test_the_checks_let_the_ways_config_is_used_through():
    tree = ast.parse('from craftpath import config\nRATE = config.get("CRAFTPATH_API_RATE")\n'
                     'OIDC = [f"CRAFTPATH_OIDC_{name}" for name in ("CLIENT_ID",)]\n')
    assert environment_uses(tree) == [] and undeclared_names(tree) == set()


# --- the docs table ---------------------------------------------------------------------------

def test_the_table_has_a_row_for_every_setting():
    table = config.markdown_table()
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(config.SETTINGS)
    assert "| `CRAFTPATH_API_RATE` | whole number, at least 1 | `600` | API requests per " \
           "minute per token. |" in table
    assert "| `CRAFTPATH_SECRET_KEY` | text (secret) | a random key per process |" in table


def test_the_settings_page_in_the_docs_is_up_to_date():
    page = ROOT / "docs" / "reference" / "settings.md"
    assert page.read_text(encoding="utf-8") == config.reference_page(), (
        "docs/reference/settings.md is stale: run `python -m craftpath.config`")


# --- a bad value stops every start in one line --------------------------------------------------

def _start(door: str, data_dir: Path, variable: str, value: str):
    import os
    import subprocess
    import sys

    environment = {key: text for key, text in os.environ.items()
                   if not key.startswith(("CRAFTPATH_", "DATABASE_URL", "DJANGO_"))}
    environment.update({variable: value, "CRAFTPATH_DATA_DIR": str(data_dir)})
    command = {
        "serve": ["-m", "craftpath", "serve", "--port", "0"],
        "worker": ["-m", "craftpath", "worker", "--once"],
        "manage": ["-m", "craftpath", "manage", "check"],
        "wsgi": ["-c", "import craftpath.web.wsgi"],  # what gunicorn or waitress-serve does
    }[door]
    return subprocess.run([sys.executable, *command], env=environment, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.mark.subprocess
@pytest.mark.parametrize("door, variable, value, message", [
    ("serve", "CRAFTPATH_API_RATE_PER_PERSON", "ten",
     'CRAFTPATH_API_RATE_PER_PERSON must be a whole number, got "ten"'),
    ("worker", "CRAFTPATH_REQUIRE_2FA", "yes", 'CRAFTPATH_REQUIRE_2FA must be 1 or 0, got "yes"'),
    ("manage", "CRAFTPATH_WEBHOOK_TIMEOUT", "soon",
     'CRAFTPATH_WEBHOOK_TIMEOUT must be a duration such as 30s, 15m, 2h or 7d, got "soon"'),
    ("wsgi", "CRAFTPATH_TRUSTED_PROXY", "proxy.example",
     "CRAFTPATH_TRUSTED_PROXY must list IP addresses or networks such as 10.0.0.0/8 "
     '(not "proxy.example"), got "proxy.example"'),
    ("serve", "CRAFTPATH_BASE_URL", "craftpath.example.com",
     'CRAFTPATH_BASE_URL must be a URL such as https://host/path, got "craftpath.example.com"'),
    ("manage", "CRAFTPATH_OIDC_SIGN_ALGO", "none",
     "CRAFTPATH_OIDC_SIGN_ALGO must be one of RS256, RS384, RS512, ES256, ES384, ES512, HS256, "
     'HS384, HS512, got "none"'),
])
def test_a_bad_value_of_each_kind_stops_the_start_in_one_line(tmp_path, door, variable, value,
                                                               message):
    done = _start(door, tmp_path / "data", variable, value)
    assert done.stderr == f"craftpath: error: {message}\n"
    assert done.returncode == 2
    assert not (tmp_path / "data").exists()  # refused before anything was made


def test_a_home_folder_of_an_unknown_user_is_one_line():
    assert refusal("CRAFTPATH_DATA_DIR", "~nobody-here-at-all/data") == (
        "CRAFTPATH_DATA_DIR names the home folder of an unknown user, got "
        '"~nobody-here-at-all/data"')
