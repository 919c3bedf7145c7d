from django.apps import AppConfig


class KieConfig(AppConfig):
    name = "kie"
    verbose_name = "Kie.ai"
