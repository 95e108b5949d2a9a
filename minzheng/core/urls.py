from django.urls import path

from minzheng.core import views

app_name = "calendar"

urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("overrides/new/", views.calendar_override_create_view, name="override_create"),
    path("overrides/<int:pk>/delete/", views.calendar_override_delete_view, name="override_delete"),
    path("import/", views.calendar_import_view, name="import"),
]
