from django.urls import path

from minzheng.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("otp/", views.otp_verify_view, name="otp_verify"),
    path("otp/setup/", views.otp_setup_view, name="otp_setup"),
    path("password/", views.password_change_view, name="password_change"),
    path("users/", views.user_list_view, name="user_list"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:pk>/password/", views.user_password_view, name="user_password"),
    path("users/<int:pk>/disable/", views.user_disable_view, name="user_disable"),
    path("users/<int:pk>/enable/", views.user_enable_view, name="user_enable"),
    path("security/", views.security_view, name="security"),
    path("security/unlock/", views.security_unlock_view, name="security_unlock"),
    path("security/users/<int:pk>/otp-reset/", views.security_otp_reset_view, name="security_otp_reset"),
]
