from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .throttle import lock_message


class LoginForm(AuthenticationForm):
    """The staff login. Throttling is django-axes' (``accounts.throttle``): a locked pair
    (account, address) or account is refused before the password is checked, and the
    form then says so instead of "wrong password"."""

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
    }

    def get_invalid_login_error(self):
        request = self.request
        if request is not None and (
            getattr(request, "ssj_lock", None) or getattr(request, "axes_locked_out", False)
        ):
            return ValidationError(lock_message(request), code="locked")
        return super().get_invalid_login_error()


# Staff pages: accounts of the joint office's region ------------------------------------


def _departments_for(user):
    from shuangsuiji.core.models import Department

    return (
        Department.objects.in_scope(user.scope_prefix)
        .filter(active=True)
        .select_related("region")
        .order_by("region__code", "code")
    )


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.name}）"


def _role_field(required: bool = True) -> forms.MultipleChoiceField:
    from .models import Role

    return forms.MultipleChoiceField(
        label="角色",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=required,
        error_messages={"required": "请至少选择一个角色。"},
    )


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 10 位，不能全是数字，不能与用户名相近。",
    )
    password2 = forms.CharField(
        label="再次输入新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password2(self):
        p1, p2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if p1 and p2 and p1 != p2:
            raise ValidationError("两次输入的密码不一致。")
        return p2


class UserCreateForm(NewPasswordMixin):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50, required=False)
    department = DepartmentChoiceField(label="所属部门", queryset=None)
    roles = _role_field()
    field_order = ["username", "full_name", "department", "roles", "password1", "password2"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments_for(user)


class RolesForm(forms.Form):
    roles = _role_field(required=False)


class DepartmentForm(forms.Form):
    department = DepartmentChoiceField(label="所属部门", queryset=None)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments_for(user)


class PasswordResetForm(NewPasswordMixin):
    pass
