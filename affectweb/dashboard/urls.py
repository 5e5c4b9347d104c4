from django.urls import path

from affectweb.dashboard.views import exports, media, studies

app_name = "dashboard"

urlpatterns = [
    path("", studies.index, name="index"),
    path("studies/<int:pk>/", studies.study, name="study"),
    path("studies/<int:pk>/status.json", studies.study_status, name="study_status"),
    path("studies/<int:pk>/upload", studies.upload, name="upload"),
    path("studies/<int:pk>/export.zip", exports.study_zip, name="study_zip"),
    path("studies/<int:pk>/delete", studies.delete, name="study_delete"),
    path("media/<int:pk>/", media.media_page, name="media"),
    path("media/<int:pk>/file", media.media_file, name="media_file"),
    path("media/<int:pk>/series.json", media.series, name="series"),
    path("media/<int:pk>/faces/<str:face_id>.jpg", media.face_thumbnail, name="face_thumbnail"),
    path("media/<int:pk>/retry", media.retry, name="retry"),
    path("media/<int:pk>/tag", media.tag, name="media_tag"),
    path("media/<int:pk>/delete", media.delete, name="media_delete"),
    path("media/<int:pk>/export.csv", exports.media_csv, name="media_csv"),
    path("media/<int:pk>/session.json", exports.media_json, name="media_json"),
    path("media/<int:pk>/tags.csv", exports.media_tags_csv, name="media_tags_csv"),
]
