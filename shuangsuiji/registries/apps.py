from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "shuangsuiji.registries"
    label = "registries"
    verbose_name = "一单两库"
