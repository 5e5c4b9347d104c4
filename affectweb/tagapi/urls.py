from django.urls import path

from affectweb.tagapi import views

app_name = "tagapi"

# The paths of api.clarifai.com/v1/, below /engine/clarifai/.
urlpatterns = [
    path("v1/token/", views.token, name="token"),
    path("v1/tag/", views.tag, name="tag"),
    path("v1/embed/", views.embed, name="embed"),
    path("v1/multiop/", views.multiop, name="multiop"),
    path("v1/info/", views.info, name="info"),
    path("v1/feedback/", views.feedback, name="feedback"),
]
