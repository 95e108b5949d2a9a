"""Password rules (等保三级): length, three of four character classes, not the username, no reuse of the last
passwords, no demo or default password outside the demo, and expiry. Validators are listed in
``AUTH_PASSWORD_VALIDATORS`` and read their parameters when they run (``minzheng.accounts.conf``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from minzheng.accounts import conf

CHARACTER_CLASSES = ("大写字母", "小写字母", "数字", "特殊符号")


def character_classes(password: str) -> set[str]:
    """The classes of characters in a password. Letters other than Latin ones (汉字) count as no class."""
    found = set()
    for char in password:
        if "A" <= char <= "Z":
            found.add("大写字母")
        elif "a" <= char <= "z":
            found.add("小写字母")
        elif "0" <= char <= "9":
            found.add("数字")
        elif not char.isalnum() and not char.isspace():
            found.add("特殊符号")
    return found


class MinimumLengthValidator:
    def validate(self, password: str, user=None) -> None:
        minimum = conf.password_min_length()
        if len(password) < minimum:
            raise ValidationError(f"密码长度不能少于{minimum}位", code="password_too_short")

    def get_help_text(self) -> str:
        return f"至少{conf.password_min_length()}位"


class CharacterClassValidator:
    def validate(self, password: str, user=None) -> None:
        needed = conf.password_min_classes()
        if len(character_classes(password)) < needed:
            raise ValidationError(f"密码须包含大写字母、小写字母、数字、特殊符号中的至少{needed}类",
                                  code="password_too_simple")

    def get_help_text(self) -> str:
        return f"包含大写字母、小写字母、数字、特殊符号中的至少{conf.password_min_classes()}类"


class NotUsernameValidator:
    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "username", "") or "").strip().lower()
        if username and username in password.lower():
            raise ValidationError("密码不能包含用户名", code="password_contains_username")

    def get_help_text(self) -> str:
        return "不能包含用户名"


def known_default_passwords() -> tuple[str, ...]:
    """Passwords that are published with the software: the demo district's."""
    from minzheng.demo.data import DEMO_PASSWORD

    return (DEMO_PASSWORD,)


class DefaultPasswordValidator:
    """Outside the demo, the published demo password is refused like any other well-known one."""

    def validate(self, password: str, user=None) -> None:
        if getattr(settings, "MINZHENG_DEMO", False):
            return
        if password in known_default_passwords():
            raise ValidationError("不能使用演示环境或默认密码", code="password_default")

    def get_help_text(self) -> str:
        return "不能使用演示环境或默认密码"


class PasswordHistoryValidator:
    """A new password may not be one of the last N: the current one and those kept in ``PasswordHistory``."""

    def validate(self, password: str, user=None) -> None:
        keep = conf.password_history()
        if keep <= 0 or user is None or getattr(user, "pk", None) is None:
            return
        from minzheng.accounts.models import PasswordHistory

        hashes = [user.password] if user.password else []
        hashes += list(PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-id")
                       .values_list("password", flat=True)[:keep])
        # check_password without a setter: a match must not rehash or save anything.
        if any(check_password(password, encoded) for encoded in dict.fromkeys(hashes)):
            raise ValidationError(f"新密码不能与最近{keep}次使用过的密码相同", code="password_reused")

    def get_help_text(self) -> str:
        return f"不能与最近{conf.password_history()}次使用过的密码相同"


def password_expires_at(user) -> dt.datetime | None:
    days = conf.password_max_age_days()
    changed = getattr(user, "password_changed_at", None)
    if days <= 0 or changed is None:
        return None
    return changed + dt.timedelta(days=days)


def password_change_reason(user) -> str | None:
    """Why the user must change their password before doing anything else: "reset" (set by an administrator),
    "expired" (older than the maximum age), or None."""
    if getattr(user, "must_change_password", False):
        return "reset"
    expires = password_expires_at(user)
    if expires is not None and timezone.now() >= expires:
        return "expired"
    return None


CHANGE_REASONS = {
    "reset": "您的密码由管理员设置，请先修改密码后再继续使用。",
    "expired": "您的密码已超过{days}天未修改，请先修改密码后再继续使用。",
}


def change_reason_message(reason: str | None) -> str:
    if reason is None:
        return ""
    return CHANGE_REASONS[reason].format(days=conf.password_max_age_days())


def password_rules_text() -> str:
    """The rules in one line, for the forms' help text."""
    rules = [f"至少{conf.password_min_length()}位",
             f"包含大写字母、小写字母、数字、特殊符号中的至少{conf.password_min_classes()}类", "不能包含用户名"]
    if conf.password_history() > 0:
        rules.append(f"不能与最近{conf.password_history()}次使用过的密码相同")
    return "；".join(rules)
