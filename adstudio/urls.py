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
# No public /media/, not even in debug: product photos, posters and videos are staff-only views
# (campaigns/media_views.py), so debug and production serve media the same way.
