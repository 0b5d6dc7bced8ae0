"""Rasa SDK actions. They only translate between Rasa (slots, events, messages) and the rules in `bot/`.

Split by concern like financial-demo: answers, safety and fallback (`answers.py`), the eligibility check
(`eligibility.py`), the request form (`request_form.py`), submitting (`submit.py`), status lookup (`status.py`).
"""

import os

from bot.settings import get_settings

# Read the settings now, so a production server without its encryption key refuses to start with a clear
# message, instead of failing at the first resident's submission.
get_settings()

from actions import answers, eligibility, request_form, status, submit  # noqa: E402,F401  (registers actions)
from bot.nlp import load_pipeline  # noqa: E402

# Load the spaCy pipeline (dates in residents' words) now, not during the first resident's date question.
load_pipeline()

if os.environ.get("MEDIATION_BACKGROUND_DELIVERY") == "1":
    # Requests spooled while the database was down are delivered as soon as it is back.
    from bot.requests.outbox import start_background_delivery

    start_background_delivery(interval_seconds=float(os.environ.get("MEDIATION_DELIVERY_INTERVAL", "30")))
