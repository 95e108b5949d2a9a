from django.urls import path

from minzheng.documents import views

app_name = "documents"

urlpatterns = [
    path("person/<str:person_id>.pdf", views.person_pdf_view, name="person_pdf"),
]
