"""The local spaCy pipeline: built from scratch into a temp folder, loaded with spacy.load, used for real."""

from __future__ import annotations

import json

import pytest
import spacy

from bot.nlp import build_spacy, clear_cache, load_pipeline


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("spacy") / "en_mediation"
    assert build_spacy.main([str(outdir)]) == 0
    return outdir


@pytest.fixture(scope="module")
def nlp(built):
    return spacy.load(built)


def test_build_writes_a_loadable_pipeline_with_meta(built, nlp):
    for part in ("config.cfg", "meta.json", "tokenizer", "vocab", "lemmatizer", "entity_ruler"):
        assert (built / part).exists(), part
    meta = json.loads((built / "meta.json").read_text())
    assert meta["name"] == "en_mediation"
    assert meta["lang"] == "en"
    assert nlp.meta["name"] == "en_mediation"
    assert nlp.pipe_names == ["lemmatizer", "entity_ruler"]
    assert nlp.get_pipe("lemmatizer").mode == "lookup"


def test_build_is_idempotent_and_force_rebuilds(built):
    stamp = (built / "meta.json").stat().st_mtime_ns
    assert build_spacy.is_current(built)
    build_spacy.build(built)
    assert (built / "meta.json").stat().st_mtime_ns == stamp  # untouched: already current
    build_spacy.build(built, force=True)
    assert (built / "meta.json").stat().st_mtime_ns != stamp
    assert build_spacy.is_current(built)
    assert not list(built.parent.glob(".en_mediation.*"))  # no staging leftovers


def test_a_stale_or_broken_folder_is_rebuilt(tmp_path):
    outdir = tmp_path / "en_mediation"
    outdir.mkdir()
    (outdir / "meta.json").write_text('{"name": "en_mediation", "mediation_fingerprint": "old"}')
    assert not build_spacy.is_current(outdir)
    build_spacy.build(outdir)
    assert build_spacy.is_current(outdir)
    assert (outdir / "config.cfg").exists()


@pytest.mark.parametrize(
    "text, span",
    [
        ("it happened yesterday", "yesterday"),
        ("today around noon", "today"),
        ("last night on prospect", "last night"),
        ("this morning at the bus stop", "this morning"),
        ("it was last friday at a traffic stop", "last friday"),
        ("this tuesday", "this tuesday"),
        ("on wednesday", "on wednesday"),
        ("saturday", "saturday"),
        ("3 weeks ago", "3 weeks ago"),
        ("about two months ago", "two months ago"),
        ("12 days ago", "12 days ago"),
        ("a week ago", "a week ago"),
        ("a couple of weeks ago", "a couple of weeks ago"),
        ("2 wks ago", "2 wks ago"),
        ("last week", "last week"),
        ("last month i think", "last month"),
        ("oct 3rd", "oct 3rd"),
        ("on october 3", "october 3"),
        ("3 october", "3 october"),
        ("Sept 12th", "Sept 12th"),
        ("sept. 12th", "sept. 12th"),
        ("Oct 3, 2026 downtown", "Oct 3, 2026"),
        ("the 3rd of october", "the 3rd of october"),
        ("on 10/3", "10/3"),
        ("10/3/2026", "10/3/2026"),
        ("10-03-2026", "10-03-2026"),
        ("2026-10-03", "2026-10-03"),
        ("on the 5th", "the 5th"),
        ("tomorrow", "tomorrow"),
        ("next friday", "next friday"),
    ],
)
def test_date_spans(nlp, text, span):
    doc = nlp(text)
    assert [(e.text, e.label_) for e in doc.ents] == [(span, "DATE")]


@pytest.mark.parametrize(
    "text",
    ["i sat in my car", "the officer was rude", "he said 10 words", "may i ask a question", "10.5 miles away", ""],
)
def test_no_false_dates(nlp, text):
    assert list(nlp(text).ents) == []


@pytest.mark.parametrize(
    "text, lemmas",
    [
        ("officers", ["officer"]),
        ("the cops were yelling", ["the", "cop", "be", "yell"]),
        ("complaints filed", ["complaint", "file"]),
        ("mediators", ["mediator"]),
    ],
)
def test_lookup_lemmas(nlp, text, lemmas):
    assert [t.lemma_ for t in nlp(text)] == lemmas


def test_load_pipeline_builds_when_absent_and_caches(tmp_path):
    target = tmp_path / "fresh" / "en_mediation"
    clear_cache()
    try:
        first = load_pipeline(target)
        assert (target / "meta.json").exists()
        assert load_pipeline(target) is first
        assert [t.lemma_ for t in first("officers")] == ["officer"]
        assert [e.text for e in first("it was 3 weeks ago").ents] == ["3 weeks ago"]
    finally:
        clear_cache()


def test_default_outdir_follows_var_dir(monkeypatch, tmp_path, fresh_settings):
    monkeypatch.setenv("MEDIATION_VAR_DIR", str(tmp_path))
    assert build_spacy.default_outdir() == tmp_path / "spacy" / "en_mediation"
