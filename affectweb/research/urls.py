from django.urls import path

from affectweb.research import export_views, participant, views

app_name = "research"

urlpatterns = [
    path("studies/<int:pk>/", views.group_page, name="group"),
    path("studies/<int:pk>/group.json", views.group_json, name="group_json"),
    path("studies/<int:pk>/setup", views.setup, name="setup"),
    path("studies/<int:pk>/markers", views.marker_add, name="marker_add"),
    path("studies/<int:pk>/stimulus", views.stimulus_update, name="stimulus_update"),
    path("studies/<int:pk>/stimulus/file", views.stimulus_file, name="stimulus_file"),
    path("studies/<int:pk>/links", views.link_add, name="link_add"),
    path("studies/<int:pk>/long.csv", export_views.long_csv, name="long_csv"),
    path("studies/<int:pk>/groups.csv", export_views.group_csv, name="group_csv"),
    path("studies/<int:pk>/markers.csv", export_views.markers_csv, name="markers_csv"),
    path("studies/<int:pk>/imotions.zip", export_views.imotions_zip, name="imotions_zip"),
    path("media/<int:pk>/", views.media_update, name="media_update"),
    path("markers/<int:pk>/delete", views.marker_delete, name="marker_delete"),
    path("links/<int:pk>/revoke", views.link_revoke, name="link_revoke"),
    # Participants: no account, the token is the only key.
    path("p/<str:token>/", participant.start_page, name="participant"),
    path("p/<str:token>/stimulus", participant.stimulus, name="participant_stimulus"),
    path("p/<str:token>/begin", participant.begin, name="participant_begin"),
    path("p/<str:token>/chunk", participant.chunk, name="participant_chunk"),
    path("p/<str:token>/finish", participant.finish, name="participant_finish"),
    path("p/<str:token>/abandon", participant.abandon, name="participant_abandon"),
]
