from django.urls import path

from minzheng.assistance import views

app_name = "assistance"

urlpatterns = [
    path("applications/", views.application_list_view, name="application_list"),
    path("applications/new/", views.application_pick_household_view, name="application_pick"),
    path("applications/new/<str:household_id>/", views.application_create_view, name="application_create"),
    path("applications/<str:application_id>/", views.application_detail_view, name="application_detail"),
    path("applications/<str:application_id>/<str:verb>/", views.application_step_view, name="application_step"),
    path("enrollments/", views.enrollment_list_view, name="enrollment_list"),
]
