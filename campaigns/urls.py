from django.urls import include, path

from campaigns import media_views
from campaigns.api.views import HealthView, KieCallbackView, ReadinessView

urlpatterns: list = [
    path("api/", include("campaigns.api.urls")),
    path("healthz", HealthView.as_view(), name="healthz"),
    path("readyz", ReadinessView.as_view(), name="readyz"),
    # Kie calls this when a job finishes; the URL carries our task id and its token.
    path("kie/callback/<str:public_id>", KieCallbackView.as_view(), name="kie-callback"),
    # Staff-only media for the portal and the admin (no public /media/).
    path("media/tasks/<str:public_id>/video", media_views.task_video, name="media-video"),
    path("media/tasks/<str:public_id>/poster", media_views.task_poster, name="media-poster"),
    path(
        "media/products/<int:product_id>/image",
        media_views.product_image,
        name="media-product-image",
    ),
]
