from django.urls import include, path

from campaigns.api.views import HealthView, ReadinessView

urlpatterns: list = [
    path("api/", include("campaigns.api.urls")),
    path("healthz", HealthView.as_view(), name="healthz"),
    path("readyz", ReadinessView.as_view(), name="readyz"),
]
