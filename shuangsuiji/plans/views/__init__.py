"""Staff views for plans, tasks and draws, split by area (plans, tasks, draws)."""
