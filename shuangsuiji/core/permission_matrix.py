"""The permission matrix: every URL × every role, declared in one place (fail closed).

``tests/permissions/test_matrix.py`` walks the URL configuration and fails for any URL
name missing here (and for entries whose URL no longer exists), then builds a fixture
world, logs in as each role and checks every declared outcome. The REST API (roadmap)
adds its endpoints here too, so the API permission tests mirror the UI's.

Roles (all in district 410402 新华区 unless the case says otherwise)
    anonymous            not logged in
    inspector_on_team    inspector whose ``Inspector`` record leads the inspection's team
    inspector_off_team   inspector of the same department, not on the team
    dept_admin_owner     department admin of the department owning the object
    dept_admin_other     department admin of another department of the same district
    joint_office_admin   joint-office admin (联席办管理员)
    auditor              auditor (审计员, read-only)

"Owning department" of an object
    inspector, check item, conflict, unavailable period   the inspector's / item's department
    inspection                                            the task's initiating department
    plan, task, draw        joint-office owned: no department owns them; "owner" and "other"
                            department admins get the same outcome (both may read, neither
                            may change); in the world the owner is 文广旅局 (initiates the
                            tasks) and the other is 公安分局 (cooperates in the joint task).
    entity                  no owning department: any department admin may edit entities
    region, department      organisation reference data: every staff member reads it, only
                            the joint-office admin changes it, and only inside their region
                            scope (another district's region or department is hidden: 404).

Outcomes
    allow   2xx/3xx that is not a redirect to the login page (for POST: anything but
            403, 404, 405 or a login redirect; an empty form may answer 400)
    deny    403
    login   302 to the login page (the Django admin's login page for ``admin:*``)
    hidden  404: the object is outside the user's region, or is not theirs (an upload
            token of another user). Outside their region a user never learns an object
            exists; inside it, an inspector not on the team gets 403 (documented choice).

Each URL has one or more cases; ``args`` map URL kwargs to keys of the test world
(``tests/permissions/world.py``); a value starting with ``=`` is a literal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ANONYMOUS = "anonymous"
INSPECTOR_ON_TEAM = "inspector_on_team"
INSPECTOR_OFF_TEAM = "inspector_off_team"
DEPT_ADMIN_OWNER = "dept_admin_owner"
DEPT_ADMIN_OTHER = "dept_admin_other"
JOINT_OFFICE_ADMIN = "joint_office_admin"
AUDITOR = "auditor"
ROLES = (
    ANONYMOUS,
    INSPECTOR_ON_TEAM,
    INSPECTOR_OFF_TEAM,
    DEPT_ADMIN_OWNER,
    DEPT_ADMIN_OTHER,
    JOINT_OFFICE_ADMIN,
    AUDITOR,
)
STAFF_ROLES = ROLES[1:]

ALLOW, DENY, LOGIN, HIDDEN = "allow", "deny", "login", "hidden"
OUTCOMES = (ALLOW, DENY, LOGIN, HIDDEN)


def expect(default: str, anonymous: str = LOGIN, **roles: str) -> dict[str, str]:
    """Outcome per role: ``default`` for every staff role unless named."""
    unknown = set(roles) - set(STAFF_ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    return {ANONYMOUS: anonymous, **{r: roles.get(r, default) for r in STAFF_ROLES}}


# Common rows.
PUBLIC = expect(ALLOW, anonymous=ALLOW)
STAFF = expect(ALLOW)
OFFICE = expect(DENY, joint_office_admin=ALLOW)
OFFICE_AND_AUDITOR = expect(DENY, joint_office_admin=ALLOW, auditor=ALLOW)
ADMINS = expect(DENY, joint_office_admin=ALLOW, dept_admin_owner=ALLOW, dept_admin_other=ALLOW)
OWNER_OR_OFFICE = expect(DENY, joint_office_admin=ALLOW, dept_admin_owner=ALLOW)
HIDDEN_FROM_STAFF = expect(HIDDEN)
# URL kwargs for the requesting user's own stored upload (check-item import).
OWN_UPLOAD = {"kind": "=items", "token": "upload:own"}


@dataclass(frozen=True)
class Case:
    label: str
    expect: dict[str, str]
    args: dict[str, str] = field(default_factory=dict)
    methods: tuple[str, ...] = ("GET",)
    # Logout sends everyone to the login page by design: that redirect is the success.
    login_redirect_allowed: bool = False


@dataclass(frozen=True)
class Rule:
    cases: tuple[Case, ...]
    note: str = ""


def page(row: dict[str, str], label: str = "page", **args: str) -> Rule:
    return Rule((Case(label, row, args),))


def form(row: dict[str, str], **args: str) -> Rule:
    """A page with a form: GET renders it, POST (empty) validates or writes."""
    return Rule((Case("form", row, args, ("GET", "POST")),))


def post(row: dict[str, str], **args: str) -> Rule:
    """A POST-only endpoint (GET answers 405 and reveals nothing)."""
    return Rule((Case("post", row, args, ("POST",)),))


def scoped(row: dict[str, str], own: dict[str, str], other: dict[str, str]) -> Rule:
    """An object page checked on an object of the users' district and of another one."""
    return Rule((Case("own-district", row, own), Case("other-district", HIDDEN_FROM_STAFF, other)))


