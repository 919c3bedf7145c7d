"""API views, one module per area; each side-effecting endpoint is an explicit APIView."""

from .catalog import CreditsView, HealthView, ModelsView
from .docs import DocsView, RedocView, SchemaView
from .ideas import IdeasCreateView, ProductIdeasView, PromptCreateView
from .products import ProductDetailView, ProductListView, TaskListView
from .videos import TaskRetryView, VideoDownloadView, VideoRetryView, VideoView

__all__ = [
    "CreditsView",
    "DocsView",
    "HealthView",
    "IdeasCreateView",
    "ModelsView",
    "ProductDetailView",
    "ProductIdeasView",
    "SchemaView",
    "ProductListView",
    "PromptCreateView",
    "RedocView",
    "TaskListView",
    "TaskRetryView",
    "VideoDownloadView",
    "VideoRetryView",
    "VideoView",
]
