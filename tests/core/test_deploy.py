"""The production recipe shipped in deploy/: supervised, logged, private (#12, item 13)."""

from __future__ import annotations

import configparser
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _read(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # systemd keys are case-sensitive
    unit.read(DEPLOY / name, encoding="utf-8")
    return unit


def _unit() -> configparser.ConfigParser:
    return _read("palier.service")


def test_the_unit_brings_a_killed_master_back():
    service = _unit()["Service"]
    assert service["Restart"] == "always"
    assert float(service["RestartSec"]) <= 5


def test_the_unit_runs_gunicorn_with_the_shipped_configuration():
    exec_start = _unit()["Service"]["ExecStart"]
    assert "gunicorn" in exec_start and "deploy/gunicorn.conf.py" in exec_start and "wsgi:app" in exec_start


def test_the_unit_keeps_what_it_writes_private():
    service = _unit()["Service"]
    assert service["UMask"] == "0077"
    assert service["NoNewPrivileges"] == "true"


def test_gunicorn_logs_every_request_and_every_error():
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert settings["accesslog"] == "-" and settings["errorlog"] == "-"
    assert settings["bind"].startswith("127.0.0.1:")
    assert settings["timeout"] > 60  # longer than a cahier's rendering limit


def test_a_nightly_timer_rewrites_the_pages_of_expired_badges():
    timer, job = _read("palier-publish.timer"), _read("palier-publish.service")
    assert timer["Timer"]["Persistent"] == "true" and "OnCalendar" in timer["Timer"]
    assert job["Service"]["Type"] == "oneshot"
    assert job["Service"]["ExecStart"].endswith("palier publish --expired")
    # It writes where the server writes, no more.
    assert job["Service"]["ReadWritePaths"] == _unit()["Service"]["ReadWritePaths"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
@pytest.mark.parametrize("name", ["palier.service", "palier-publish.timer"])
def test_systemd_reads_the_units_without_complaint(name):
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(DEPLOY / name)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    syntax = [line for line in result.stderr.splitlines() if "Unknown" in line or "Invalid" in line]
    assert not syntax, result.stderr
