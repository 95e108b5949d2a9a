from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from minzheng.accounts import actions, conf, sessions
from minzheng.accounts.access import access_user_by_id
from minzheng.accounts.forms import LoginForm, PasswordChangeForm, TokenForm, UserCreateForm, UserPasswordForm
from minzheng.accounts.lockout import clear_account_failures
from minzheng.accounts.otp import qr_data_uri, secret_text
from minzheng.accounts.passwords import change_reason_message, password_change_reason, password_expires_at
from minzheng.accounts.permissions import Perm, require
from minzheng.accounts.selectors import enrolled_user_list, lock_overview, user_list
from minzheng.areas.models import Area
from minzheng.core.errors import ApplicationError
from minzheng.web.listing import paginate

# --- signing in --------------------------------------------------------------------------------------------


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_demo"] = getattr(settings, "MINZHENG_DEMO", False)
        context["two_factor_enabled"] = conf.two_factor_enabled()
        failures = getattr(self.request, "axes_failures_since_start", None)
        if failures:
            context["attempts_left"] = max(conf.lockout_failures() - failures, 0)
            context["lockout_minutes"] = conf.lockout_minutes()
        return context

    def form_valid(self, form):
        # Failures count in a row: signing in clears this account's (not the address's other accounts').
        clear_account_failures(form.get_user().get_username())
        return super().form_valid(form)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a sign-in from a locked account or address (``AXES_LOCKOUT_CALLABLE``)."""
    return render(request, "accounts/lockout.html", {
        "failures": conf.lockout_failures(), "minutes": conf.lockout_minutes(),
    }, status=settings.AXES_HTTP_RESPONSE_CODE)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "您已安全退出登录。")
        return response


@require_http_methods(["GET", "POST"])
def otp_verify_view(request):
    """The second step of signing in: a code from the user's authenticator."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"{reverse('accounts:otp_setup')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = actions.totp_device_verify(acting_user=request.user, token=form.cleaned_data["token"])
        except ApplicationError as error:
            form.add_error("token", error.message)
        else:
            _second_factor_passed(request, device)
            return redirect(_next_url(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def otp_setup_view(request):
    """Enrolling an authenticator: scan the QR code (or type the secret), then confirm with its first code."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"{reverse('accounts:otp_verify')}?{request.GET.urlencode()}")
    device = actions.totp_device_start(acting_user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = actions.totp_device_confirm(acting_user=request.user, device=device,
                                                 token=form.cleaned_data["token"])
        except ApplicationError as error:
            form.add_error("token", error.message)
        else:
            _second_factor_passed(request, device)
            messages.success(request, "已绑定双因素认证验证器，以后登录时须输入验证器上的动态验证码。")
            return redirect(_next_url(request))
    return render(request, "accounts/otp_setup.html", {
        "form": form, "next": request.GET.get("next", ""), "qr": qr_data_uri(device.config_url),
        "secret": secret_text(device), "required": sessions.second_factor_required(request, request.user),
    }, status=400 if form.errors else 200)


def _second_factor_passed(request, device) -> None:
    # A new session key for the higher privilege, as at sign-in (session fixation).
    old_key = request.session.session_key
    request.session.cycle_key()
    sessions.session_key_changed(request.user, old_key, request.session.session_key)
    request.session[sessions.OTP_ENROLLED] = True
    otp_login(request, device)


# --- own password ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def password_change_view(request):
    user = request.user
    reason = password_change_reason(user)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.user_change_password(acting_user=user, old_password=form.cleaned_data["old_password"],
                                         new_password=form.cleaned_data["new_password"])
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            # Other sessions of this user end (their password hash no longer matches); this one stays.
            old_key = request.session.session_key
            update_session_auth_hash(request, user)
            sessions.session_key_changed(user, old_key, request.session.session_key)
            messages.success(request, "密码已修改。")
            return redirect(_next_url(request))
    return render(request, "accounts/password_change.html", {
        "page_title": "修改密码", "breadcrumbs": [("修改密码", None)], "form": form, "gated": reason is not None,
        # A user who must change their password first gets the bare card: the menu would lead nowhere yet.
        "layout": "accounts/card.html" if reason is not None else "web/base.html", "field_class": "col-12",
        "reason": change_reason_message(reason), "expires_at": password_expires_at(user),
        "next": request.GET.get("next", ""),
        "can_enrol": not TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }, status=400 if form.errors else 200)


# --- user management (system administrator) ----------------------------------------------------------------


def user_list_view(request):
    q = request.GET.get("q", "")[:64]
    page = paginate(request, user_list(user=request.user, q=q))
    return render(request, "accounts/user_list.html", {
        "page_title": "用户管理", "breadcrumbs": [("用户管理", None)], "page_obj": page, "q": q,
    })


def _areas_for(user):
    return Area.objects.filter(code__startswith=user.area_prefix).order_by("code")


@require_http_methods(["GET", "POST"])
def user_create_view(request):
    require(request.user, Perm.USER_MANAGE)
    form = UserCreateForm(request.POST or None, areas=_areas_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.user_create(acting_user=request.user, username=data["username"],
                                       full_name=data["full_name"], role=data["role"], area=data["area"],
                                       password=data["password"])
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"已创建用户 {user.username}，首次登录时须修改初始密码。")
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {
        "page_title": "新建用户", "form": form,
        "breadcrumbs": [("用户管理", reverse("accounts:user_list")), ("新建用户", None)],
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def user_password_view(request, pk: int):
    require(request.user, Perm.USER_MANAGE)
    target = access_user_by_id(request.user, pk)
    form = UserPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.user_set_password(acting_user=request.user, user=target, password=form.cleaned_data["password"])
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"已重置 {target.username} 的密码，其登录会话已结束，下次登录时须修改密码。")
            return redirect("accounts:user_list")
    return render(request, "accounts/user_password.html", {
        "page_title": "重置密码", "form": form, "target": target,
        "breadcrumbs": [("用户管理", reverse("accounts:user_list")), (f"重置密码：{target.username}", None)],
    }, status=400 if form.errors else 200)


@require_POST
def user_disable_view(request, pk: int):
    require(request.user, Perm.USER_MANAGE)
    target = access_user_by_id(request.user, pk)
    try:
        actions.user_disable(acting_user=request.user, user=target)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已停用 {target.username}，其登录会话已全部结束。")
    return redirect("accounts:user_list")


@require_POST
def user_enable_view(request, pk: int):
    require(request.user, Perm.USER_MANAGE)
    target = access_user_by_id(request.user, pk)
    try:
        actions.user_enable(acting_user=request.user, user=target)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已启用 {target.username}。")
    return redirect("accounts:user_list")


# --- security administration -------------------------------------------------------------------------------


def security_view(request):
    overview = lock_overview(user=request.user)
    return render(request, "accounts/security.html", {
        "page_title": "安全管理", "breadcrumbs": [("安全管理", None)], "overview": overview,
        "enrolled": enrolled_user_list(user=request.user),
        "failures": conf.lockout_failures(), "minutes": conf.lockout_minutes(),
    })


@require_POST
def security_unlock_view(request):
    username = request.POST.get("username", "").strip()[:150] or None
    ip_address = request.POST.get("ip_address", "").strip()[:45] or None
    require(request.user, Perm.SECURITY_MANAGE)
    try:
        cleared = actions.login_failures_clear(acting_user=request.user, username=username, ip_address=ip_address)
    except ApplicationError as error:
        if error.http_status != 400:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, f"已解除锁定：{username or ip_address}（清除失败记录{cleared}次）。")
    return redirect("accounts:security")


@require_POST
def security_otp_reset_view(request, pk: int):
    require(request.user, Perm.SECURITY_MANAGE)
    target = access_user_by_id(request.user, pk)
    try:
        actions.totp_device_reset(acting_user=request.user, user=target)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已重置 {target.username} 的双因素认证，其下次登录时须重新绑定验证器。")
    return redirect("accounts:security")
