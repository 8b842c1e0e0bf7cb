"""Chinese labels for every code a user can see: the one lookup used by pages, exports, the
audit viewer and the CLI.

- Statuses and other model choices are ``TextChoices``; their labels are found here by
  walking every ``TextChoices`` class (so no app has to register, and ``core`` imports none).
- The draw protocol's own codes (rounding rules, team modes, reasons) come from the pure
  ``drawengine`` package, which the offline CLI also prints.
- Audit action codes (``draw.announce``) and object types (``accounts.user``) are below.

An unknown code falls back to the code itself; ``tests/core/test_labels.py`` renders the
pages and fails when a code shows up untranslated.
"""

from __future__ import annotations

from django.db import models

from shuangsuiji.drawengine import INSPECTOR_CHANGE_REASONS, SUBSTITUTION_REASONS

# Codes of the draw protocol with no model choices (rounding rules, team modes and beacon
# kinds are the plans app's TextChoices Rounding, TeamMode and BeaconKind).
PROTOCOL: dict[str, dict[str, str]] = {
    "substitution_reason": SUBSTITUTION_REASONS,
    "inspector_change_reason": INSPECTOR_CHANGE_REASONS,
}

# Audit actions: "<object>.<verb>". Exact entries first; others are composed.
ACTIONS: dict[str, str] = {
    # accounts.throttle and accounts.services
    "login.success": "登录成功",
    "login.failure": "登录失败",
    "login.lockout": "登录限速（同一账号、同一地址）",
    "login.account_locked": "账号锁定（多个地址登录失败）",
    "login.account_unlocked": "解除账号锁定",
    "login.throttle_cleared": "解除登录限速",
    "logout": "退出登录",
    "draw.announce": "冻结并公告抽取",
    "draw.reveal": "开奖（录入随机数）",
    "draw.substitute": "替补抽中对象",
    "draw.change_inspector": "调整检查人员",
    "draw.void": "作废抽取",
    "draw.commit": "提交随机数承诺",
    "draw.reveal_secret": "公开随机数秘密",
    "entity.rate": "评定风险等级",
    "entity.correct_credit_code": "更正统一社会信用代码",
    "checkitem.load_defaults": "加载默认抽查事项",
    "conflict.declare": "申报回避关系",
    "conflict.withdraw": "撤销回避关系",
    "inspector.unavailable": "登记不能到岗",
    "inspector.available": "取消不能到岗",
    "audit.export": "导出审计日志",
    "audit.verify": "核验审计链",
    "audit.head": "发布审计链头",
    "backup.create": "备份",
    "backup.restore": "从备份恢复",
    "core.change_organisation": "修改组织机构",
    "demo.entities": "加载演示检查对象",
    "demo.inspectors": "加载演示执法人员",
    "demo.accounts": "加载演示账号",
    "user.create": "新建账号",
    "user.set_roles": "设置角色",
    "user.set_department": "调整所属部门",
    "user.password_reset": "重置密码",
    "user.deactivate": "停用账号",
    "user.reactivate": "启用账号",
    "admin.change": "管理后台修改",
    "admin.add": "管理后台新增",
    "admin.delete": "管理后台删除",
}

OBJECTS: dict[str, str] = {
    "plan": "抽查计划",
    "task": "抽查任务",
    "draw": "抽取",
    "entity": "检查对象",
    "inspector": "执法检查人员",
    "conflict": "回避关系",
    "checkitem": "抽查事项",
    "region": "行政区划",
    "department": "部门",
    "user": "用户",
    "inspection": "检查",
    "import": "导入",
    "export": "导出",
    "audit": "审计",
    "backup": "备份",
    "login": "登录",
    "setup": "初始化",
    "result": "检查结果",
    "publication": "公示",
}

VERBS: dict[str, str] = {
    "create": "新增",
    "update": "修改",
    "delete": "删除",
    "import": "导入",
    "export": "导出",
    "publish": "公示",
    "approve": "批准",
    "reject": "退回",
    "submit": "提交",
    "sign": "签名",
    "withdraw": "撤回",
    "restore": "恢复",
    "verify": "核验",
}

# Object types in the audit log ("app_label.model") that are not project models.
MODELS: dict[str, str] = {
    "auth.group": "角色组",
    "auth.permission": "权限",
    "sessions.session": "会话",
    "contenttypes.contenttype": "内容类型",
}


def _choice_classes(cls=models.TextChoices):
    for sub in cls.__subclasses__():
        yield sub
        yield from _choice_classes(sub)


def choice_labels() -> dict[str, dict[str, str]]:
    """{TextChoices class name: {code: label}} for every TextChoices in the project."""
    return {
        cls.__name__: {str(v): str(label) for v, label in cls.choices}
        for cls in _choice_classes()
        if cls.__module__.startswith("shuangsuiji.")
    }


def _kind_key(kind: str) -> str:
    return kind.replace("_", "").lower()


def label(code, kind: str | None = None) -> str:
    """The Chinese label of ``code``; ``kind`` names a table ("rounding", "Rounding",
    "team_mode", "DrawStatus", "action", "model") when the same code could mean two things."""
    if code is None or code == "":
        return ""
    code = str(code)
    if kind in {"action", "audit_action"}:
        return action_label(code)
    if kind in {"model", "object_type"}:
        return model_label(code)
    tables = [*PROTOCOL.items(), *choice_labels().items()]
    if kind is not None:
        tables = [(k, t) for k, t in tables if _kind_key(k) == _kind_key(kind)] or tables
    for _name, table in tables:
        if code in table:
            return table[code]
    return code


def action_label(code: str) -> str:
    if code in ACTIONS:
        return ACTIONS[code]
    head, _, verb = code.partition(".")
    if head in OBJECTS and verb in VERBS:
        return f"{VERBS[verb]}{OBJECTS[head]}"
    if verb:
        return f"{OBJECTS.get(head, head)}：{VERBS.get(verb, verb)}"
    return OBJECTS.get(code, code)


def model_label(code: str) -> str:
    """``accounts.user`` → 用户 (the model's verbose_name)."""
    if code in MODELS:
        return MODELS[code]
    from django.apps import apps

    try:
        return str(apps.get_model(code)._meta.verbose_name)
    except (LookupError, ValueError):
        return code


def percent(rate_bp) -> str:
    """A rate in basis points as the percent every page uses: 100 → "1%", 250 → "2.5%"."""
    if rate_bp is None or rate_bp == "":
        return ""
    whole, frac = divmod(int(rate_bp), 100)
    return f"{whole}%" if not frac else f"{whole}.{frac:02d}".rstrip("0") + "%"
