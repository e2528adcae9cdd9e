"""Make the app's sender a verified SES identity on the local moto server (moto refuses others)."""

from __future__ import annotations

from email.utils import parseaddr


def verify_sender(endpoint_url: str | None, region: str, sender: str) -> None:
    """Verify `sender` ("tickets@x" or "Box office <tickets@x>") in moto's SES; safe to call again.

    Call once the moto server is up: LocalStack.start() after self.moto.start(), e.g.
    `verify_sender(self.moto_endpoint, REGION, settings().mail_from)` once the environment is applied.
    """
    import boto3

    _, address = parseaddr(sender)
    if not address:
        raise ValueError(f"The mail sender {sender!r} holds no email address")
    # SES v1's VerifyEmailIdentity is idempotent (v2's CreateEmailIdentity says AlreadyExists);
    # both share moto's one SES backend, which v2's SendEmail checks.
    client = boto3.client("ses", region_name=region, endpoint_url=endpoint_url)
    client.verify_email_identity(EmailAddress=address)
