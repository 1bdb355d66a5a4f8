"""The `opit` command line: help, migrate, demo, and the --database override."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cli import main


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "migrate", "serve"):
        assert command in out


@pytest.mark.parametrize("command", ["demo", "migrate", "serve"])
def test_each_command_has_help(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "usage: opit" in capsys.readouterr().out


def test_migrate_and_demo_on_a_new_file(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["--database", url, "migrate"]) == 0
    assert main(["--database", url, "demo"]) == 0
    out = capsys.readouterr().out
    assert "142 responses" in out and "?s=" in out
    assert main(["--database", url, "demo", "--if-empty"]) == 0
    assert "not loaded" in capsys.readouterr().out
    assert main(["--database", url, "demo"]) == 2
    assert "демо" in capsys.readouterr().err.lower()


def test_unreachable_database_exits_2_with_the_setting_named(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "--database",
            "postgresql://x:pw@127.0.0.1:1/none",
            "migrate",
        ],
        capture_output=True,
        text=True,
        env={"PATH": "", "OPIT_LANGUAGE": "en"},
        timeout=60,
    )
    assert done.returncode == 2
    assert "OPIT_DATABASE_URL" in done.stderr
    assert "Traceback" not in done.stderr
    assert "pw@" not in done.stderr
