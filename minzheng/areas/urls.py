from django.urls import path

from minzheng.areas import views

app_name = "areas"

urlpatterns = [
    path("", views.area_list_view, name="area_list"),
    path("new/", views.area_create_view, name="area_create"),
    path("<str:code>/edit/", views.area_edit_view, name="area_edit"),
]
