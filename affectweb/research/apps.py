from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "affectweb.research"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from affectweb.research import signals  # noqa: F401  (connects the receivers)
