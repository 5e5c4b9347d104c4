import factory
from django.contrib.auth import get_user_model

from affectweb.dashboard.models import Media, Provider, Study
from affectweb.tagapi.models import Application


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"researcher{n}")
    password = factory.django.Password("pw")


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"provider{n}")
    index_url = "http://127.0.0.1:9/"
    username = "researcher@example.org"
    password = "s3cret:p@ss"
    is_default = True


class StudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Study

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Study {n}")


class MediaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Media

    study = factory.SubFactory(StudyFactory)
    name = "clip.mp4"
    file = factory.django.FileField(filename="clip.mp4", data=b"0123456789" * 100)
    kind = "video"
    content_type = "video/mp4"
    size = 1000
    duration = 3.0


def tag_application(client_id: str = "dashboard-test", secret: str = "t@g s3cret:") -> Application:
    """An application of the bundled Clarifai v1 tag engine (its secret is stored hashed)."""
    app = Application(name=client_id, client_id=client_id)
    app.set_secret(secret)
    app.save()
    return app
