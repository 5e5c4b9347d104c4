from django.urls import path, re_path

from affectweb.engine import api, entry_views, views

app_name = "engine"


def resource(route: str, view, name: str) -> list:
    """A resource's URL. The canonical form has no trailing slash, as the vendor's had
    (its client took a job's id as the last path segment); the slash form, which this
    engine answered until it was changed, stays accepted for URLs clients stored."""
    return [path(route, view, name=name), path(f"{route}/", view)]


# Clients only know the index URL; every other URL reaches them in a response, except
# `<job URL>/requeue`, which the vendor's client joined itself.
urlpatterns = [
    path("", views.index, name="index"),
    *resource("jobs", views.jobs, "jobs"),
    *resource("jobs/<int:job_id>", views.job, "job"),
    *resource("jobs/<int:job_id>/requeue", views.requeue, "requeue"),
    # The vendor's client appended "/requeue" to the job URL; to our old URLs, that is "//".
    path("jobs/<int:job_id>//requeue", views.requeue),
    *resource("entries/<int:entry_id>", entry_views.entry, "entry"),
    *resource("entries/<int:entry_id>/annotations", entry_views.annotations, "annotations"),
    *resource("entries/<int:entry_id>/representations", entry_views.representations, "representations"),
    *resource("annotations/<int:annotation_id>", entry_views.annotation, "annotation"),
    *resource("representations/<int:rep_id>", entry_views.representation, "representation"),
    *resource("representations/<int:rep_id>/media", views.media, "media"),
    path("download/<str:token>", views.download, name="download"),
    # API clients parse JSON errors, not the site's HTML 404 page.
    re_path(r"", api.not_found),
]
