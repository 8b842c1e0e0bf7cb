from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .throttle import client_ip, is_locked


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="用户名",
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用。",
        "locked": "登录失败次数过多，账号已暂时锁定，请 15 分钟后再试或联系管理员。",
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").lower()
        if username and is_locked(username, client_ip(self.request)):
            raise ValidationError(self.error_messages["locked"], code="locked")
        return super().clean()
