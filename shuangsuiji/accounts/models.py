"""Staff accounts. Each user belongs to one department; roles are Django groups."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from shuangsuiji.core.models import RegionScopedQuerySet


class Role(models.TextChoices):
    """Role names double as Django group names."""

    JOINT_OFFICE_ADMIN = "joint_office_admin", "联席办管理员"
    DEPARTMENT_ADMIN = "department_admin", "部门管理员"
    INSPECTOR = "inspector", "执法检查人员"
    AUDITOR = "auditor", "审计员（只读）"


class UserQuerySet(RegionScopedQuerySet):
    """Accounts by the region of their department; accounts without one only for "" scope."""

    region_code_path = "department__region__code"


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=50, blank=True)
    department = models.ForeignKey(
        "core.Department",
        verbose_name="所属部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    objects = AccountManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def roles(self) -> set[str]:
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = set(self.groups.values_list("name", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.roles()

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in sorted(self.roles()) if r in Role.values]

    @property
    def scope_prefix(self) -> str:
        """Region code prefix of the data this user may see ("" = everything).

        A superuser sees everything; any other account without a department sees nothing
        (fail closed): "-" is a prefix no region code has.
        """
        if self.is_superuser:
            return ""
        if self.department is None:
            return "-"
        return self.department.region.scope_prefix


class AccountLockQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)


class AccountLock(models.Model):
    """A hard lock of one account name after failed logins from many addresses.

    Throttling per (account, address) is django-axes' job (``accounts.throttle``); this
    lock is set only when failures come from ``SSJ_LOGIN_LOCK_ADDRESSES`` different
    addresses, and stays until an admin lifts it (``services.unlock_account``).
    """

    username = models.CharField("用户名", max_length=150, db_index=True)
    user = models.ForeignKey(
        User,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="locks",
    )
    locked_at = models.DateTimeField("锁定时间")
    addresses = models.PositiveIntegerField("失败来源地址数")
    lifted_at = models.DateTimeField("解除时间", null=True, blank=True)
    lifted_by = models.ForeignKey(
        User,
        verbose_name="解除人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AccountLockQuerySet.as_manager()

    class Meta:
        verbose_name = "账号锁定"
        verbose_name_plural = "账号锁定"
        ordering = ["-locked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["username"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_active_lock_per_username",
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} 锁定于 {self.locked_at:%Y-%m-%d %H:%M}"
