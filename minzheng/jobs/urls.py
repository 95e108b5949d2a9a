from django.urls import path

from minzheng.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list_view, name="job_list"),
    path("start/", views.job_start_view, name="job_start"),
    path("<str:job_id>/", views.job_detail_view, name="job_detail"),
    path("<str:job_id>/cancel/", views.job_cancel_view, name="job_cancel"),
]
