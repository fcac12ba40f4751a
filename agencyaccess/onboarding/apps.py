from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    """The pages a client reaches through a link."""

    name = "agencyaccess.onboarding"
    label = "onboarding"
