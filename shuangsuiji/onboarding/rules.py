"""Who may set a district up: a superuser (the installer) or the command line."""

import rules

rules.add_perm("onboarding.set_up_district", rules.is_superuser)
