"""The one field list drives the draft, the export, the purge and the CSV's defusing."""

from __future__ import annotations

import dataclasses

from bot.db.models import MediationRequest
from bot.requests import RequestDraft, render_csv
from bot.requests.fields import DRAFT_FIELDS, ENCRYPTED_FIELDS, EXPORT_FIELDS, FIELDS, FREE_TEXT_FIELDS, PURGED_FIELDS
from bot.requests.retention import PERSONAL_FIELDS

COLUMNS = set(MediationRequest.__table__.c.keys())


def test_every_field_is_a_column_and_every_personal_column_is_in_the_list():
    assert {f.name for f in FIELDS} <= COLUMNS
    encrypted_columns = {c.name for c in MediationRequest.__table__.c if type(c.type).__name__ == "EncryptedText"}
    assert set(ENCRYPTED_FIELDS) == encrypted_columns


def test_the_draft_is_the_draft_fields():
    assert tuple(f.name for f in dataclasses.fields(RequestDraft)) == DRAFT_FIELDS


def test_retention_purges_what_the_list_calls_purged():
    assert PERSONAL_FIELDS == PURGED_FIELDS
    assert set(ENCRYPTED_FIELDS) <= set(PURGED_FIELDS)  # everything encrypted is personal
    assert "phone_index" in PURGED_FIELDS and "phone_index" not in EXPORT_FIELDS


def test_csv_defuses_every_free_text_field():
    row = {name: "=HYPERLINK(1)" for name in FREE_TEXT_FIELDS}
    header, line = render_csv([row]).splitlines()
    assert header.split(",") == list(EXPORT_FIELDS)
    assert line.count("'=HYPERLINK(1)") == len(FREE_TEXT_FIELDS)