def _office_scoped(key: str, methods: tuple[str, ...]) -> Rule:
    """A joint-office page on an object of the own district and of the other one."""
    return Rule(
        (
            Case("own-district", OFFICE, {"pk": key}, methods),
            Case(
                "other-district",
                expect(DENY, joint_office_admin=HIDDEN),
                {"pk": f"{key}_weidong"},
                methods,
            ),
        )
    )


MATRIX: dict[str, Rule] = {
    # Start page, login.
    "home-root": page(STAFF),
    "core:home": page(STAFF),
    "core:system": page(OFFICE_AND_AUDITOR),
    # Setting a district up is the installer's: superusers only (no role of the matrix).
    "onboarding:setup": form(expect(DENY)),
    "accounts:login": page(PUBLIC),
    "accounts:logout": Rule(
        (Case("post", PUBLIC, methods=("POST",), login_redirect_allowed=True),),
        note="logout is POST-only and redirects to the login page",
    ),
    # Accounts of the region and login locks (joint office; another district's: 404).
    "users:list": page(OFFICE),
    "users:create": form(OFFICE),
    "users:detail": _office_scoped("account", ("GET",)),
    "users:roles": _office_scoped("account", ("POST",)),
    "users:department": _office_scoped("account", ("POST",)),
    "users:password": _office_scoped("account", ("POST",)),
    "users:active": _office_scoped("account", ("POST",)),
    "users:locks": page(OFFICE),
    "users:lock-lift": _office_scoped("lock", ("POST",)),
    "users:throttle-clear": post(OFFICE),
    # 一单两库: entities.
    "registries:index": page(STAFF),
    "registries:entity-list": page(STAFF),
    "registries:entity-create": form(ADMINS),
    "registries:entity-detail": scoped(STAFF, {"pk": "entity"}, {"pk": "entity_weidong"}),
    "registries:entity-edit": form(ADMINS, pk="entity"),
    "registries:entity-rate": post(ADMINS, pk="entity"),
    "registries:entity-correct-code": form(ADMINS, pk="entity"),
    # Inspectors (owned by their department).
    "registries:inspector-list": page(STAFF),
    "registries:inspector-create": form(ADMINS),
    "registries:inspector-detail": scoped(
        STAFF, {"pk": "inspector_culture"}, {"pk": "inspector_weidong"}
    ),
    "registries:inspector-edit": form(OWNER_OR_OFFICE, pk="inspector_culture"),
    "registries:inspector-unavailable-add": post(OWNER_OR_OFFICE, pk="inspector_culture"),
    "registries:inspector-unavailable-remove": post(
        OWNER_OR_OFFICE, pk="inspector_culture", period_pk="period_culture"
    ),
    # Conflicts (回避, owned by the inspector's department).
    "registries:conflict-list": page(STAFF),
    "registries:conflict-declare": form(ADMINS),
    "registries:conflict-withdraw": Rule(
        (
            Case("own-district", OWNER_OR_OFFICE, {"pk": "conflict_culture"}, ("GET", "POST")),
            Case("other-district", HIDDEN_FROM_STAFF, {"pk": "conflict_weidong"}),
        )
    ),
    # Check items (owned by their department).
    "registries:checkitem-list": page(STAFF),
    "registries:checkitem-create": form(ADMINS),
    "registries:checkitem-edit": Rule(
        (
            Case("own-district", OWNER_OR_OFFICE, {"pk": "item_culture"}, ("GET", "POST")),
            Case("other-district", HIDDEN_FROM_STAFF, {"pk": "item_weidong"}),
        )
    ),
    # Organisation (reference data: read by all staff, changed by the joint office).
    "registries:region-list": page(STAFF),
    "registries:region-create": form(OFFICE),
    "registries:region-detail": page(STAFF, pk="region"),
    "registries:region-edit": Rule(
        (
            Case("own-district", OFFICE, {"pk": "region"}, ("GET", "POST")),
            Case(
                "other-district",
                expect(DENY, joint_office_admin=HIDDEN),
                {"pk": "region_weidong"},
                ("GET", "POST"),
            ),
        )
    ),
    "registries:department-list": page(STAFF),
    "registries:department-create": form(OFFICE),
    "registries:department-detail": page(STAFF, pk="culture"),
    "registries:department-edit": Rule(
        (
            Case("own-district", OFFICE, {"pk": "culture"}, ("GET", "POST")),
            Case(
                "other-district",
                expect(DENY, joint_office_admin=HIDDEN),
                {"pk": "culture_weidong"},
                ("GET", "POST"),
            ),
        )
    ),
    # Imports (an upload token belongs to its uploader) and exports (region-scoped rows).
    "registries:import-start": form(ADMINS, kind="=items"),
    "registries:import-template": page(STAFF, kind="=items"),
    "registries:import-preview": Rule(
        (
            Case("own-upload", ADMINS, {"kind": "=items", "token": "upload:own"}),
            Case(
                "someone-elses-upload",
                expect(
                    DENY,
                    joint_office_admin=HIDDEN,
                    dept_admin_owner=HIDDEN,
                    dept_admin_other=HIDDEN,
                ),
                {"kind": "=items", "token": "upload:other"},
            ),
        )
    ),
    "registries:import-commit": post(ADMINS, **OWN_UPLOAD),
    "registries:import-errors": page(ADMINS, **OWN_UPLOAD),
    "registries:export": Rule(
        tuple(
            Case(kind, STAFF, {"kind": f"={kind}"})
            for kind in ("entities", "inspectors", "conflicts", "items")
        ),
        note="rows are region-scoped: see tests/permissions/test_region_scope.py",
    ),
    # 计划与抽取 (joint-office owned).
    "plans:index": page(STAFF),
    "reports:index": page(STAFF),
    "reports:publication": page(STAFF),
    "plans:plan-create": form(OFFICE),
    "plans:plan-import": form(OFFICE),
    "plans:plan": scoped(STAFF, {"pk": "plan"}, {"pk": "plan_weidong"}),
    "plans:plan-edit": form(OFFICE, pk="plan"),
    "plans:plan-export": page(STAFF, pk="plan", fmt="=xlsx"),
    "plans:task-create": form(OFFICE, plan_pk="plan"),
    "plans:task": scoped(STAFF, {"pk": "task_joint"}, {"pk": "task_weidong"}),
    "plans:task-edit": form(OFFICE, pk="task_joint"),
    "plans:announce": post(OFFICE, task_pk="task_joint"),
    "plans:draw": scoped(STAFF, {"pk": "draw_joint"}, {"pk": "draw_weidong"}),
    "plans:reveal": post(OFFICE, pk="draw_joint"),
    "plans:substitute": post(OFFICE, pk="draw_joint"),
    "plans:propose-substitution": post(OFFICE, pk="draw_joint"),
    "plans:review-substitution": post(ADMINS, pk="draw_joint"),
    "plans:change-inspector": post(OFFICE, pk="draw_joint"),
    "plans:void": post(OFFICE, pk="draw_joint"),
    "plans:record-json": scoped(STAFF, {"pk": "draw_joint"}, {"pk": "draw_weidong"}),
    "plans:inputs-csv": page(OFFICE_AND_AUDITOR, pk="draw_joint", which="=inspectors"),
    # 检查实施.
    "inspections:list": page(STAFF),
    "inspections:detail": Rule(
        (
            Case(
                "joint-task",
                expect(ALLOW, inspector_off_team=DENY),
                {"pk": "inspection_joint"},
            ),
            Case(
                "culture-only-task",
                expect(ALLOW, inspector_off_team=DENY, dept_admin_other=DENY),
                {"pk": "inspection_solo"},
            ),
            Case("other-district", HIDDEN_FROM_STAFF, {"pk": "inspection_weidong"}),
        ),
        note="joint task: 文广旅局 initiates, 公安分局 (the 'other' admin) cooperates",
    ),
    # Audit log.
    "audit:list": page(OFFICE_AND_AUDITOR),
    "audit:export": page(OFFICE_AND_AUDITOR),
    # Public portal.
    "portal:index": page(PUBLIC),
    "portal:verify": page(PUBLIC),
    "portal:draw": page(PUBLIC, code="draw_joint.code"),
    "portal:announcement-json": page(PUBLIC, code="draw_joint.code"),
    "portal:record-json": page(PUBLIC, code="draw_joint.code"),
    "portal:record-version-json": page(PUBLIC, code="draw_joint.code", number="=1"),
    "portal:audit-heads": page(PUBLIC),
    "portal:audit-heads-json": page(PUBLIC),
}

# The Django admin: one wildcard rule. Only accounts with ``is_staff`` (Django's flag,
# not our roles) get in; none of the seven roles has it, so all are sent to its login.
ADMIN_PREFIX = "admin:"
ADMIN_RULE = Rule(
    (Case("admin", expect(LOGIN)),),
    note="staff-only via Django admin; checked on a sample of admin URLs",
)
ADMIN_SAMPLES = (
    "admin:index",
    "admin:accounts_user_changelist",
    "admin:registries_entity_changelist",
)


def rule_for(name: str) -> Rule | None:
    if name.startswith(ADMIN_PREFIX):
        return ADMIN_RULE
    return MATRIX.get(name)
