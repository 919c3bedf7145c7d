"""Input and output serializers of the JSON API."""

from .docs import (
    ErrorSerializer,
    HealthSerializer,
    IdeasFromUploadRequest,
    IdeasFromUrlRequest,
    LivenessSerializer,
)
from .inputs import (
    IDEMPOTENCY_HEADER,
    DownloadQuery,
    IdeasCreateInput,
    IdempotencyKeyInput,
    PromptCreateInput,
    QuoteInput,
    RetryInput,
    TaskFilterQuery,
    TaskLookupQuery,
    VideoStartInput,
)
from .outputs import (
    CreditsSerializer,
    IdeaSerializer,
    IdeasResultSerializer,
    ModelDescriptionSerializer,
    ProductDetailSerializer,
    ProductSerializer,
    PromptSerializer,
    QuoteSerializer,
    TaskSerializer,
)

__all__ = [
    "IDEMPOTENCY_HEADER",
    "CreditsSerializer",
    "DownloadQuery",
    "ErrorSerializer",
    "HealthSerializer",
    "LivenessSerializer",
    "IdeaSerializer",
    "IdeasCreateInput",
    "IdeasFromUploadRequest",
    "IdeasFromUrlRequest",
    "IdeasResultSerializer",
    "IdempotencyKeyInput",
    "ModelDescriptionSerializer",
    "ProductDetailSerializer",
    "ProductSerializer",
    "PromptCreateInput",
    "PromptSerializer",
    "QuoteInput",
    "QuoteSerializer",
    "RetryInput",
    "TaskFilterQuery",
    "TaskLookupQuery",
    "TaskSerializer",
    "VideoStartInput",
]
