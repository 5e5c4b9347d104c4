from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "affectweb.dashboard"
    verbose_name = "Studies and media"
