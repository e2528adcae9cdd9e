"""Rights: an operator may do an action in an area when one of their roles grants it."""

from __future__ import annotations

from chalicelib.auth.model import ACTIONS, AREAS, Operator, OperatorCaller, Right, Role, all_rights


def caller(*roles: Role, active: bool = True) -> OperatorCaller:
    return OperatorCaller(Operator("demo", "jo", "Jo", [r.name for r in roles], active), list(roles))


def test_a_role_grants_only_the_actions_it_lists():
    role = Role("sales", {"orders": ["read", "modify"]})

    assert role.grants(Right("orders", "read"))
    assert not role.grants(Right("orders", "delete"))
    assert not role.grants(Right("catalog", "read"))


def test_rights_of_several_roles_add_up_in_the_order_of_actions():
    jo = caller(Role("a", {"orders": ["modify"]}), Role("b", {"orders": ["read"], "catalog": ["execute"]}))

    assert jo.rights() == {"orders": ["read", "modify"], "catalog": ["execute"]}
    assert jo.may(Right("catalog", "execute"))


def test_an_inactive_operator_may_nothing():
    assert not caller(Role("admin", all_rights()), active=False).may(Right("orders", "read"))


def test_the_administrator_has_every_action_in_every_area():
    admin = caller(Role("administrator", all_rights()))

    assert all(admin.may(Right(area, action)) for area in AREAS for action in ACTIONS)


def test_an_operator_without_roles_may_nothing():
    assert not any(caller().may(Right(area, action)) for area in AREAS for action in ACTIONS)
