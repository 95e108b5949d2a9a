from django.urls import path

from minzheng.assistance import views, views_documents, views_lifecycle, views_simulation, views_tempaid

app_name = "assistance"

urlpatterns = [
    path("applications/", views.application_list_view, name="application_list"),
    path("applications/new/", views.application_pick_household_view, name="application_pick"),
    path("applications/new/<str:household_id>/", views.application_create_view, name="application_create"),
    path("applications/<str:application_id>/", views.application_detail_view, name="application_detail"),
    path("applications/<str:application_id>/dossier.pdf", views_documents.dossier_pdf_view, name="dossier_pdf"),
    path("applications/<str:application_id>/dossier.zip", views_documents.dossier_zip_view, name="dossier_zip"),
    path("applications/<str:application_id>/approval-form.pdf", views_documents.approval_form_view,
         name="approval_form_pdf"),
    path("applications/<str:application_id>/denial-notice.pdf", views_documents.denial_notice_view,
         name="denial_notice_pdf"),
    path("applications/<str:application_id>/public-notice.pdf", views_documents.public_notice_view,
         name="public_notice_pdf"),
    path("applications/<str:application_id>/attachments/upload", views_documents.attachment_upload_view,
         name="attachment_upload"),
    path("applications/<str:application_id>/attachments/<str:attachment_id>", views_documents.attachment_download_view,
         name="attachment_download"),
    path("applications/<str:application_id>/<str:verb>/", views.application_step_view, name="application_step"),
    path("enrollments/", views.enrollment_list_view, name="enrollment_list"),
    path("enrollments/<str:enrollment_id>/", views_lifecycle.enrollment_detail_view, name="enrollment_detail"),
    path("enrollments/<str:enrollment_id>/<str:verb>/", views_lifecycle.enrollment_action_view,
         name="enrollment_action"),
    path("overdue/", views_lifecycle.overdue_view, name="overdue"),
    path("temp-aid/", views_tempaid.temp_aid_list_view, name="temp_aid_list"),
    path("temp-aid/new/", views_tempaid.temp_aid_create_view, name="temp_aid_create"),
    path("temp-aid/<str:case_id>/", views_tempaid.temp_aid_detail_view, name="temp_aid_detail"),
    path("temp-aid/<str:case_id>/<str:verb>/", views_tempaid.temp_aid_step_view, name="temp_aid_step"),
    path("simulations/", views_simulation.simulation_form_view, name="simulation"),
    path("simulations/<str:job_id>/", views_simulation.simulation_result_view, name="simulation_result"),
    path("simulations/<str:job_id>/export/", views_simulation.simulation_export_view, name="simulation_export"),
]
