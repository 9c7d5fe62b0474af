"""The files people deploy with (deploy/: the image, compose, systemd units, the proxy block)
run commands craftpath has and name settings it reads. The image itself is not built here:
this machine has no container engine that runs (a Docker client without a daemon, no podman);
the entry point it runs, a production `craftpath serve` behind a proxy, is what
tests/web/test_behind_nginx.py starts."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from craftpath import config
from craftpath.cli import build_parser

DEPLOY = Path(__file__).parents[1] / "deploy"
GUIDE = Path(__file__).parents[1] / "docs" / "how-to" / "production.md"


def _commands() -> list[list[str]]:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    found = [json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.M).group(1))]
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    found += [service["command"] for service in compose["services"].values()
              if "command" in service]
    for unit in DEPLOY.glob("*.service"):
        line = re.search(r"^ExecStart=(.*)$", unit.read_text(), re.M).group(1)
        found.append(shlex.split(line))
    return found


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c))
def test_each_deploy_command_is_one_craftpath_has(command):
    assert Path(command[0]).name == "craftpath"
    build_parser().parse_args(command[1:])  # exits (fails the test) on an unknown option


def test_every_setting_named_in_the_deploy_files_is_one_craftpath_reads():
    named = set()
    for path in DEPLOY.iterdir():
        named |= set(re.findall(r"\b(?:CRAFTPATH_[A-Z0-9_]+|DATABASE_URL)\b",
                                path.read_text()))
    assert named and named <= set(config.SETTINGS), named - set(config.SETTINGS)


def test_the_compose_proxy_passes_what_the_guide_says():
    guide = GUIDE.read_text()
    for line in (DEPLOY / "nginx.conf").read_text().splitlines():
        if line.strip().startswith(("proxy_set_header", "client_max_body_size")):
            assert line.strip() in guide, line
