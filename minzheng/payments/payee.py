"""发放账户: the 一卡通 account a person is paid into, registered, replaced and deactivated here only.

One active account per holder (a database constraint on the holder's ID-number index); a replacement deactivates
the old account and creates the new one in one transaction. The account number is encrypted at rest and masked in
every page and audit row (``audit.actions.snapshot`` masks encrypted fields).
"""

from __future__ import annotations

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone

from minzheng.accounts.permissions import Perm, require
from minzheng.audit.actions import record_event, snapshot
from minzheng.core import crypto
from minzheng.core.errors import ApplicationError
from minzheng.payments.enums import AccountKind
from minzheng.payments.models import PayeeAccount

_FIELDS = ["holder_name", "holder_id_number", "kind", "bank_code", "bank_name", "account_number", "is_active",
           "note"]
CARD_LENGTH = (12, 19)
PASSBOOK_LENGTH = (8, 30)
LUHN_KINDS = frozenset({AccountKind.SOCIAL_SECURITY_CARD, AccountKind.BANK_CARD})


def _error(code: str, message: str, field: str | None = None) -> ApplicationError:
    return ApplicationError(code, message, field=field)


def _luhn_sum(digits: str, *, double_first: bool) -> int:
    """The Luhn sum from the right; the rightmost digit is doubled when computing a check digit."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        digit = int(ch)
        if (i % 2 == 0) == double_first:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total


def luhn_valid(number: str) -> bool:
    return _luhn_sum(number, double_first=False) % 10 == 0


def luhn_complete(prefix: str) -> str:
    """``prefix`` plus its Luhn check digit (how bank card numbers end)."""
    return prefix + str((10 - _luhn_sum(prefix, double_first=True) % 10) % 10)


def clean_account_number(raw: str, *, kind: str) -> str:
    """The account number as digits only, or an error saying what is wrong with it."""
    number = "".join((raw or "").split())
    if not number:
        raise _error("payee_account_required", "请填写账号", "account_number")
    if not number.isdigit():
        raise _error("payee_account_digits", "账号只能包含数字", "account_number")
    low, high = PASSBOOK_LENGTH if kind == AccountKind.PASSBOOK else CARD_LENGTH
    if not low <= len(number) <= high:
        kind_label = AccountKind(kind).label if kind in AccountKind.values else "账号"
        raise _error("payee_account_length", f"{kind_label}账号应为 {low}–{high} 位数字（当前 {len(number)} 位）",
                     "account_number")
    if kind in LUHN_KINDS and not luhn_valid(number):
        raise _error("payee_account_checksum", "账号校验位不正确，请核对卡号是否抄错", "account_number")
    return number


def _clean(*, person, kind: str, bank_code: str, bank_name: str, account_number: str,
           holder_name: str) -> dict:
    if kind not in AccountKind.values:
        raise _error("payee_account_kind", "账户类型无效", "kind")
    holder_name = "".join((holder_name or "").split())
    if not holder_name:
        raise _error("payee_account_holder", "请填写户名", "holder_name")
    if holder_name != person.name:
        raise _error("payee_account_name_mismatch", "户名与人员库姓名不一致", "holder_name")
    bank_code, bank_name = (bank_code or "").strip(), (bank_name or "").strip()
    if not bank_code:
        raise _error("payee_account_bank_code", "请填写代发银行代码", "bank_code")
    if not bank_name:
        raise _error("payee_account_bank_name", "请填写代发银行名称", "bank_name")
    return {"kind": kind, "bank_code": bank_code[:16], "bank_name": bank_name[:64], "holder_name": holder_name,
            "account_number": clean_account_number(account_number, kind=kind)}


def _check_person(acting_user, person) -> None:
    require(acting_user, Perm.PAYEE_ACCOUNT_EDIT)
    prefix = acting_user.area_prefix
    if not (person.hukou_area_id.startswith(prefix) or (person.residence_area_id or "").startswith(prefix)):
        raise _error("payee_account_scope", "该人员不在您的管辖范围内，不能登记发放账户", "person")
    if person.death_date is not None:
        raise _error("payee_account_dead", "该人员已登记死亡，不能登记发放账户", "person")


def _check_account_free(number: str, *, holder_bidx: str, exclude_pk=None) -> None:
    """One card must not receive for two people: a shared account is how benefits are diverted."""
    others = (PayeeAccount.objects.filter(account_bidx=crypto.blind_index(number, purpose="bank_account"),
                                          is_active=True).exclude(holder_id_bidx=holder_bidx))
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise _error("payee_account_shared", "该账号已登记为其他人员的有效发放账户，不能重复登记", "account_number")


def active_account_for(person) -> PayeeAccount | None:
    return PayeeAccount.objects.filter(holder_id_bidx=crypto.blind_index(person.id_number, purpose="id_number"),
                                       is_active=True).first()


def _create(acting_user, person, data: dict, *, note: str = "") -> PayeeAccount:
    try:
        with transaction.atomic():
            return PayeeAccount.objects.create(
                person=person, holder_id_number=person.id_number, verified_on=timezone.localdate(),
                created_by=acting_user, note=note[:200], **data)
    except IntegrityError as exc:
        raise _error("payee_account_exists", "该人员已有有效发放账户，请使用“更换账户”", "account_number") from exc


def payee_account_create(*, acting_user, person, kind: str, bank_code: str, bank_name: str, account_number: str,
                         holder_name: str, note: str = "") -> PayeeAccount:
    """Register a person's first (or next, after deactivation) account."""
    _check_person(acting_user, person)
    data = _clean(person=person, kind=kind, bank_code=bank_code, bank_name=bank_name,
                  account_number=account_number, holder_name=holder_name)
    current = active_account_for(person)
    if current is not None:
        raise _error("payee_account_exists",
                     f"该人员已有有效发放账户（{current.bank_name} {current.masked_account}），请使用“更换账户”",
                     "account_number")
    holder_bidx = crypto.blind_index(person.id_number, purpose="id_number")
    _check_account_free(data["account_number"], holder_bidx=holder_bidx)
    with transaction.atomic():
        account = _create(acting_user, person, data, note=note)
        record_event(actor=acting_user, action="payee_account.create", obj=account,
                     area_code=person.hukou_area_id, after=snapshot(account, _FIELDS))
    return account


