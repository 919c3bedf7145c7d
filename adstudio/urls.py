from django.conf import settings
from django.contrib import admin
from django.urls import include, path

# JSON under /api/, Django's pages elsewhere.
handler400 = "campaigns.api.fallbacks.handler400"
handler403 = "campaigns.api.fallbacks.handler403"
handler404 = "campaigns.api.fallbacks.handler404"
handler500 = "campaigns.api.fallbacks.handler500"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("campaigns.portal.urls")),
    path("", include("campaigns.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
