from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "onewindow.documents"
    label = "documents"
    verbose_name = "文书与证照"
