"""Production without keys refuses to start, with a message that says what to set."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import ConfigurationError, Settings
from tests.support import ROOT


def test_production_without_keys_is_refused():
    with pytest.raises(ConfigurationError) as error:
        Settings.from_env({"MEDIATION_ENV": "production"})
    assert "MEDIATION_ENCRYPTION_KEY" in str(error.value) and "generate-key" in str(error.value)


def test_development_generates_a_local_key_with_a_warning(tmp_path, caplog):
    settings = Settings.from_env({"MEDIATION_ENV": "development", "MEDIATION_VAR_DIR": str(tmp_path)})
    assert (tmp_path / "dev-keys" / "encryption.key").read_text().strip() == settings.encryption_keys[0]
    assert "Never use it in production" in caplog.text


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-c", "import actions"],  # the action server's import
        [sys.executable, "-c", "from bot.staff import create_app; create_app()"],  # the staff app
        [str(Path(sys.executable).parent / "mediation-admin"), "list"],  # the CLI
    ],
)
def test_every_process_refuses_to_start_in_production_without_keys(command, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDIATION_")}
    env.update(MEDIATION_ENV="production", MEDIATION_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "MEDIATION_ENCRYPTION_KEY" in result.stderr


def test_every_environment_variable_is_read_in_settings_only():
    """No other module of bot/ or actions/ reads the environment; the README lists every variable."""
    readers = [
        str(path.relative_to(ROOT))
        for folder in ("bot", "actions")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "settings.py"
        and re.search(r"os\.environ\.get|os\.getenv|environ\[[^\]]+\](?!\s*=)", path.read_text())
    ]
    assert readers == []
    readme = (ROOT / "README.md").read_text()
    names = set(
        re.findall(
            r'env(?:\.get)?\(\s*"([A-Z_]+)"|_(?:number|flag|list)\("([A-Z_]+)"', (ROOT / "bot/settings.py").read_text()
        )
    )
    names = {a or b for a, b in names} | {"MEDIATION_ENCRYPTION_KEY", "MEDIATION_SECRET_KEY"}
    assert sorted(n for n in names if n not in readme) == []


def test_cheap_password_hashing_only_in_test_mode(tmp_path):
    with pytest.raises(ConfigurationError):
        Settings.from_env(
            {"MEDIATION_ENV": "development", "MEDIATION_VAR_DIR": str(tmp_path), "MEDIATION_PASSWORD_HASHING": "fast"}
        )
    settings = Settings.from_env(
        {"MEDIATION_ENV": "test", "MEDIATION_VAR_DIR": str(tmp_path), "MEDIATION_PASSWORD_HASHING": "fast"}
    )
    assert settings.password_hashing == "fast"


def test_development_keys_are_private_from_the_start(tmp_path):
    Settings.from_env({"MEDIATION_ENV": "development", "MEDIATION_VAR_DIR": str(tmp_path)})
    for name in ("encryption.key", "secret.key"):
        assert (tmp_path / "dev-keys" / name).stat().st_mode & 0o777 == 0o600
