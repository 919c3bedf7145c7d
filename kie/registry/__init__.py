"""The video model registry: which models exist, what they accept, and the JSON Kie expects.

`kie/` stays free of the database and of `campaigns`; availability comes from settings plus
whatever overrides the caller passes in.
"""

from .catalog import MODELS_BY_ID, all_models, get_model
from .describe import alternatives
from .errors import RegistryValidationError, UnknownModelError
from .payloads import build_payload, estimate_credits
from .spec import MediaNeeds, OptionSpec, VideoModel, VideoRequest
from .validation import validate_request

__all__ = [
    "MODELS_BY_ID",
    "MediaNeeds",
    "OptionSpec",
    "RegistryValidationError",
    "UnknownModelError",
    "VideoModel",
    "VideoRequest",
    "all_models",
    "alternatives",
    "build_payload",
    "estimate_credits",
    "get_model",
    "validate_request",
]
