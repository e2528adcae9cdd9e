"""A shopper account through the shop API: register (answered 202 either way), then log in."""

from __future__ import annotations


def shopper_token(api, org_id: str, email: str, name: str, password: str) -> str:
    registered = api.call(
        "POST", f"/shop/{org_id}/account", {"email": email, "name": name, "password": password}
    )
    assert registered.status_code == 202, registered.json_body
    session = api.call("POST", f"/shop/{org_id}/account/login", {"email": email, "password": password})
    assert session.status_code == 200, session.json_body
    return session.json_body["token"]


def link_relay(org_id: str, email: str, contact_id: str) -> None:
    """The account with this e-mail, verified, acts for the relay contact (as an accepted invitation does);
    an account is opened first if none has the e-mail."""
    from chalicelib.auth import relays, repository
    from chalicelib.auth import service as auth

    found = repository.find_shopper_by_email(org_id, email)
    if found is None:
        shopper = auth.register_shopper(org_id, email, "Relay", "relay-password-1")[2]
    else:
        shopper = found[0]
        repository.mark_email_verified(org_id, shopper.shopper_id)
    relays.link(org_id, shopper.shopper_id, contact_id)
