"""Error codes of staff accounts and login security, each with its Chinese message."""

from enum import StrEnum

from minzheng.core.errors import ApplicationError


class AccountErrorCode(StrEnum):
    ROLE_INVALID = "role_invalid"
    ROLE_AREA_LEVEL_MISMATCH = "role_area_level_mismatch"
    USERNAME_TAKEN = "username_taken"
    PASSWORD_INVALID = "password_invalid"
    PASSWORD_WRONG = "password_wrong"
    SELF_DISABLE = "user_self_disable"
    SELF_RESET = "user_self_password_reset"
    ALREADY_DISABLED = "user_already_disabled"
    ALREADY_ENABLED = "user_already_enabled"
    LOCK_TARGET_REQUIRED = "lock_target_required"
    NOT_LOCKED = "not_locked"
    OTP_INVALID = "otp_invalid"
    OTP_THROTTLED = "otp_throttled"
    OTP_ALREADY_ENROLLED = "otp_already_enrolled"
    OTP_NOT_ENROLLED = "otp_not_enrolled"


MESSAGES = {
    AccountErrorCode.ROLE_INVALID: "角色无效",
    AccountErrorCode.PASSWORD_WRONG: "当前密码不正确",
    AccountErrorCode.SELF_DISABLE: "不能停用自己的账号",
    AccountErrorCode.SELF_RESET: "不能重置自己的密码，请使用“修改密码”",
    AccountErrorCode.ALREADY_DISABLED: "该账号已停用",
    AccountErrorCode.ALREADY_ENABLED: "该账号已启用",
    AccountErrorCode.LOCK_TARGET_REQUIRED: "请指定要解锁的用户名或IP地址（二选一）",
    AccountErrorCode.NOT_LOCKED: "没有该用户名或IP地址的登录失败记录",
    AccountErrorCode.OTP_INVALID: "动态验证码不正确或已过期，请查看验证器上的最新6位数字",
    AccountErrorCode.OTP_THROTTLED: "验证码错误次数过多，请稍后再试",
    AccountErrorCode.OTP_ALREADY_ENROLLED: "已绑定双因素认证设备",
    AccountErrorCode.OTP_NOT_ENROLLED: "该用户未绑定双因素认证设备",
}


def account_error(code: AccountErrorCode, message: str | None = None, *, field: str | None = None) -> ApplicationError:
    return ApplicationError(code, message or MESSAGES[code], field=field)
