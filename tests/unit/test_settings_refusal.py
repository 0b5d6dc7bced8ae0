"""Production without keys refuses to start, with a message that says what to set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import ConfigurationError, Settings

ROOT = Path(__file__).resolve().parents[2]


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
