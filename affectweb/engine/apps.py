from django.apps import AppConfig


class EngineConfig(AppConfig):
    name = "affectweb.engine"
    verbose_name = "Engine (Affectiva Media API)"

    def ready(self) -> None:
        from affectweb.engine import signals  # noqa: F401  (connects the receivers)
