"""Settings: declared once, read from the environment and secrets.toml, all documented."""

from __future__ import annotations

from pathlib import Path

import pytest

import settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_lists_every_setting_with_its_default():
    text = README.read_text(encoding="utf-8")
    for setting in settings.SETTINGS:
        row = next(
            (line for line in text.splitlines() if line.startswith(f"| `{setting.name}`")), None
        )
        assert row is not None, f"README's settings table misses {setting.name}"
        assert f"`{setting.default}`" in row, f"README gives another default for {setting.name}"


def test_environment_wins_over_default(monkeypatch):
    monkeypatch.setenv("OPIT_LANGUAGE", "en")
    assert settings.get("OPIT_LANGUAGE") == "en"


def test_secrets_file_is_read(monkeypatch, tmp_path):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        'OPIT_PUBLIC_URL = "https://opit.sofia.bg"\n[opit]\nmax_upload_mb = 5\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPIT_PUBLIC_URL", raising=False)
    monkeypatch.delenv("OPIT_MAX_UPLOAD_MB", raising=False)
    settings._secrets.cache_clear()
    try:
        assert settings.get("OPIT_PUBLIC_URL") == "https://opit.sofia.bg"
        assert settings.get_int("OPIT_MAX_UPLOAD_MB") == 5
    finally:
        settings._secrets.cache_clear()


def test_undeclared_setting_is_a_programming_error():
    with pytest.raises(KeyError):
        settings.get("OPIT_NOT_A_SETTING")
