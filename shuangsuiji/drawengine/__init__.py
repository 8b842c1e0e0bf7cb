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
from .commitments import (
    COMMITTED_KINDS,
    check_commitments,
    check_secret,
    commitment_of,
    new_secret,
    order_secrets,
    requires_commitments,
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
from .versions import check_extends

__all__ = [
    "COMMITTED_KINDS",
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
    "check_commitments",
    "check_extends",
    "check_secret",
    "commitment_of",
    "canonical_pool",
    "conflicts_digest",
    "make_seed",
    "new_secret",
    "next_inspector",
    "order_secrets",
    "next_substitute",
    "plan_inspector_change",
    "pool_digest",
    "rank",
    "requires_commitments",
    "reveal",
    "sample_size",
    "ticket",
    "verify_record",
]
