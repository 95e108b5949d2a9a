from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator

from minzheng.accounts.enums import Role
from minzheng.accounts.passwords import password_rules_text
from minzheng.areas.models import Area


def _password_input(autocomplete: str) -> forms.PasswordInput:
    return forms.PasswordInput(attrs={"autocomplete": autocomplete, "class": "form-control"})


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    username = forms.CharField(label="用户名", max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username",
                                                             "class": "form-control"}))
    password = forms.CharField(label="密码", strip=False, widget=_password_input("current-password"))


class _NewPasswordMixin:
    """A new password typed twice; the rules themselves are checked by the action."""

    confirm_field = "password_confirm"
    password_field = "password"

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get(self.password_field), cleaned.get(self.confirm_field)
        if first and second and first != second:
            self.add_error(self.confirm_field, "两次输入的密码不一致")
        return cleaned


class PasswordChangeForm(_NewPasswordMixin, forms.Form):
    password_field = "new_password"
    confirm_field = "new_password_confirm"

    old_password = forms.CharField(label="当前密码", strip=False, widget=_password_input("current-password"))
    new_password = forms.CharField(label="新密码", strip=False, widget=_password_input("new-password"))
    new_password_confirm = forms.CharField(label="再次输入新密码", strip=False, widget=_password_input("new-password"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password"].help_text = password_rules_text()


class UserCreateForm(_NewPasswordMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150, validators=[UnicodeUsernameValidator()],
                               help_text="字母、数字或 @/./+/-/_，登录时使用",
                               widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}))
    full_name = forms.CharField(label="姓名", max_length=64,
                                widget=forms.TextInput(attrs={"class": "form-control"}))
    role = forms.ChoiceField(label="角色", choices=Role.choices, widget=forms.Select(attrs={"class": "form-select"}))
    area = forms.ModelChoiceField(label="所属区划", queryset=Area.objects.none(),
                                  widget=forms.Select(attrs={"class": "form-select"}))
    password = forms.CharField(label="初始密码", strip=False, widget=_password_input("new-password"))
    password_confirm = forms.CharField(label="再次输入初始密码", strip=False, widget=_password_input("new-password"))

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["area"].label_from_instance = lambda area: f"{area.name}（{area.get_level_display()}）"
        self.fields["password"].help_text = password_rules_text() + "；用户首次登录时须修改"


class UserPasswordForm(_NewPasswordMixin, forms.Form):
    password = forms.CharField(label="新密码", strip=False, widget=_password_input("new-password"))
    password_confirm = forms.CharField(label="再次输入新密码", strip=False, widget=_password_input("new-password"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = password_rules_text() + "；用户下次登录时须修改"


class TokenForm(forms.Form):
    token = forms.CharField(label="动态验证码", min_length=6, max_length=8,
                            error_messages={"min_length": "请输入验证器上显示的6位数字",
                                            "required": "请输入验证器上显示的6位数字"},
                            widget=forms.TextInput(attrs={"class": "form-control mz-mono", "autofocus": True,
                                                          "autocomplete": "one-time-code", "inputmode": "numeric",
                                                          "pattern": "[0-9]*"}))
