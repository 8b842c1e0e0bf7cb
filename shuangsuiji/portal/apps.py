from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "shuangsuiji.portal"
    label = "portal"
    verbose_name = "公示门户"
