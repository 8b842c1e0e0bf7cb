"""The Django admin app with the superuser-only, audited site (see ``admin_site``).

Its own module: app configs load before models, and the site imports the audit service.
"""

from django.contrib.admin.apps import AdminConfig


class SuperuserAdminConfig(AdminConfig):
    default_site = "shuangsuiji.accounts.admin_site.SuperuserAdminSite"
