"""New-request notice to staff by email.

Why: staff must learn quickly that a resident asked for mediation, but email is not a safe place for
personal data (it is copied to phones, archives and third-party servers). The notice therefore carries
only the request reference and a link to the dashboard, where access is authenticated and audited.

Sending is best effort: a failing mail server must never lose or delay the request itself, so this
function never raises; it returns False and logs the error class (never the message body).
"""

from __future__ import annotations

import logging
import smtplib
import socket
from email.message import EmailMessage

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10


def build_notice(reference: str, settings) -> EmailMessage:
    """The notice email: reference and dashboard link only, no personal data."""
    link = f"{settings.staff_base_url}/requests/{reference}"
    msg = EmailMessage()
    msg["Subject"] = f"New mediation request {reference}"
    msg["From"] = settings.smtp_from
    msg["To"] = ", ".join(settings.staff_notify_to)
    msg.set_content(
        "A new mediation request has arrived.\n\n"
        f"Reference: {reference}\n"
        f"Open it in the staff dashboard (sign-in required): {link}\n\n"
        "This email intentionally contains no personal details.\n"
    )
    return msg


def notify_new_request(reference: str, settings) -> bool:
    """Email staff that request `reference` arrived. Returns True when the mail server accepted it.

    Off (returns False) when SMTP_HOST or STAFF_NOTIFY_TO is unset. Never raises.
    """
    try:
        if not settings.smtp_host or not settings.staff_notify_to:
            return False
        msg = build_notice(reference, settings)
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls()
                smtp.ehlo()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(msg)
        log.info("New-request notice sent for %s", reference)
        return True
    except (smtplib.SMTPException, OSError, socket.timeout, ValueError) as exc:
        log.warning("New-request notice for %s not sent: %s", reference, type(exc).__name__)
        return False
    except Exception as exc:  # noqa: BLE001 - a notice must never break filing a request
        log.error("New-request notice for %s failed unexpectedly: %s", reference, type(exc).__name__)
        return False
