"""Rasa SDK actions. They only translate between Rasa (slots, events, messages) and the rules in `bot/`.

Split by concern like financial-demo: answers, safety and fallback (`answers.py`), the eligibility check
(`eligibility.py`), the request form (`request_form.py`), submitting (`submit.py`), status lookup (`status.py`).
"""
import os

from actions import answers, eligibility, request_form, status, submit  # noqa: F401  (registers actions)

if os.environ.get("MEDIATION_BACKGROUND_DELIVERY") == "1":
    # Requests spooled while the database was down are delivered as soon as it is back.
    from bot.outbox import start_background_delivery

    start_background_delivery(interval_seconds=float(os.environ.get("MEDIATION_DELIVERY_INTERVAL", "30")))
