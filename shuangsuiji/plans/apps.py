from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "shuangsuiji.plans"
    label = "plans"
    verbose_name = "计划与抽取"

    def ready(self) -> None:
        from shuangsuiji.registries.signals import identifier_changing

        from .receivers import refuse_identifier_change_while_frozen

        identifier_changing.connect(
            refuse_identifier_change_while_frozen, dispatch_uid="plans.frozen_identifiers"
        )
