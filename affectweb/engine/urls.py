from django.urls import include, path, re_path

from affectweb.engine import views

app_name = "engine"

entries = [
    path("", views.entry, name="entry"),
    path("annotations/", views.annotations, name="annotations"),
]
representations = [
    path("", views.representation, name="representation"),
    path("media", views.media, name="media"),
]

# Clients only know the index URL; every other URL reaches them in a response.
urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:job_id>/", views.job, name="job"),
    path("entries/<int:entry_id>/", include(entries)),
    path("annotations/<int:annotation_id>/", views.annotation, name="annotation"),
    path("representations/<int:rep_id>/", include(representations)),
    path("download/<str:token>", views.download, name="download"),
    # API clients parse JSON errors, not the site's HTML 404 page.
    re_path(r"", views.not_found),
]
