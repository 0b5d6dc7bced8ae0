"""`make` must find a Python 3.10 by itself, or stop with a message that says how to install one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support import ROOT

SCRIPT = ROOT / "scripts" / "find-python310.sh"


def run(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


def test_an_override_that_is_not_3_10_is_refused(tmp_path):
    result = run({"PATH": "/usr/bin:/bin", "PYTHON310": "/bin/true", "HOME": str(tmp_path)})
    assert result.returncode == 1 and "not a working Python 3.10" in result.stderr


def test_without_any_3_10_the_message_says_how_to_install_one(tmp_path):
    result = run({"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "none")})
    if result.returncode == 0:  # this machine has a system python3.10: it must really be 3.10
        found = subprocess.run([result.stdout.strip(), "--version"], capture_output=True, text=True)
        assert "3.10" in found.stdout
    else:
        assert "pyenv install 3.10" in result.stderr and "PYTHON310=" in result.stderr


def test_pyenv_versions_are_found():
    result = run({"PATH": "/usr/bin:/bin", "HOME": str(Path.home())})
    assert result.returncode == 0, result.stderr
    version = subprocess.run(
        [result.stdout.strip(), "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True
    ).stdout
    assert version.strip() == "(3, 10)"
    assert sys.version_info[:2] == (3, 10)  # and the test suite itself runs on it
