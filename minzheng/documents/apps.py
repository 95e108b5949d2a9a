from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "minzheng.documents"
    label = "documents"
    verbose_name = "公文与打印"