def payee_account_replace(*, acting_user, account: PayeeAccount, kind: str, bank_code: str, bank_name: str,
                          account_number: str, holder_name: str, reason: str = "") -> PayeeAccount:
    """Deactivate the current account and register the new one, atomically (换卡, 销户后重新开户)."""
    if account.person is None:
        raise _error("payee_account_no_person", "该账户未关联人员库记录，不能在此更换")
    person = account.person
    _check_person(acting_user, person)
    if not account.is_active:
        raise _error("payee_account_inactive", "该账户已停用，请登记新账户")
    data = _clean(person=person, kind=kind, bank_code=bank_code, bank_name=bank_name,
                  account_number=account_number, holder_name=holder_name)
    if data["account_number"] == account.account_number and data["bank_code"] == account.bank_code:
        raise _error("payee_account_same", "新账号与原账号相同，无需更换", "account_number")
    _check_account_free(data["account_number"], holder_bidx=account.holder_id_bidx, exclude_pk=account.pk)
    reason = (reason or "").strip()
    with transaction.atomic():
        before = snapshot(account, _FIELDS)
        account.is_active = False
        account.note = (f"已更换：{reason}" if reason else "已更换为新账户")[:200]
        account.save(update_fields=["is_active", "note", "updated_at"])
        record_event(actor=acting_user, action="payee_account.disable", obj=account, area_code=person.hukou_area_id,
                     before=before, after=snapshot(account, _FIELDS), note=reason)
        new = _create(acting_user, person, data, note=reason)
        record_event(actor=acting_user, action="payee_account.create", obj=new, area_code=person.hukou_area_id,
                     after=snapshot(new, _FIELDS), note=f"更换原账户 {account.masked_account}")
    return new


def payee_account_deactivate(*, acting_user, account: PayeeAccount, reason: str) -> PayeeAccount:
    """Stop paying into the account (card lost, account closed, holder died); lines without one are held."""
    from minzheng.payments.selectors import account_scope

    require(acting_user, Perm.PAYEE_ACCOUNT_EDIT)
    if account.person is not None:
        prefix = acting_user.area_prefix
        person = account.person
        in_area = person.hukou_area_id.startswith(prefix) or (person.residence_area_id or "").startswith(prefix)
    else:
        # A holder outside the registry is seen by the area of the lines that paid them.
        in_area = account_scope(acting_user).filter(pk=account.pk).exists()
    if not in_area:
        raise _error("payee_account_scope", "该账户不在您的管辖范围内，不能停用")
    reason = (reason or "").strip()
    if not reason:
        raise _error("payee_account_reason", "请填写停用原因", "reason")
    if not account.is_active:
        raise _error("payee_account_inactive", "该账户已停用")
    area_code = account.person.hukou_area_id if account.person else ""
    with transaction.atomic():
        before = snapshot(account, _FIELDS)
        account.is_active = False
        account.note = f"停用：{reason}"[:200]
        account.save(update_fields=["is_active", "note", "updated_at"])
        record_event(actor=acting_user, action="payee_account.disable", obj=account, area_code=area_code,
                     before=before, after=snapshot(account, _FIELDS), note=reason)
    return account


