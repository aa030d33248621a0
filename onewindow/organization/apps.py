from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "onewindow.organization"
    label = "organization"
    verbose_name = "组织机构"
