from django.urls import include, path

from affectweb.dashboard.views import exports, help, media, studies

app_name = "dashboard"

study = [
    path("", studies.study, name="study"),
    path("status.json", studies.study_status, name="study_status"),
    path("upload", studies.upload, name="upload"),
    path("export.zip", exports.study_zip, name="study_zip"),
    path("delete", studies.delete, name="study_delete"),
]
# A media's page, and what the page loads.
media_page = [
    path("", media.media_page, name="media"),
    path("file", media.media_file, name="media_file"),
    path("playable", media.media_file, {"playable": True}, name="media_playable"),
    path("boxes.json", media.boxes, name="media_boxes"),
    path("series.json", media.series, name="series"),
    path("faces/<str:face_id>.jpg", media.face_thumbnail, name="face_thumbnail"),
]
media_actions = [  # the page's buttons (POST)
    path("retry", media.action, {"do": "retry"}, name="retry"),
    path("reanalyse", media.action, {"do": "reanalyse"}, name="media_reanalyse"),
    path("tag", media.action, {"do": "tag"}, name="media_tag"),
    path("delete", media.action, {"do": "delete"}, name="media_delete"),
]
media_downloads = [
    path("export.csv", exports.media_csv, name="media_csv"),
    path("session.json", exports.media_json, name="media_json"),
    path("tags.csv", exports.media_tags_csv, name="media_tags_csv"),
]

urlpatterns = [
    path("", studies.index, name="index"),
    path("help/metrics/", help.metrics, name="metric_help"),
    path("studies/<int:pk>/", include(study)),
    path("media/<int:pk>/", include(media_page + media_actions + media_downloads)),
]
