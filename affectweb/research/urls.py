from django.urls import include, path

from affectweb.research import export_views, participant, views

app_name = "research"

# A study, for its researcher: the group view, and the setup page with its forms.
group = [
    path("", views.group_page, name="group"),
    path("group.json", views.group_json, name="group_json"),
]
setup = [
    path("setup", views.setup, name="setup"),
    path("markers", views.marker_add, name="marker_add"),
    path("stimulus", views.stimulus_update, name="stimulus_update"),
    path("stimulus/file", views.stimulus_file, name="stimulus_file"),
    path("links", views.link_add, name="link_add"),
]
downloads = [
    path("long.csv", export_views.long_csv, name="long_csv"),
    path("groups.csv", export_views.group_csv, name="group_csv"),
    path("markers.csv", export_views.markers_csv, name="markers_csv"),
    path("imotions.zip", export_views.imotions_zip, name="imotions_zip"),
]
# Participants: no account, the token is the only key. The page, then the recording's upload.
participant_page = [
    path("", participant.start_page, name="participant"),
    path("stimulus", participant.stimulus, name="participant_stimulus"),
    path("check", participant.check, name="participant_check"),
]
recording = [
    path("begin", participant.begin, name="participant_begin"),
    path("chunk", participant.chunk, name="participant_chunk"),
    path("finish", participant.finish, name="participant_finish"),
    path("abandon", participant.abandon, name="participant_abandon"),
]

urlpatterns = [
    path("studies/<int:pk>/", include(group + setup + downloads)),
    path("media/<int:pk>/", views.media_update, name="media_update"),
    path("markers/<int:pk>/delete", views.marker_delete, name="marker_delete"),
    path("links/<int:pk>/revoke", views.link_revoke, name="link_revoke"),
    path("p/<str:token>/", include(participant_page + recording)),
]
