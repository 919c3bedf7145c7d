"""The Django admin, where support lives: one module per area, each registering its models.

The site itself (front page with the Kie balance and spend) is campaigns/admin_site.py.
"""

from . import catalog, operations, tasks

__all__ = ["catalog", "operations", "tasks"]
