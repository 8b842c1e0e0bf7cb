"""Staff accounts. Each user belongs to one department; roles are Django groups."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    """Role names double as Django group names."""

    JOINT_OFFICE_ADMIN = "joint_office_admin", "联席办管理员"
    DEPARTMENT_ADMIN = "department_admin", "部门管理员"
    INSPECTOR = "inspector", "执法检查人员"
    AUDITOR = "auditor", "审计员（只读）"


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


class LoginFailure(models.Model):
    """One failed login, kept for throttling and lockout (see accounts.throttle)."""

    username = models.CharField("用户名", max_length=150, db_index=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    at = models.DateTimeField("时间", db_index=True)

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败记录"
        indexes = [models.Index(fields=["username", "at"])]

    def __str__(self) -> str:
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"
