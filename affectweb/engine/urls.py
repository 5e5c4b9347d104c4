from django.urls import path, re_path

from affectweb.engine import views

app_name = "engine"

# Clients only know the index URL; every other URL reaches them in a response.
urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:job_id>/", views.job, name="job"),
    path("entries/<int:entry_id>/", views.entry, name="entry"),
    path("entries/<int:entry_id>/annotations/", views.annotations, name="annotations"),
    path("annotations/<int:annotation_id>/", views.annotation, name="annotation"),
    path("representations/<int:rep_id>/", views.representation, name="representation"),
    path("representations/<int:rep_id>/media", views.media, name="media"),
    path("download/<str:token>", views.download, name="download"),
    # API clients parse JSON errors, not the site's HTML 404 page.
    re_path(r"", views.not_found),
]
