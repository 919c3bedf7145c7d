"""Campaigns domain: campaigns, products, ideas, prompts and the video tasks they become.

Models hold fields, constraints and the task state table. Every write and every state change lives
in `campaigns.services`.
"""

from .catalog import Campaign, Idea, IdeaBatch, JobState, Product, VideoPrompt
from .operations import ModelAvailability, RateLimitSlot
from .spend import UserCreditLimit
from .tasks import ArchiveState, CostSource, VideoTask, VideoTaskState, new_public_id

__all__ = [
    "ArchiveState",
    "Campaign",
    "CostSource",
    "Idea",
    "IdeaBatch",
    "JobState",
    "ModelAvailability",
    "Product",
    "RateLimitSlot",
    "UserCreditLimit",
    "VideoPrompt",
    "VideoTask",
    "VideoTaskState",
    "new_public_id",
]
