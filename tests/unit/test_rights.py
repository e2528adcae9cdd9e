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


def test_an_operator_holds_all_of_a_set_of_rights_only_if_each_is_theirs():
    jo = caller(Role("sales", {"orders": ["read", "modify"]}))

    assert jo.holds_all({"orders": ["read"]})
    assert jo.holds_all({})
    assert not jo.holds_all({"orders": ["read", "delete"]})
    assert not jo.holds_all({"catalog": ["read"]})


def test_an_administrator_is_an_active_operator_with_the_administrator_role():
    assert caller(Role("administrator", all_rights())).is_administrator
    assert not caller(Role("administrator", all_rights()), active=False).is_administrator
    assert not caller(Role("everything", all_rights())).is_administrator


def test_an_operator_selling_through_the_shop_owns_carts_under_an_id_of_their_own():
    assert caller().buyer_id == "operator-jo"
