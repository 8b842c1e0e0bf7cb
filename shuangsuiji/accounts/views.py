from __future__ import annotations

from django.contrib.auth import views as auth_views

from shuangsuiji.core.access import public_view

from .forms import LoginForm

login = public_view(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
        extra_context={"title": "登录"},
    )
)
logout = public_view(auth_views.LogoutView.as_view())
