"""Sending a report by e-mail through the SMTP server named in the settings."""

import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

from recovery.settings import SmtpSettings


class MailNotConfigured(Exception):
    def __init__(self, job: str):
        super().__init__(
            f"job {job!r} has email_to but no mail server is set: add [smtp] host (and port) "
            "to the config, or RECOVERY_SMTP__HOST to the environment"
        )


class MailNotSent(Exception):
    def __init__(self, smtp: SmtpSettings, error: Exception):
        super().__init__(
            f"could not send the report through {smtp.host}:{smtp.port}: {error}. "
            "Check the [smtp] settings (host, port, starttls, ssl, username, password)."
        )


def report_message(
    smtp: SmtpSettings, to: list[str], subject: str, body: str, attachment: Path
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message.set_content(body)
    message.add_attachment(
        attachment.read_bytes(), maintype="application", subtype="pdf", filename=attachment.name
    )
    return message


def send(smtp: SmtpSettings, message: EmailMessage) -> None:
    try:
        if smtp.ssl:
            client = smtplib.SMTP_SSL(
                smtp.host,
                smtp.port,
                timeout=smtp.timeout_seconds,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds)
        with client:
            if smtp.starttls:
                client.starttls(context=ssl.create_default_context())
            if smtp.username:
                password = smtp.password.get_secret_value() if smtp.password else ""
                client.login(smtp.username, password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotSent(smtp, error) from error
