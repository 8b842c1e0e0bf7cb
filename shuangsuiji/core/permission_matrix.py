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
    other_district_office_admin / other_district_dept_admin / other_district_auditor
                         the joint-office admin, the 文广旅局 department admin and the
                         auditor of another district (卫东区 410403). Unless a row says
                         otherwise they get, on 新华区 objects, what their counterpart gets
                         with every "allow" turned into "hidden" (the object does not exist
                         for them), and on pages without an object their counterpart's
                         outcome (their own district's lists and forms).

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
OTHER_OFFICE = "other_district_office_admin"
OTHER_DEPT_ADMIN = "other_district_dept_admin"
OTHER_AUDITOR = "other_district_auditor"
# Each other-district role and its counterpart in 新华区.
COUNTERPARTS = {
    OTHER_OFFICE: JOINT_OFFICE_ADMIN,
    OTHER_DEPT_ADMIN: DEPT_ADMIN_OWNER,
    OTHER_AUDITOR: AUDITOR,
}
OTHER_DISTRICT_ROLES = tuple(COUNTERPARTS)
DISTRICT_ROLES = (
    INSPECTOR_ON_TEAM,
    INSPECTOR_OFF_TEAM,
    DEPT_ADMIN_OWNER,
    DEPT_ADMIN_OTHER,
    JOINT_OFFICE_ADMIN,
    AUDITOR,
)
ROLES = (ANONYMOUS, *DISTRICT_ROLES, *OTHER_DISTRICT_ROLES)
STAFF_ROLES = ROLES[1:]

ALLOW, DENY, LOGIN, HIDDEN = "allow", "deny", "login", "hidden"
OUTCOMES = (ALLOW, DENY, LOGIN, HIDDEN)


def expect(default: str, anonymous: str = LOGIN, **roles: str) -> dict[str, str]:
    """Outcome per role: ``default`` for every 新华区 staff role unless named; the
    other district's roles get their counterpart's outcome unless named."""
    unknown = set(roles) - set(STAFF_ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    row = {ANONYMOUS: anonymous, **{r: roles.get(r, default) for r in DISTRICT_ROLES}}
    for role, counterpart in COUNTERPARTS.items():
        row[role] = roles.get(role, row[counterpart])
    return row


def foreign(row: dict[str, str], **roles: str) -> dict[str, str]:
    """``row`` for a 新华区 object: the other district's roles never see it ("allow"
    becomes "hidden"; a role check made before the lookup still answers "deny")."""
    out = dict(row)
    for role in OTHER_DISTRICT_ROLES:
        out[role] = roles.get(role, HIDDEN if row[role] == ALLOW else row[role])
    return out


def elsewhere(row: dict[str, str]) -> dict[str, str]:
    """For an object of the other district: hidden from 新华区 staff; the other
    district's roles get what their counterparts get at home (``row``)."""
    out = {ANONYMOUS: row[ANONYMOUS], **{r: HIDDEN for r in DISTRICT_ROLES}}
    for role, counterpart in COUNTERPARTS.items():
        out[role] = row[counterpart]
    return out


# Common rows.
PUBLIC = expect(ALLOW, anonymous=ALLOW)
STAFF = expect(ALLOW)
OFFICE = expect(DENY, joint_office_admin=ALLOW)
OFFICE_AND_AUDITOR = expect(DENY, joint_office_admin=ALLOW, auditor=ALLOW)
ADMINS = expect(DENY, joint_office_admin=ALLOW, dept_admin_owner=ALLOW, dept_admin_other=ALLOW)
OWNER_OR_OFFICE = expect(DENY, joint_office_admin=ALLOW, dept_admin_owner=ALLOW)
# An object of 新华区 owned by a department: the other district's auditor is refused by
# the lookup (404) before the role rule (403) is reached.
OWNED_HERE = foreign(OWNER_OR_OFFICE, other_district_auditor=HIDDEN)
# Organisation rows of 卫东区: changed by its own office admin only.
OFFICE_ELSEWHERE = expect(DENY, joint_office_admin=HIDDEN, other_district_office_admin=ALLOW)
# URL kwargs for the requesting user's own stored upload (check-item import).
OWN_UPLOAD = {"kind": "=items", "token": "upload:own"}
NO_TOKEN = "=" + "0" * 32


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
    """An object page checked on an object of 新华区 and of 卫东区, as everyone."""
    return Rule(
        (Case("own-district", foreign(row), own), Case("other-district", elsewhere(row), other))
    )


def _office_scoped(key: str, methods: tuple[str, ...]) -> Rule:
    """A joint-office page on an object of the own district and of the other one."""
    return Rule(
        (
            Case("own-district", foreign(OFFICE), {"pk": key}, methods),
            Case("other-district", OFFICE_ELSEWHERE, {"pk": f"{key}_weidong"}, methods),
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
    "registries:entity-edit": form(foreign(ADMINS), pk="entity"),
    "registries:entity-rate": post(foreign(ADMINS), pk="entity"),
    "registries:entity-correct-code": form(foreign(ADMINS), pk="entity"),
    # Inspectors (owned by their department).
    "registries:inspector-list": page(STAFF),
    "registries:inspector-create": form(ADMINS),
    "registries:inspector-detail": scoped(
        STAFF, {"pk": "inspector_culture"}, {"pk": "inspector_weidong"}
    ),
    "registries:inspector-edit": form(OWNED_HERE, pk="inspector_culture"),
    "registries:inspector-unavailable-add": post(OWNED_HERE, pk="inspector_culture"),
    "registries:inspector-unavailable-remove": post(
        OWNED_HERE, pk="inspector_culture", period_pk="period_culture"
    ),
    # Conflicts (回避, owned by the inspector's department).
    "registries:conflict-list": page(STAFF),
    "registries:conflict-declare": form(ADMINS),
    "registries:conflict-withdraw": Rule(
        (
            Case("own-district", OWNED_HERE, {"pk": "conflict_culture"}, ("GET", "POST")),
            Case("other-district", elsewhere(OWNER_OR_OFFICE), {"pk": "conflict_weidong"}),
        )
    ),
    # Check items (owned by their department).
    "registries:checkitem-list": page(STAFF),
    "registries:checkitem-create": form(ADMINS),
    "registries:checkitem-edit": Rule(
        (
            Case("own-district", OWNED_HERE, {"pk": "item_culture"}, ("GET", "POST")),
            Case("other-district", elsewhere(OWNER_OR_OFFICE), {"pk": "item_weidong"}),
        )
    ),
    # Organisation (reference data: read by all staff, changed by the joint office).
    "registries:region-list": page(STAFF),
    "registries:region-create": form(OFFICE),
    "registries:region-detail": page(STAFF, pk="region"),
    "registries:region-edit": Rule(
        (
            Case("own-district", foreign(OFFICE), {"pk": "region"}, ("GET", "POST")),
            Case(
                "other-district",
                OFFICE_ELSEWHERE,
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
            Case("own-district", foreign(OFFICE), {"pk": "culture"}, ("GET", "POST")),
            Case(
                "other-district",
                OFFICE_ELSEWHERE,
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
                    # the "other" upload is this office admin's own
                    other_district_office_admin=ALLOW,
                    other_district_dept_admin=HIDDEN,
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
    "plans:plan-import-sample": page(STAFF),
    # A stored Annex 1 upload belongs to its uploader: an unknown token is a 404.
    "plans:plan-import-preview": page(expect(DENY, joint_office_admin=HIDDEN), token=NO_TOKEN),
    "plans:plan-import-commit": post(expect(DENY, joint_office_admin=HIDDEN), token=NO_TOKEN),
    "plans:plan": scoped(STAFF, {"pk": "plan"}, {"pk": "plan_weidong"}),
    "plans:plan-edit": form(foreign(OFFICE), pk="plan"),
    "plans:plan-export": page(foreign(STAFF), pk="plan", fmt="=xlsx"),
    "plans:task-create": form(foreign(OFFICE), plan_pk="plan"),
    "plans:task": scoped(STAFF, {"pk": "task_joint"}, {"pk": "task_weidong"}),
    "plans:task-edit": form(foreign(OFFICE), pk="task_joint"),
    "plans:announce": post(foreign(OFFICE), task_pk="task_joint"),
    "plans:draw": scoped(STAFF, {"pk": "draw_joint"}, {"pk": "draw_weidong"}),
    "plans:reveal": post(foreign(OFFICE), pk="draw_joint"),
    "plans:substitute": post(foreign(OFFICE), pk="draw_joint"),
    "plans:propose-substitution": post(foreign(OFFICE), pk="draw_joint"),
    "plans:review-substitution": post(foreign(ADMINS), pk="draw_joint"),
    "plans:change-inspector": post(foreign(OFFICE), pk="draw_joint"),
    "plans:void": post(foreign(OFFICE), pk="draw_joint"),
    "plans:record-json": scoped(STAFF, {"pk": "draw_joint"}, {"pk": "draw_weidong"}),
    "plans:inputs-csv": page(foreign(OFFICE_AND_AUDITOR), pk="draw_joint", which="=inspectors"),
    # 检查实施.
    "inspections:list": page(STAFF),
    "inspections:detail": Rule(
        (
            Case(
                "joint-task",
                foreign(expect(ALLOW, inspector_off_team=DENY)),
                {"pk": "inspection_joint"},
            ),
            Case(
                "culture-only-task",
                foreign(expect(ALLOW, inspector_off_team=DENY, dept_admin_other=DENY)),
                {"pk": "inspection_solo"},
            ),
            Case(
                "other-district",
                elsewhere(expect(ALLOW, inspector_off_team=DENY)),
                {"pk": "inspection_weidong"},
            ),
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
# not our roles) get in; none of the matrix's roles has it, so all are sent to its login.
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
