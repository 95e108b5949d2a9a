from django.urls import path

from minzheng.registry import views

app_name = "registry"

urlpatterns = [
    path("persons/", views.person_list_view, name="person_list"),
    path("persons/new/", views.person_create_view, name="person_create"),
    path("persons/<str:person_id>/", views.person_detail_view, name="person_detail"),
    path("persons/<str:person_id>/edit/", views.person_edit_view, name="person_edit"),
    path("persons/<str:person_id>/reveal/", views.person_reveal_view, name="person_reveal"),
    path("households/", views.household_list_view, name="household_list"),
    path("households/new/", views.household_create_view, name="household_create"),
    path("households/import/", views.roster_import_view, name="roster_import"),
    path("households/import/template.xlsx", views.roster_template_view, name="roster_template"),
    path("households/<str:household_id>/", views.household_detail_view, name="household_detail"),
    path("households/<str:household_id>/members/add/", views.member_add_view, name="member_add"),
    path("households/<str:household_id>/members/<str:membership_id>/edit/", views.member_edit_view,
         name="member_edit"),
    path("households/<str:household_id>/members/<str:membership_id>/end/", views.member_end_view, name="member_end"),
    path("households/<str:household_id>/members/<str:membership_id>/make-head/", views.member_make_head_view,
         name="member_make_head"),
]
