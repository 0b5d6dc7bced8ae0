"""Quality gates on the trained model: held-out NLU accuracy and the test conversations.

Why: a model can pass every unit test and still misunderstand residents. These run `rasa test` itself on the
model `make test` trained, with examples that are NOT in the training data (tests/nlu_holdout/).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT
from tests.support.stack import MODEL

pytestmark = pytest.mark.rasa
RASA = str(Path(sys.executable).parent / "rasa")
HOLDOUT_ACCURACY = 0.95


def _rasa(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([RASA, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


def test_holdout_intent_accuracy(tmp_path):
    out = tmp_path / "nlu"
    result = _rasa("test", "nlu", "--model", str(MODEL), "--nlu", "tests/nlu_holdout", "--out", str(out), "--no-plot")
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((out / "intent_report.json").read_text())
    errors = json.loads((out / "intent_errors.json").read_text()) if (out / "intent_errors.json").exists() else []
    accuracy = report["accuracy"]
    misses = "\n".join(f"  {e['text']!r}: expected {e['intent']}, got {e['intent_prediction']['name']}" for e in errors)
    print(f"holdout intent accuracy {accuracy:.4f} over {int(report['weighted avg']['support'])} examples")
    assert accuracy >= HOLDOUT_ACCURACY, f"accuracy {accuracy:.3f} < {HOLDOUT_ACCURACY}\n{misses}"


def test_conversation_stories(stack, tmp_path):
    out = tmp_path / "core"
    result = _rasa(
        "test",
        "core",
        "--model",
        str(MODEL),
        "--stories",
        "tests/stories",
        "--endpoints",
        "endpoints.yml",
        "--out",
        str(out),
        "--fail-on-prediction-errors",
        "--no-plot",
        env=stack.env,
    )
    failed = out / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, (result.stdout[-2000:] + result.stderr[-3000:] + details)[-6000:]
