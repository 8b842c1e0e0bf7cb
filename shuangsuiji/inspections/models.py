"""Inspections (检查): one per drawn entity (task × entity × draw), and the team.

进一次门、查多项事: one inspection covers the check items of every department in the task.
The team (检查组) is drawn with the entities; a member is never edited in place: a
change adds a new row and links the old one through ``replaced_by`` (history kept).
Notices, record sheets and per-department results will hang on :class:`Inspection`.
"""

from __future__ import annotations

import functools
import operator

from django.conf import settings
from django.db import models
from django.db.models import Q


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", "待检查"
    SUBSTITUTED = "substituted", "已替补（对象被替换）"
    CANCELLED = "cancelled", "已撤销（抽取作废）"


class InspectionQuerySet(models.QuerySet):
    def live(self) -> InspectionQuerySet:
        return self.filter(status=InspectionStatus.PLANNED)

    def in_region_of(self, user) -> InspectionQuerySet:
        """Inspections whose plan and entity lie in the user's region scope.

        Outside it an inspection does not exist for the user (404); inside it
        :meth:`visible_to` and the ``inspections.view_inspection`` rule decide (403).
        """
        prefix = getattr(user, "scope_prefix", None)
        if prefix is None:
            return self.none()
        if not prefix:
            return self
        return self.filter(
            task__plan__region__code__startswith=prefix,
            entity__region__code__startswith=prefix,
        )

    def visible_to(self, user) -> InspectionQuerySet:
        """What ``user`` may open, by role (a user with several roles gets the union).

        - joint-office admin, auditor: every inspection in the region scope;
        - department admin: inspections of tasks their department initiates or joins;
        - inspector: inspections whose current team includes their ``Inspector`` record.

        Mirrors the ``inspections.view_inspection`` rule in ``accounts.permissions``.
        """
        from shuangsuiji.accounts.models import Role
        from shuangsuiji.core.actors import SystemActor

        if isinstance(user, SystemActor):
            return self
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        scoped = self.in_region_of(user)
        if (
            user.is_superuser
            or user.has_role(Role.JOINT_OFFICE_ADMIN)
            or user.has_role(Role.AUDITOR)
        ):
            return scoped
        allowed: list[Q] = []
        if user.has_role(Role.DEPARTMENT_ADMIN) and user.department_id:
            allowed.append(Q(task__initiating_department_id=user.department_id))
            allowed.append(Q(task__in=_tasks_joined_by(user.department_id)))
        if user.has_role(Role.INSPECTOR):
            on_team = TeamMember.objects.filter(inspector__user=user, replaced_by__isnull=True)
            allowed.append(Q(pk__in=on_team.values("inspection_id")))
        if not allowed:
            return self.none()
        return scoped.filter(functools.reduce(operator.or_, allowed))


def _tasks_joined_by(department_id: int):
    from shuangsuiji.plans.models import Task

    return Task.objects.filter(cooperating_departments=department_id).values("pk")


class Inspection(models.Model):
    task = models.ForeignKey(
        "plans.Task", verbose_name="抽查任务", on_delete=models.PROTECT, related_name="inspections"
    )
    draw = models.ForeignKey(
        "plans.Draw", verbose_name="抽取", on_delete=models.PROTECT, related_name="inspections"
    )
    entity = models.ForeignKey(
        "registries.Entity",
        verbose_name="检查对象",
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    stratum = models.CharField("风险等级（分层）", max_length=8)
    ticket = models.CharField("抽签号", max_length=80)
    status = models.CharField(
        "状态", max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.PLANNED
    )
    window_start = models.DateField("计划检查时间起")
    window_end = models.DateField("计划检查时间止")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    status_reason = models.CharField("状态说明", max_length=300, blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "检查"
        verbose_name_plural = "检查"
        ordering = ["task", "stratum", "ticket"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "entity"], name="unique_inspection_per_draw"),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} · {self.entity.name}"

    def current_team(self):
        return self.team.filter(replaced_by__isnull=True).select_related("inspector", "department")

    def leader(self):
        return self.current_team().filter(role=TeamRole.LEADER).first()

    def department_ids(self) -> set[int]:
        """The task's initiating and cooperating departments (who 查多项事 here)."""
        task = self.task
        return {
            task.initiating_department_id,
            *task.cooperating_departments.values_list("pk", flat=True),
        }

    def has_current_member(self, user) -> bool:
        return self.team.filter(inspector__user=user, replaced_by__isnull=True).exists()


class TeamRole(models.TextChoices):
    LEADER = "leader", "组长"
    MEMBER = "member", "组员"


class TeamMember(models.Model):
    inspection = models.ForeignKey(
        Inspection, verbose_name="检查", on_delete=models.CASCADE, related_name="team"
    )
    inspector = models.ForeignKey(
        "registries.Inspector",
        verbose_name="执法检查人员",
        on_delete=models.PROTECT,
        related_name="team_memberships",
    )
    department = models.ForeignKey(
        "core.Department", verbose_name="部门", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("角色", max_length=8, choices=TeamRole.choices)
    assigned_at = models.DateTimeField("指派时间", auto_now_add=True)
    replaced_by = models.OneToOneField(
        "self",
        verbose_name="由谁接替",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )
    change_reason = models.CharField("更换原因", max_length=64, blank=True)
    change_note = models.CharField("更换说明", max_length=300, blank=True)
    changed_at = models.DateTimeField("更换时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "检查组成员"
        verbose_name_plural = "检查组成员"
        ordering = ["inspection", "role", "department", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "inspector"],
                condition=Q(replaced_by__isnull=True),
                name="one_current_seat_per_inspector",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.inspector.name}"

    @property
    def is_current(self) -> bool:
        return self.replaced_by_id is None
