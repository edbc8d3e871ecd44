"""What CI can check of the deployment guide and the files in deploy/.

The systemd units pass `systemd-analyze verify` (apart from the install paths that exist only on
the server), gunicorn can load the application string the service names, nginx forwards to the
address gunicorn binds and accepts the largest upload, the environment file names only real
settings, and every `flask --app tracker ...` command in the units and the guide exists with
those options.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import click
import pytest
from flask import Flask
from flask.cli import FlaskGroup

from tracker.config import DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
GUIDE = ROOT / "docs/DEPLOYMENT.md"


def unit_settings(path: Path) -> dict[str, list[str]]:
    """KEY -> values of a unit file (keys may repeat; sections are not told apart)."""
    settings: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def exec_start(name: str) -> list[str]:
    return shlex.split(unit_settings(DEPLOY / "systemd" / name)["ExecStart"][0])


def gunicorn_bind() -> str:
    command = exec_start("roviec.service")
    return command[command.index("--bind") + 1]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_units_verify(tmp_path):
    for unit in UNITS:
        shutil.copy(unit, tmp_path / unit.name)
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True, text=True, check=False, timeout=60)
    complaints = [line for line in (result.stdout + result.stderr).splitlines()
                  if line.strip() and "/srv/roviec/" not in line]
    assert complaints == []


def test_every_timer_has_its_service_and_a_local_time():
    timers = [unit for unit in UNITS if unit.suffix == ".timer"]
    assert {unit.stem for unit in timers} == {"roviec-schedule", "roviec-remind",
                                              "roviec-backup"}
    for timer in timers:
        assert (timer.with_suffix(".service")).exists()
        assert all(value.endswith("Asia/Ho_Chi_Minh")
                   for value in unit_settings(timer)["OnCalendar"])


def test_gunicorn_loads_the_application_the_service_names(tmp_path, monkeypatch):
    from gunicorn.util import import_app

    monkeypatch.setenv("TRACKER_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'a.sqlite3'}")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "a-deployment-test-key-0123456789abcdef")
    monkeypatch.setenv("TRACKER_BEHIND_PROXY", "1")
    target = next(arg for arg in exec_start("roviec.service") if arg.startswith("tracker:"))
    app = import_app(target)
    assert app.name == "tracker"
    assert app.config["BEHIND_PROXY"] == 1


def test_nginx_forwards_to_gunicorn_and_takes_the_largest_upload():
    site = (DEPLOY / "nginx/roviec.conf").read_text()
    assert site.count("{") == site.count("}")
    assert f"proxy_pass http://{gunicorn_bind()};" in site
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert f"proxy_set_header {header} " in site
    size = re.search(r"client_max_body_size (\d+)m;", site)
    assert int(size.group(1)) * 1024 * 1024 >= DEFAULTS["MAX_CONTENT_LENGTH"]


def test_the_environment_file_names_only_real_settings():
    flask_defaults = Flask.default_config
    for line in (DEPLOY / "roviec.env").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key = line.split("=", 1)[0]
        assert key.startswith("TRACKER_"), line
        setting = key.removeprefix("TRACKER_")
        assert setting in DEFAULTS or setting in flask_defaults, setting


def documented_commands() -> list[list[str]]:
    """Every `flask --app tracker ...` in the units and in the guide, as argument lists."""
    texts = [unit.read_text() for unit in UNITS] + [GUIDE.read_text()]
    commands = []
    for text in texts:
        for match in re.finditer(r"flask --app tracker ([a-z][^\n`|;&]*)", text):
            line = match.group(1).split(" #", 1)[0].replace("\\", "")
            commands.append(shlex.split(line))
    return commands


def test_every_documented_command_exists(app):
    commands = documented_commands()
    names = {" ".join(words[:2]) for words in commands}
    for expected in ("db upgrade", "schedule extend", "remind", "backup --dated", "restore"):
        assert any(name.startswith(expected) for name in names), expected
    group = FlaskGroup(create_app=lambda: app)
    for words in commands:
        with group.make_context("flask", ["--help"], resilient_parsing=True) as context:
            command: click.Command | None = group
            remaining = list(words)
            while isinstance(command, click.Group) and remaining:
                command = command.get_command(context, remaining.pop(0))
                assert command is not None, words
            # Parsing checks every option and argument is one the command takes; options that
            # would prompt (the password of `users create`) get a value instead.
            for param in command.params:
                if getattr(param, "prompt", None) and not set(param.opts) & set(remaining):
                    remaining += [param.opts[0], "x"]
            command.make_context(command.name, remaining, parent=context)
