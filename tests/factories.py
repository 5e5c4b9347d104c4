import factory
from django.contrib.auth import get_user_model

from affectweb.dashboard.models import Media, Provider, Study, TagProvider
from affectweb.tagapi.models import Application


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"researcher{n}")
    password = factory.django.Password("pw")


class DefaultServiceFactory(factory.django.DjangoModelFactory):
    """A provider the dashboard uses for new uploads (nothing listens on port 9)."""

    class Meta:
        abstract = True

    is_default = True


class ProviderFactory(DefaultServiceFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"provider{n}")
    index_url = "http://127.0.0.1:9/"
    username = "researcher@example.org"
    password = "s3cret:p@ss"


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


# research: alignment, annotations, markers, participant links

from affectweb.research.models import Annotation, Marker, ParticipantLink, Stimulus  # noqa: E402


class AnnotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Annotation

    media = factory.SubFactory(MediaFactory)
    key = "group"
    value = "a"


class MarkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Marker

    name = factory.Sequence(lambda n: f"marker {n}")
    start = 1.0
    end = 2.0
    study = factory.SubFactory(StudyFactory)


class StimulusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stimulus

    study = factory.SubFactory(StudyFactory)
    file = factory.django.FileField(filename="stimulus.mp4", data=b"0" * 100)
    name = "stimulus.mp4"
    content_type = "video/mp4"
    duration = 10.0
    consent = "You will watch a short film while your camera records your face."
    questions = factory.LazyFunction(lambda: [{"key": "age", "label": "Age range", "choices": ["18-29", "30-49", "50+"]},
                                              {"key": "note", "label": "Anything else?", "choices": []}])


class ParticipantLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipantLink

    study = factory.SubFactory(StudyFactory)


class TagProviderFactory(DefaultServiceFactory):
    class Meta:
        model = TagProvider

    name = factory.Sequence(lambda n: f"tagger{n}")
    base_url = "http://127.0.0.1:9/engine/clarifai/"
    client_id = "dashboard-test"
    client_secret = "t@g s3cret:"
