"""`python -m bot.rasa_plugins.server run ...`: Rasa's own command line, prepared the way this project needs.

Why an entry point of our own: two things must hold for every Rasa process whatever its configuration —
telemetry is off (nothing leaves the machine) and the measured speed-up (`speedups`) is applied or loudly
not applied — and neither may depend on which tracker store or channel happens to import our code first.
Every launcher (`make run`, the tests, the benchmark) starts Rasa through here.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Optional, Sequence

from bot.rasa_plugins import speedups


def prepare() -> bool:
    """Telemetry off, the speed-up applied; returns whether the speed-up is active."""
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-8s %(name)s  - %(message)s"))
    speedups.log.addHandler(handler)  # Rasa configures logging only later, inside its main()
    speedups.log.setLevel(logging.INFO)
    speedups.log.propagate = False
    return speedups.apply()


def main(argv: Optional[Sequence[str]] = None) -> None:
    prepare()
    from rasa.__main__ import main as rasa_main  # noqa: PLC0415 - only after telemetry is switched off

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
