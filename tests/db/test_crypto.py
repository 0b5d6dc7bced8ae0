"""Personal fields are encrypted at rest; keys come from the environment; production refuses to run without."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.db import crypto
from bot.db.engine import get_engine
from bot.requests import get_request, submit_request
from bot.settings import ConfigurationError, Settings, reset_settings_cache

SECRETS = (
    "Jordan Example",
    "+18165550123",
    "8165550123",
    "jordan@example.org",
    "spoken to disrespectfully",
    "Troost Ave",
    "Badge 1234",
    "Weekday evenings",
    "Wheelchair access",
    "2026-0042",
)


def test_personal_fields_are_not_stored_in_plaintext(migrated_db, make_draft):
    result = submit_request(make_draft(), sender_key="s1", channel="rest")
    assert result.stored
    engine = get_engine(migrated_db.database_url)
    with engine.connect() as conn:
        dump = " ".join(
            str(value)
            for table in ("mediation_requests", "status_events", "audit_events", "notes")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
            for value in row
        )
        raw_name = conn.execute(text("SELECT name FROM mediation_requests")).scalar_one()
    for secret in SECRETS:
        assert secret.lower() not in dump.lower(), secret
    assert raw_name.startswith("gAAAA")  # a Fernet token
    # ...and it decrypts back through the model.
    assert get_request(result.reference)["name"] == "Jordan Example"


def test_key_rotation_old_rows_still_readable(migrated_db, make_draft, monkeypatch):
    ref = submit_request(make_draft(), sender_key="s1", channel="rest").reference
    old = migrated_db.encryption_keys[0]
    monkeypatch.setenv("MEDIATION_ENCRYPTION_KEY", f"{Fernet.generate_key().decode()},{old}")
    reset_settings_cache()
    assert get_request(ref)["email"] == "jordan@example.org"
    monkeypatch.setenv("MEDIATION_ENCRYPTION_KEY", Fernet.generate_key().decode())
    reset_settings_cache()
    with pytest.raises(crypto.DecryptionError):
        get_request(ref)


def test_blind_index_is_keyed_and_deterministic(mediation_env):
    other = Settings.from_env(
        {
            "MEDIATION_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "MEDIATION_SECRET_KEY": "another-secret",
            "MEDIATION_ENV": "test",
        }
    )
    a = crypto.blind_index("+18165550123", mediation_env)
    assert a == crypto.blind_index("+18165550123", mediation_env)
    assert a != crypto.blind_index("+18165550124", mediation_env)
    assert a != crypto.blind_index("+18165550123", other)
    assert len(a) == 64 and "8165550123" not in a
    assert crypto.blind_index(None, mediation_env) is None


@pytest.mark.parametrize(
    "env,missing",
    [
        ({}, "MEDIATION_ENCRYPTION_KEY and MEDIATION_SECRET_KEY"),
        ({"MEDIATION_SECRET_KEY": "s"}, "MEDIATION_ENCRYPTION_KEY"),
        ({"MEDIATION_ENCRYPTION_KEY": "k"}, "MEDIATION_SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_without_keys(env, missing, tmp_path):
    with pytest.raises(ConfigurationError) as info:
        Settings.from_env({"MEDIATION_ENV": "production", "MEDIATION_VAR_DIR": str(tmp_path), **env})
    assert missing in str(info.value)
    assert "generate-key" in str(info.value)
    assert not (tmp_path / "dev-keys").exists()  # no key silently generated


def test_development_generates_a_local_key_with_warning(tmp_path, caplog):
    settings = Settings.from_env({"MEDIATION_ENV": "development", "MEDIATION_VAR_DIR": str(tmp_path)})
    assert (tmp_path / "dev-keys" / "encryption.key").exists()
    assert "Development mode" in caplog.text
    assert crypto.decrypt_text(crypto.encrypt_text("x", settings), settings) == "x"


def test_invalid_key_gives_a_clear_error(tmp_path):
    settings = Settings.from_env(
        {
            "MEDIATION_ENV": "test",
            "MEDIATION_VAR_DIR": str(tmp_path),
            "MEDIATION_ENCRYPTION_KEY": "not-a-key",
            "MEDIATION_SECRET_KEY": "s",
        }
    )
    with pytest.raises(ConfigurationError, match="not a valid Fernet key"):
        crypto.encrypt_text("x", settings)
