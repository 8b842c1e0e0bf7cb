"""Moved to :mod:`shuangsuiji.onboarding.defaults`; this name stays so older imports work."""

from shuangsuiji.onboarding.defaults import load_checklist, load_default_items  # noqa: F401
from shuangsuiji.onboarding.demo import ensure_mission_organisation  # noqa: F401
