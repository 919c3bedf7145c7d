from django.urls import include, path

from campaigns.api.views import HealthView, KieCallbackView, ReadinessView

urlpatterns: list = [
    path("api/", include("campaigns.api.urls")),
    path("healthz", HealthView.as_view(), name="healthz"),
    path("readyz", ReadinessView.as_view(), name="readyz"),
    # Kie calls this when a job finishes; the URL carries our task id and its token.
    path("kie/callback/<str:public_id>", KieCallbackView.as_view(), name="kie-callback"),
]
