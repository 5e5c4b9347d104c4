from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "affectweb.dashboard"
    verbose_name = "Studies and media"

    def ready(self) -> None:
        from affectweb.dashboard import signals  # noqa: F401  (connects the receivers)
