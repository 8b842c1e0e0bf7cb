"""Moved to :mod:`shuangsuiji.onboarding.demo`; this name stays so older imports work."""

from shuangsuiji.onboarding.demo import (  # noqa: F401
    ACCOUNTS,
    DEMO_PASSWORD,
    account_lines,
    demo_credit_codes,
    ensure_mission_organisation,
    is_loaded,
    load_demo,
)
