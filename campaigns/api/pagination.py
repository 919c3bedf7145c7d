"""Page-number pagination that refuses `?page=` instead of reading it as the first page."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination

from campaigns.services.errors import ValidationFailed


class PageNumbers(PageNumberPagination):
    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        if request.query_params.get(self.page_query_param) == "":
            raise ValidationFailed.for_fields(
                {self.page_query_param: "Leave the parameter out instead of sending it empty."}
            )
        return super().paginate_queryset(queryset, request, view)
