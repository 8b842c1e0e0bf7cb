"""First day of a district: ``ssj setup`` (region chain, joint office, departments), the
default check-item lists and the demo district. Sits above every app it fills."""
