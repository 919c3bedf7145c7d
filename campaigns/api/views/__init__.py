"""API views, one module per area; each side-effecting endpoint is an explicit APIView."""

from .callbacks import KieCallbackView
from .catalog import CreditsView, HealthView, ModelsView, QuoteView, ReadinessView
from .docs import DocsView, RedocView, SchemaView
from .ideas import IdeasCreateView, ProductIdeasView, PromptCreateView
from .products import ProductDetailView, ProductListView, TaskListView
from .videos import TaskRetryView, VideoDownloadView, VideoView

__all__ = [
    "CreditsView",
    "DocsView",
    "HealthView",
    "IdeasCreateView",
    "KieCallbackView",
    "ModelsView",
    "ProductDetailView",
    "ProductIdeasView",
    "SchemaView",
    "ProductListView",
    "PromptCreateView",
    "QuoteView",
    "ReadinessView",
    "RedocView",
    "TaskListView",
    "TaskRetryView",
    "VideoDownloadView",
    "VideoView",
]