# --- Form ----------------------------------------------------------------------------------------------------

_INPUT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


def person_for_account(user, id_number: str):
    """The registry person with this ID number in the user's area (hukou or residence), or an error."""
    from django.db.models import Q

    from minzheng.core.identifiers import IdNumberError, parse_id_number
    from minzheng.registry.models import Person

    try:
        number = parse_id_number(id_number).number
    except IdNumberError as exc:
        raise _error(exc.code, exc.message, "person") from exc
    prefix = user.area_prefix
    person = (Person.objects.by_id_number(number)
              .filter(Q(hukou_area__code__startswith=prefix) | Q(residence_area__code__startswith=prefix)).first())
    if person is None:
        raise _error("payee_account_person", "人员库中没有该身份证号码的人员，或不在您的管辖范围内", "person")
    return person


class PayeeAccountForm(forms.Form):
    """Account input. ``cleaned_data`` holds exactly the keyword arguments of ``payee_account_create``
    (``person`` resolved from the typed ID number within the user's area); given ``person=`` or ``account=``
    (a replacement) the person field is dropped and ``action_kwargs()`` gives the arguments. The action checks
    everything again, so a view maps ``ApplicationError.field`` back onto the form (``apply_error``)."""

    person = forms.CharField(label="领款人身份证号码", max_length=20, help_text="须为人员库中本辖区的人员",
                             widget=forms.TextInput(attrs={**_INPUT, "autocomplete": "off"}))
    kind = forms.ChoiceField(label="账户类型", choices=AccountKind.choices, initial=AccountKind.SOCIAL_SECURITY_CARD,
                             widget=forms.Select(attrs=_SELECT))
    bank_code = forms.CharField(label="代发银行代码", max_length=16, initial="HNRCB",
                                widget=forms.TextInput(attrs=_INPUT))
    bank_name = forms.CharField(label="代发银行", max_length=64, initial="淮南农商银行",
                                widget=forms.TextInput(attrs=_INPUT))
    account_number = forms.CharField(label="账号", max_length=40,
                                     help_text="社会保障卡或银行卡卡号（12–19位）、存折账号，可含空格",
                                     widget=forms.TextInput(attrs={**_INPUT, "autocomplete": "off",
                                                                   "inputmode": "numeric"}))
    holder_name = forms.CharField(label="户名", max_length=64, help_text="须与人员库姓名一致",
                                  widget=forms.TextInput(attrs=_INPUT))
    note = forms.CharField(label="备注", max_length=200, required=False, help_text="更换账户时请填写更换原因",
                           widget=forms.TextInput(attrs=_INPUT))

    def __init__(self, *args, user, person=None, account: PayeeAccount | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fixed_person = person or (account.person if account is not None else None)
        if person is not None or account is not None:
            del self.fields["person"]
        if self.fixed_person is not None and not self.is_bound:
            self.initial.setdefault("holder_name", self.fixed_person.name)
        if account is not None and not self.is_bound:
            self.initial.update({"kind": account.kind, "bank_code": account.bank_code, "bank_name": account.bank_name})

    def clean_person(self):
        try:
            return person_for_account(self.user, self.cleaned_data["person"])
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error

    def clean(self):
        data = super().clean()
        if "kind" in data and "account_number" in data:
            try:
                data["account_number"] = clean_account_number(data["account_number"], kind=data["kind"])
            except ApplicationError as error:
                self.add_error("account_number", error.message)
        person = data.get("person") or self.fixed_person
        if person is not None and data.get("holder_name") and "".join(data["holder_name"].split()) != person.name:
            self.add_error("holder_name", "户名与人员库姓名不一致")
        return data

    def action_kwargs(self) -> dict:
        """Keyword arguments for ``payee_account_replace`` (no person, the note as the reason)."""
        data = self.cleaned_data
        kwargs = {key: data[key] for key in ("kind", "bank_code", "bank_name", "account_number", "holder_name")}
        kwargs["reason"] = data.get("note", "")
        return kwargs

    def apply_error(self, error: ApplicationError) -> None:
        """Show an action's error on its field (or above the form)."""
        self.add_error(error.field if error.field in self.fields else None, error.message)
