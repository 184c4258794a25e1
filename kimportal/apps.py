from django.apps import AppConfig


class KimPortalConfig(AppConfig):
    """The house itself: settings, routing and the demo data command (`load_demo`)."""

    name = "kimportal"
    verbose_name = "KIM Portal"
