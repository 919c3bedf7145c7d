"""A URL conf with Django's LoginView, as the portal's login will be."""

from django.contrib.auth.views import LoginView
from django.urls import include, path

urlpatterns = [
    path("login/", LoginView.as_view(template_name="admin/login.html"), name="login"),
    path("", include("adstudio.urls")),
]
