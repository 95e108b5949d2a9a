from django.urls import path

from minzheng.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_view, name="audit"),
]
