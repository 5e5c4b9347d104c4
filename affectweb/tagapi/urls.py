from django.urls import include, path

from affectweb.tagapi import views

app_name = "tagapi"

# The three operations share one request shape (urls or files in, a result per input).
operations = [
    path("tag/", views.tag, name="tag"),
    path("embed/", views.embed, name="embed"),
    path("multiop/", views.multiop, name="multiop"),
]

# The paths of api.clarifai.com/v1/, below /engine/clarifai/.
urlpatterns = [
    path("v1/token/", views.token, name="token"),
    path("v1/", include(operations)),
    path("v1/info/", views.info, name="info"),
    path("v1/feedback/", views.feedback, name="feedback"),
]
