from django.urls import path

from minzheng.policy import views

app_name = "policy"

urlpatterns = [
    path("", views.parameter_list_view, name="parameter_list"),
    path("values/<int:value_id>/approve/", views.parameter_value_approve_view, name="value_approve"),
    path("values/<int:value_id>/reject/", views.parameter_value_reject_view, name="value_reject"),
    path("growth-rules/<int:rule_id>/apply/", views.growth_rule_apply_view, name="growth_rule_apply"),
    path("<str:code>/", views.parameter_detail_view, name="parameter_detail"),
    path("<str:code>/propose/", views.parameter_value_propose_view, name="value_propose"),
    path("<str:code>/growth/", views.growth_rule_view, name="growth_rule"),
]
