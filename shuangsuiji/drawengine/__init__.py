"""ssj-draw-v1: publicly verifiable draws of inspection targets and inspectors.

Pure package (no Django). Normative description: ``docs/draw-protocol.md``.
"""

from .assignment import (
    INSPECTOR_CHANGE_REASONS,
    TEAM_MODES,
    AssignmentError,
    Conflict,
    Inspector,
    InspectorPool,
    apply_inspector_change,
    canonical_conflicts,
    canonical_pool,
    conflicts_digest,
    next_inspector,
    plan_inspector_change,
    pool_digest,
)
from .protocol import (
    PROTOCOL,
    ROUNDING_RULES,
    DrawError,
    VerificationError,
    announcement_digest,
    build_announcement,
    canonical_beacon,
    canonical_json,
    make_seed,
    sample_size,
)
from .record import SUBSTITUTION_REASONS, apply_substitution, next_substitute, reveal
from .tickets import rank, ticket
from .verify import verify_record

__all__ = [
    "INSPECTOR_CHANGE_REASONS",
    "PROTOCOL",
    "ROUNDING_RULES",
    "SUBSTITUTION_REASONS",
    "TEAM_MODES",
    "AssignmentError",
    "Conflict",
    "DrawError",
    "Inspector",
    "InspectorPool",
    "VerificationError",
    "announcement_digest",
    "apply_inspector_change",
    "apply_substitution",
    "build_announcement",
    "canonical_beacon",
    "canonical_conflicts",
    "canonical_json",
    "canonical_pool",
    "conflicts_digest",
    "make_seed",
    "next_inspector",
    "next_substitute",
    "plan_inspector_change",
    "pool_digest",
    "rank",
    "reveal",
    "sample_size",
    "ticket",
    "verify_record",
]
