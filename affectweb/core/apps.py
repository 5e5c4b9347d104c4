from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "affectweb.core"
    verbose_name = "affectweb"
