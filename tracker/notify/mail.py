"""Send e-mail through the configured SMTP server (standard library, no hidden queue)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send one plain-text message; return False (and log why) if it could not be sent."""
    config = current_app.config
    if not mail_enabled():
        return False
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with smtp_class(config["MAIL_SERVER"], int(config["MAIL_PORT"]),
                        timeout=config["MAIL_TIMEOUT"]) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("e-mail to %s not sent: %s", to, error)
        return False
    return True
