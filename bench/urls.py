"""The app's URLs plus the bare view the benchmarks compare against."""

from django.urls import path

from adstudio.urls import urlpatterns as app_urlpatterns
from bench.web import BareView

urlpatterns = [path("bench/bare", BareView.as_view(), name="bench-bare"), *app_urlpatterns]
