from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "shuangsuiji.onboarding"
    verbose_name = "开通与演示"
