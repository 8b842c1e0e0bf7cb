from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_groups(sender, **kwargs):
    from django.contrib.auth.models import Group

    from .models import Role

    for role in Role.values:
        Group.objects.get_or_create(name=role)


class AccountsConfig(AppConfig):
    name = "shuangsuiji.accounts"
    label = "accounts"
    verbose_name = "账号与角色"

    def ready(self):
        from . import (
            permissions,  # noqa: F401  (registers the permission rules)
            throttle,  # noqa: F401  (connects the login and lock-out receivers)
        )

        post_migrate.connect(_ensure_groups, sender=self)
