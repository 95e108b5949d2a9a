from django.urls import path

from minzheng.monitoring import views, views_feeds

app_name = "monitoring"

urlpatterns = [
    # The monitoring page, runs and alerts as tasks (views.py)
    path("", views.dashboard, name="dashboard"),
    path("report-data/", views.report_data, name="report_data"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<str:run_id>/", views.run_detail, name="run_detail"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<str:alert_id>/", views.alert_detail, name="alert_detail"),
    path("alerts/<str:alert_id>/<str:verb>/", views.alert_action, name="alert_action"),
    # Department feeds, quarantine and name-only candidates (views_feeds.py)
    path("feeds/", views_feeds.feed_list, name="feed_list"),
    path("feeds/upload/", views_feeds.feed_upload, name="feed_upload"),
    path("feeds/files/<str:file_id>/", views_feeds.feed_file_detail, name="feed_file_detail"),
    path("feeds/files/<str:file_id>/quarantine.xlsx", views_feeds.feed_quarantine_xlsx, name="feed_quarantine_xlsx"),
    path("candidates/", views_feeds.candidate_list, name="candidate_list"),
    path("candidates/<str:candidate_id>/decide/", views_feeds.candidate_decide, name="candidate_decide"),
]
