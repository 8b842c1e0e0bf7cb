"""Login, and the joint office's pages for the accounts of its region and login locks.

The pages parse input and call :mod:`shuangsuiji.accounts.services`, which checks the
role and region scope again and writes the audit row.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shuangsuiji.core.access import public_view, staff_view
from shuangsuiji.core.errors import DomainError, NotFound

from . import services, throttle
from .forms import DepartmentForm, LoginForm, PasswordResetForm, RolesForm, UserCreateForm
from .models import AccountLock, User

MANAGE = "accounts.manage_users"

login = public_view(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
        extra_context={"title": "登录"},
    )
)
logout = public_view(auth_views.LogoutView.as_view())


def _crumbs(*trail):
    return [
        ("工作台", reverse("core:home")),
        ("系统管理", reverse("core:system")),
        ("账号管理", reverse("users:list")),
        *trail,
    ]


@staff_view(MANAGE)
def user_list(request):
    q = request.GET.get("q", "").strip()
    qs = (
        User.objects.visible_to(request.user)
        .select_related("department__region")
        .prefetch_related("groups")
        .order_by("department__code", "username")
    )
    if q:
        qs = qs.filter(
            Q(username__icontains=q) | Q(full_name__icontains=q) | Q(department__name__icontains=q)
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "title": "账号管理",
            "q": q,
            "page": page,
            "lock_count": services.locks_visible_to(request.user).count(),
            "breadcrumbs": _crumbs()[:-1] + [("账号管理", None)],
        },
    )


@staff_view(MANAGE)
def user_create(request):
    form = UserCreateForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                request.user,
                username=data["username"],
                full_name=data["full_name"],
                roles=data["roles"],
                department=data["department"],
                password=data["password1"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, f"已新建账号：{user.username}")
            return redirect("users:detail", pk=user.pk)
    return render(
        request,
        "accounts/user_form.html",
        {"title": "新建账号", "form": form, "breadcrumbs": _crumbs(("新建账号", None))},
        status=status,
    )


def _detail(request, account: User, status: int = 200, **forms):
    account._role_cache = None
    context = {
        "title": "账号详情",
        "account": account,
        "can_change": not account.is_superuser or request.user.is_superuser,
        "roles_form": forms.get("roles_form")
        or RolesForm(initial={"roles": sorted(account.roles())}),
        "department_form": forms.get("department_form")
        or DepartmentForm(initial={"department": account.department_id}, user=request.user),
        "password_form": forms.get("password_form") or PasswordResetForm(),
        "locks": AccountLock.objects.active().filter(username=account.username.lower()),
        "breadcrumbs": _crumbs(("账号详情", None)),
    }
    return render(request, "accounts/user_detail.html", context, status=status)


@staff_view(MANAGE)
def user_detail(request, pk):
    return _detail(request, services.get_user_for(request.user, pk))


def _change(request, pk, form_class, form_key, apply, done: str, **form_kwargs):
    account = services.get_user_for(request.user, pk, "change")
    form = form_class(request.POST, **form_kwargs)
    if not form.is_valid():
        return _detail(request, account, 400, **{form_key: form})
    try:
        apply(account, form.cleaned_data)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _detail(request, account, exc.status, **{form_key: form})
    messages.success(request, done)
    return redirect("users:detail", pk=account.pk)


@require_POST
@staff_view(MANAGE)
def user_roles(request, pk):
    return _change(
        request,
        pk,
        RolesForm,
        "roles_form",
        lambda account, data: services.set_roles(request.user, account, data["roles"]),
        "已保存角色。",
    )


@require_POST
@staff_view(MANAGE)
def user_department(request, pk):
    return _change(
        request,
        pk,
        DepartmentForm,
        "department_form",
        lambda account, data: services.set_department(request.user, account, data["department"]),
        "已调整所属部门。",
        user=request.user,
    )


@require_POST
@staff_view(MANAGE)
def user_password(request, pk):
    return _change(
        request,
        pk,
        PasswordResetForm,
        "password_form",
        lambda account, data: services.reset_password(request.user, account, data["password1"]),
        "已重置密码；请通过安全渠道告知本人，并提醒其登录后自行修改。",
    )


@require_POST
@staff_view(MANAGE)
def user_active(request, pk):
    account = services.get_user_for(request.user, pk, "change")
    wanted = request.POST.get("active")
    if wanted not in ("0", "1"):
        messages.error(request, "请求不完整：缺少“启用/停用”。")
        return _detail(request, account, 400)
    try:
        if wanted == "1":
            services.reactivate_user(request.user, account)
        else:
            services.deactivate_user(request.user, account)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail(request, account, exc.status)
    messages.success(request, "已启用账号。" if wanted == "1" else "已停用账号。")
    return redirect("users:detail", pk=account.pk)


# Login locks ----------------------------------------------------------------------------


def _throttles_visible_to(user):
    """Live (account, address) throttles of accounts the user manages."""
    attempts = list(throttle.throttled_attempts()[:200])
    if user.is_superuser:
        return attempts
    managed = User.objects.visible_to(user).filter(is_superuser=False)
    visible = {name.lower() for name in managed.values_list("username", flat=True)}
    return [a for a in attempts if a.username in visible]


@staff_view(MANAGE)
def lock_list(request):
    return lock_list_page(request)


def lock_list_page(request, status: int = 200):
    return render(
        request,
        "accounts/lock_list.html",
        {
            "title": "登录锁定",
            "locks": services.locks_visible_to(request.user),
            "throttles": _throttles_visible_to(request.user),
            "breadcrumbs": _crumbs(("登录锁定", None)),
        },
        status=status,
    )


@require_POST
@staff_view(MANAGE)
def lock_lift(request, pk):
    lock = services.locks_visible_to(request.user).filter(pk=pk).first()
    if lock is None:
        raise NotFound(
            "没有找到该锁定记录，或它不在您的管理范围内。", code="accounts.lock_not_found"
        )
    try:
        services.unlock_account(request.user, lock)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已解除账号 {lock.username} 的锁定。")
    return redirect("users:locks")


@require_POST
@staff_view(MANAGE)
def throttle_clear(request):
    username = request.POST.get("username", "").strip()
    ip = request.POST.get("ip") or None
    if not username:
        messages.error(request, "请求不完整：缺少用户名。")
        return lock_list_page(request, status=400)
    try:
        services.clear_throttle(request.user, username, ip)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已解除 {username} 从 {ip or '—'} 登录的限速。")
    return redirect("users:locks")
