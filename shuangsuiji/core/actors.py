"""The actor for operator commands run on the server (``ssj import``, ``ssj load-defaults``).

Whoever can run commands on the server already controls the database; the audit log still
records that the change came from the command line (and the OS user).
"""

from __future__ import annotations

import getpass


class SystemActor:
    is_authenticated = False
    is_active = True
    is_superuser = False
    pk = None
    department_id = None
    department = None
    scope_prefix = ""

    def __init__(self, label: str = "命令行") -> None:
        try:
            who = getpass.getuser()
        except Exception:  # noqa: BLE001 - getuser can fail in odd environments
            who = "unknown"
        self.display_name = f"系统（{label}，操作系统用户 {who}）"

    def has_perm(self, perm: str, obj=None) -> bool:
        return True

    def has_role(self, role: str) -> bool:
        return False

    def roles(self) -> set[str]:
        return set()

    def __str__(self) -> str:
        return self.display_name


def actor_for(username: str | None, label: str = "命令行"):
    """The named user (for ``--as``), or the system actor."""
    if not username:
        return SystemActor(label)
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
