from django.contrib import admin
from django.urls import include, path

from affectweb.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("engine/affectiva/", include("affectweb.engine.urls")),
    path("engine/clarifai/", include("affectweb.tagapi.urls")),
    path("research/", include("affectweb.research.urls")),
    path("", include("affectweb.dashboard.urls")),
]
