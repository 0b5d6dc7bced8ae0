"""Rasa SDK actions. They only translate between Rasa (slots, events, messages) and the rules in `bot/`.

Split by concern like financial-demo: answers, safety and fallback (`answers.py`), the eligibility check
(`eligibility.py`), the request form (`request_form.py`), submitting (`submit.py`), status look-up
(`status.py`); every form's validation shares one base class (`forms.py`) and the speaking helpers
(`common.py`).
"""

from bot.conversation.dates import warm_up
from bot.requests.outbox import start_background_delivery
from bot.settings import get_settings

# Read the settings now, so a production server without its encryption key refuses to start with a clear
# message, instead of failing at the first resident's submission.
settings = get_settings()

from actions import answers, eligibility, request_form, status, submit  # noqa: E402,F401  (registers actions)

# Load the spaCy pipeline (dates in residents' words) now, not during the first resident's date question.
warm_up()

if settings.background_delivery:
    # Requests spooled while the database was down are delivered as soon as it is back.
    start_background_delivery(interval_seconds=settings.delivery_interval_seconds)
