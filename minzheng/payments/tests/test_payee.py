"""发放账户: validated input, one active account per holder, replacement in one step, masked audit rows."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from minzheng.audit.models import Event
from minzheng.core.errors import ApplicationError, PermissionDeniedError
from minzheng.payments.enums import AccountKind
from minzheng.payments.models import PayeeAccount
from minzheng.payments.payee import (
    PayeeAccountForm,
    clean_account_number,
    luhn_valid,
    payee_account_create,
    payee_account_deactivate,
    payee_account_replace,
)
from minzheng.payments.tests.factories import card_number, luhn_complete, make_account
from minzheng.testing import factories as f


def create(user, person, **overrides):
    kwargs = {"kind": AccountKind.SOCIAL_SECURITY_CARD, "bank_code": "HNRCB", "bank_name": "淮南农商银行",
              "account_number": card_number(), "holder_name": person.name, **overrides}
    return payee_account_create(acting_user=user, person=person, **kwargs)


def test_a_valid_card_is_registered_with_spaces_dropped(users):
    person = f.make_person(name="张三")
    number = card_number()
    spaced = " ".join(number[i:i + 4] for i in range(0, len(number), 4))
    account = create(users["village_a1"], person, account_number=spaced)
    account.refresh_from_db()
    assert account.account_number == number and account.is_active
    assert account.holder_id_number == person.id_number and account.person == person
    assert account.created_by == users["village_a1"] and account.verified_on is not None


def test_the_audit_event_holds_the_account_masked(users):
    person = f.make_person()
    number = card_number()
    account = create(users["village_a1"], person, account_number=number)
    event = Event.objects.get(action="payee_account.create", object_id=str(account.pk))
    assert event.after["account_number"] == "*" * (len(number) - 4) + number[-4:]
    assert number not in str(event.after) and person.id_number not in str(event.after)


@pytest.mark.parametrize(("kind", "number", "code"), [
    (AccountKind.SOCIAL_SECURITY_CARD, "62179900000000000", "payee_account_checksum"),
    (AccountKind.BANK_CARD, "6217 99AB 0000", "payee_account_digits"),
    (AccountKind.BANK_CARD, "62179900001", "payee_account_length"),
    (AccountKind.BANK_CARD, "62179900000000000000", "payee_account_length"),
    (AccountKind.PASSBOOK, "", "payee_account_required"),
])
def test_bad_account_numbers_are_refused(kind, number, code):
    bad = number if code != "payee_account_checksum" else _break_luhn(luhn_complete(number[:-1]))
    with pytest.raises(ApplicationError) as error:
        clean_account_number(bad, kind=kind)
    assert error.value.code == code and error.value.field == "account_number"


def _break_luhn(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def test_luhn_applies_to_cards_not_to_passbooks():
    passbook = "1234567890123"
    assert not luhn_valid(passbook)
    assert clean_account_number(passbook, kind=AccountKind.PASSBOOK) == passbook
    with pytest.raises(ApplicationError, match="校验位"):
        clean_account_number(passbook, kind=AccountKind.BANK_CARD)
    assert clean_account_number(luhn_complete("62220212345678"), kind=AccountKind.BANK_CARD)


def test_the_holder_name_must_be_the_registry_name(users):
    person = f.make_person(name="张三")
    with pytest.raises(ApplicationError) as error:
        create(users["village_a1"], person, holder_name="张叁")
    assert error.value.message == "户名与人员库姓名不一致" and error.value.field == "holder_name"
    assert not PayeeAccount.objects.exists()


def test_a_person_outside_the_users_area_is_refused(users):
    person = f.make_person(area=f.VILLAGE_A1)
    with pytest.raises(ApplicationError) as error:
        create(users["village_b1"], person)
    assert error.value.code == "payee_account_scope"
    with pytest.raises(PermissionDeniedError):
        create(users["district_approver"], person)


def test_a_dead_person_gets_no_account(users):
    import datetime as dt

    person = f.make_person(death_date=dt.date(2025, 1, 1))
    with pytest.raises(ApplicationError, match="死亡"):
        create(users["village_a1"], person)


def test_a_second_active_account_is_refused_by_the_action_and_the_database(users):
    person = f.make_person()
    first = create(users["village_a1"], person)
    with pytest.raises(ApplicationError) as error:
        create(users["village_a1"], person)
    assert error.value.code == "payee_account_exists" and first.masked_account in error.value.message
    with pytest.raises(IntegrityError), transaction.atomic():
        make_account(person)


def test_one_card_cannot_receive_for_two_people(users):
    number = card_number()
    create(users["village_a1"], f.make_person(name="张三"), account_number=number)
    with pytest.raises(ApplicationError) as error:
        create(users["village_a1"], f.make_person(name="李四"), account_number=number)
    assert error.value.code == "payee_account_shared"


def test_replace_deactivates_the_old_account_and_creates_the_new_one(users):
    person = f.make_person(name="王五")
    old = create(users["town_a"], person)
    new_number = card_number()
    new = payee_account_replace(acting_user=users["town_a"], account=old, kind=AccountKind.BANK_CARD,
                                bank_code="HNRCB", bank_name="淮南农商银行", account_number=new_number,
                                holder_name="王五", reason="原卡丢失")
    old.refresh_from_db()
    assert not old.is_active and "原卡丢失" in old.note
    assert new.is_active and new.account_number == new_number and new.kind == AccountKind.BANK_CARD
    assert PayeeAccount.objects.filter(holder_id_bidx=old.holder_id_bidx, is_active=True).get() == new
    assert Event.objects.filter(action="payee_account.disable", object_id=str(old.pk)).exists()
    event = Event.objects.get(action="payee_account.create", object_id=str(new.pk))
    assert new_number not in str(event.after) and new_number not in event.note


def test_a_failed_replacement_leaves_the_old_account_active(users):
    person = f.make_person(name="王五")
    old = create(users["town_a"], person)
    with pytest.raises(ApplicationError):
        payee_account_replace(acting_user=users["town_a"], account=old, kind=AccountKind.BANK_CARD,
                              bank_code="HNRCB", bank_name="淮南农商银行", account_number="123",
                              holder_name="王五")
    old.refresh_from_db()
    assert old.is_active and PayeeAccount.objects.count() == 1


def test_deactivate_needs_a_reason_and_is_audited(users):
    account = create(users["village_a1"], f.make_person())
    with pytest.raises(ApplicationError, match="停用原因"):
        payee_account_deactivate(acting_user=users["village_a1"], account=account, reason=" ")
    payee_account_deactivate(acting_user=users["village_a1"], account=account, reason="银行卡已销户")
    account.refresh_from_db()
    assert not account.is_active
    event = Event.objects.get(action="payee_account.disable", object_id=str(account.pk))
    assert event.before["is_active"] is True and event.after["is_active"] is False
    assert account.account_number not in str(event.before) + str(event.after)
    with pytest.raises(ApplicationError, match="已停用"):
        payee_account_deactivate(acting_user=users["village_a1"], account=account, reason="再次")


def test_the_form_resolves_the_person_and_gives_the_action_its_arguments(users):
    person = f.make_person(name="赵六")
    form = PayeeAccountForm({"person": person.id_number, "kind": "ssc", "bank_code": "HNRCB",
                             "bank_name": "淮南农商银行", "account_number": card_number(), "holder_name": "赵六"},
                            user=users["village_a1"])
    assert form.is_valid(), form.errors
    assert form.cleaned_data["person"] == person
    account = payee_account_create(acting_user=users["village_a1"], **form.cleaned_data)
    assert account.person == person


def test_the_form_reports_each_problem_in_chinese(users):
    person = f.make_person(name="赵六", area=f.VILLAGE_B1)
    form = PayeeAccountForm({"person": person.id_number, "kind": "bank_card", "bank_code": "HNRCB",
                             "bank_name": "淮南农商银行", "account_number": "6217 99x", "holder_name": "赵七"},
                            user=users["village_a1"])
    assert not form.is_valid()
    assert "不在您的管辖范围内" in form.errors["person"][0]
    assert form.errors["account_number"] == ["账号只能包含数字"]
    fixed = PayeeAccountForm({"kind": "ssc", "bank_code": "HNRCB", "bank_name": "淮南农商银行",
                              "account_number": card_number(), "holder_name": "赵七"}, user=users["village_b1"],
                             person=person)
    assert not fixed.is_valid() and fixed.errors["holder_name"] == ["户名与人员库姓名不一致"]


def test_deactivating_another_areas_account_is_refused(users):
    account = create(users["village_a1"], f.make_person(area=f.VILLAGE_A1))
    with pytest.raises(ApplicationError) as error:
        payee_account_deactivate(acting_user=users["village_b1"], account=account, reason="测试")
    assert error.value.code == "payee_account_scope"
    account.refresh_from_db()
    assert account.is_active
