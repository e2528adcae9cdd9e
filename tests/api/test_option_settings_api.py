"""Option settings and customers through the back-office: company types, companies, contacts, option
limitation tables and seat option profiles, with their rules and rights."""

from __future__ import annotations


def create(api, token, plural: str, body: dict) -> dict:
    response = api.call("POST", f"/backoffice/{plural}", body, token=token)
    assert response.status_code == 201, response.json_body
    return response.json_body


def test_companies_contacts_and_option_settings_reference_each_other(api):
    admin = api.login()
    school = create(api, admin, "company-types", {"code": "SCHOOL", "name": "School"})
    lycee = create(
        api, admin, "companies", {"code": "LYC", "name": "Lycée Hugo", "company_type_id": school["id"]}
    )
    relay = create(
        api,
        admin,
        "contacts",
        {
            "code": "C1",
            "name": "Anne Prof",
            "email": "anne@lycee.example",
            "company_id": lycee["id"],
            "relay": True,
        },
    )
    assert relay["relay"] is True
    cap = {
        "code": "SCHOOLS",
        "name": "Schools",
        "company_type_ids": [school["id"]],
        "max_places_per_option": 60,
    }
    assert create(api, admin, "option-limitations", cap)["max_places_per_option"] == 60
    channel = create(api, admin, "sales-channels", {"code": "PRO", "name": "Pro", "type": "internet_company"})
    profile = {
        "code": "GROUPS",
        "name": "Groups",
        "channel_ids": [channel["id"]],
        "starts_on": "2026-09-01",
        "ends_on": "2027-06-30",
        "minimum_quantity": 5,
        "validated": True,
    }
    assert create(api, admin, "seat-option-profiles", profile)["minimum_quantity"] == 5
    # a company type in use cannot go
    assert api.call("DELETE", f"/backoffice/company-types/{school['id']}", token=admin).status_code == 409


def test_option_settings_are_checked_field_by_field(api):
    admin = api.login()
    relay_without_company = {"code": "C1", "name": "A", "email": "a@b.example", "relay": True}
    response = api.call("POST", "/backoffice/contacts", relay_without_company, token=admin)
    assert response.status_code == 422 and "company_id" in response.json_body["message"]
    bad_email = {"code": "C2", "name": "A", "email": "not-an-email"}
    assert api.call("POST", "/backoffice/contacts", bad_email, token=admin).status_code == 422
    unknown_channel = {
        "code": "P",
        "name": "P",
        "channel_ids": ["nope"],
        "starts_on": "2026-09-01",
        "ends_on": "2026-08-01",
    }
    response = api.call("POST", "/backoffice/seat-option-profiles", unknown_channel, token=admin)
    assert response.status_code == 422 and "ends_on" in response.json_body["message"]
    unknown_channel["ends_on"] = "2026-10-01"
    response = api.call("POST", "/backoffice/seat-option-profiles", unknown_channel, token=admin)
    assert response.status_code == 422 and response.json_body["details"]["field"] == "channel_ids"


def test_option_settings_need_options_rights_and_contacts_need_contacts_rights(api):
    admin = api.login()
    api.call(
        "POST", "/backoffice/roles", {"name": "cat", "rights": {"catalog": ["read", "create"]}}, token=admin
    )
    body = {"login": "cat", "name": "Cat", "password": "cat-password", "roles": ["cat"]}
    api.call("POST", "/backoffice/operators", body, token=admin)
    cat = api.login("cat", "cat-password")
    assert api.call("GET", "/backoffice/seat-option-profiles", token=cat).status_code == 403
    assert (
        api.call("POST", "/backoffice/company-types", {"code": "X", "name": "X"}, token=cat).status_code
        == 403
    )
    season = {
        "code": "S",
        "name": "S",
        "starts_on": "2026-09-01",
        "ends_on": "2027-07-01",
        "options_allowed": False,
    }
    assert (
        api.call("POST", "/backoffice/seasons", season, token=cat).json_body["options_allowed"]
        is False
    )
