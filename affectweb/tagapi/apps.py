from django.apps import AppConfig


class TagapiConfig(AppConfig):
    name = "affectweb.tagapi"
    verbose_name = "Engine (Clarifai v1 tag API)"
