"""List filters whose choices come from the registry rather than a query over the rows."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from kie.registry import all_models
from kie.types import Provider


class _RegistryModelFilter(admin.SimpleListFilter):
    title = "model"
    parameter_name = "model"
    field = "model_id"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [(model.id, model.label) for model in all_models()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(**{self.field: self.value()})
        return queryset


class ModelFilter(_RegistryModelFilter):
    pass


class SuggestedModelFilter(_RegistryModelFilter):
    title = "suggested model"
    parameter_name = "suggested"
    field = "suggested_model"


class ProviderFilter(admin.SimpleListFilter):
    title = "provider"
    parameter_name = "provider"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [(Provider.VEO, "Veo API"), (Provider.JOBS, "Jobs API (Sora, Kling)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(provider=self.value())
        return queryset
