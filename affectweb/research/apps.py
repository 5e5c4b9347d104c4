from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "affectweb.research"
    default_auto_field = "django.db.models.BigAutoField"
