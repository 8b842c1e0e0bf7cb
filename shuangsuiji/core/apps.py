from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shuangsuiji.core"
    label = "core"
    verbose_name = "行政区划与部门"
