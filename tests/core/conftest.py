from tests.plans.fixtures import (  # noqa: F401
    announced,
    demo,
    office,
    plan,
    revealed,
    task_a,
)
