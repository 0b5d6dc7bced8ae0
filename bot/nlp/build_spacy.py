"""Build the local English spaCy pipeline `en_mediation` into a folder.

Why: Rasa's SpacyNLP and `bot.conversation.dates` need a spaCy pipeline, but downloading a model needs the
internet and a trained model is heavy. A blank English pipeline with the lookup lemmatizer (tables from
the locally installed `spacy-lookups-data`) and our date EntityRuler is small, builds in about a second,
and behaves the same on every machine.

Run: ``python -m bot.nlp.build_spacy [OUTDIR] [--force]`` (default OUTDIR: var/spacy/en_mediation).
Idempotent: if OUTDIR already holds a pipeline built from the same patterns and spaCy version, it is left
alone. A new build is written next to OUTDIR and swapped in, so a reader never sees half a pipeline.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Optional

from bot.nlp.patterns import date_patterns
from bot.settings import get_settings

log = logging.getLogger(__name__)

PIPELINE_NAME = "en_mediation"
PIPELINE_VERSION = "1.0.0"
BUILDER_REVISION = 1  # bump when the pipeline layout (not the patterns) changes


def default_outdir() -> Path:
    """`<settings.var_dir>/spacy/en_mediation` (MEDIATION_VAR_DIR, default `<project>/var`)."""
    return get_settings().var_dir / "spacy" / PIPELINE_NAME


def fingerprint() -> str:
    """Identifies what a build contains; a different fingerprint means the folder must be rebuilt."""

    # importlib.metadata, not `import spacy`: the up-to-date check must stay fast (spaCy pulls in thinc).
    def _version(dist: str) -> str:
        try:
            return version(dist)
        except PackageNotFoundError:
            return "?"

    payload = json.dumps(
        {
            "patterns": date_patterns(),
            "spacy": _version("spacy"),
            "lookups": _version("spacy-lookups-data"),
            "revision": BUILDER_REVISION,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _built_fingerprint(outdir: Path) -> Optional[str]:
    try:
        meta = json.loads((outdir / "meta.json").read_text())
    except (OSError, ValueError):
        return None
    if not (outdir / "config.cfg").exists():
        return None
    return meta.get("mediation_fingerprint")


def is_current(outdir: Path) -> bool:
    return _built_fingerprint(Path(outdir)) == fingerprint()


def make_pipeline():
    """The in-memory pipeline: tokenizer → lookup lemmatizer → DATE entity ruler."""
    import spacy  # noqa: PLC0415 - heavy (thinc); the up-to-date check above must stay fast

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # initialize() loads the lemma and lexeme-norm tables from the installed spacy-lookups-data package
    # (no network). It must run before the ruler gets its patterns: EntityRuler.initialize() clears them.
    nlp.initialize()
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "validate": True})
    ruler.add_patterns(date_patterns())  # type: ignore[attr-defined]  # add_pipe is typed as Pipe
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = PIPELINE_VERSION
    nlp.meta["description"] = (
        "Blank English tokenizer, lookup lemmatizer (spacy-lookups-data) and DATE EntityRuler patterns "
        "for incident dates. Built locally by bot.nlp.build_spacy."
    )
    nlp.meta["mediation_fingerprint"] = fingerprint()
    return nlp


def build(outdir: Optional[Path | str] = None, *, force: bool = False) -> Path:
    """Build the pipeline into `outdir` unless it is already current. Returns the folder."""
    outdir = Path(outdir) if outdir else default_outdir()
    if not force and is_current(outdir):
        log.debug("spaCy pipeline at %s is current", outdir)
        return outdir
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.build-", dir=outdir.parent))
    try:
        make_pipeline().to_disk(staging)
        retired = None
        if outdir.exists():
            retired = outdir.parent / f".{outdir.name}.old-{os.getpid()}"
            os.replace(outdir, retired)
        try:
            os.replace(staging, outdir)
        except OSError:
            if outdir.exists() and is_current(outdir):  # another process won the race with the same build
                shutil.rmtree(staging, ignore_errors=True)
            else:
                raise
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    log.info("Built spaCy pipeline %s into %s", PIPELINE_NAME, outdir)
    return outdir


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.nlp.build_spacy", description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", help=f"target folder (default: {default_outdir()})")
    parser.add_argument("--force", action="store_true", help="rebuild even if the folder is current")
    args = parser.parse_args(argv)
    outdir = Path(args.outdir) if args.outdir else default_outdir()
    was_current = not args.force and is_current(outdir)
    build(outdir, force=args.force)
    print(f"spaCy pipeline {PIPELINE_NAME}: {'up to date' if was_current else 'built'} at {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
