"""Pages: logging on (login, MFA enrol/verify, forced password change), step-up, my sessions, user
administration and API tokens. Thin: forms parse, ``logon``/``services``/``queries`` decide.

The logon pages are declared PUBLIC (a half-logged-on user has no Actor yet) and check the logon state
themselves: each sends the user to the next step they still owe (``next_step_url``).
"""

from __future__ import annotations

import base64

import django_otp
import segno
from django.conf import settings
from django.contrib import auth, messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from oms.accounts import logon, queries, rules, services
from oms.accounts.forms import (
    AccessForm,
    CodeForm,
    DisableForm,
    LoginForm,
    PasswordChangeForm,
    StepUpForm,
    TokenCreateForm,
    UserCreateForm,
)
from oms.accounts.middleware import cycle_session_key, start_session_clocks, track_session
from oms.accounts.models import LoginAttempt, User
from oms.accounts.roles import permission_catalogue
from oms.core import clock
from oms.core.errors import DomainError
from oms.core.middleware import client_ip
from oms.web.access import AUTHENTICATED, PUBLIC, page
from oms.web.step_up import SESSION_KEY as STEP_UP_SESSION_KEY
from oms.web.step_up import step_up_required

NEXT_KEY = "oms_after_logon"


def _ip(request) -> str | None:
    return client_ip(request, settings.TRUSTED_PROXIES)


def _safe_next(request, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return None


def _is_verified(user) -> bool:
    # django-otp's middleware marks the device on the user; right after auth.login the user is plain.
    return getattr(user, "otp_device", None) is not None


def next_step_url(request) -> str:
    """Where a user in the middle of logging on goes next."""
    user = request.user
    if not user.is_authenticated:
        return reverse("accounts:login")
    if not _is_verified(user):
        if logon.confirmed_device(user) is None:
            return reverse("accounts:mfa_enrol")
        return reverse("accounts:mfa_verify")
    if user.must_change_password:
        return reverse("accounts:password_change")
    return request.session.pop(NEXT_KEY, None) or reverse(settings.LOGIN_REDIRECT_URL)


def _refusal(request, outcome: logon.LogonOutcome) -> HttpResponse | None:
    """The shared answers for locked and throttled attempts (returned, never raised: see logon.py)."""
    if outcome.status == logon.LOCKED:
        return render(request, "accounts/locked.html", status=423)
    if outcome.status == logon.THROTTLED:
        response = render(request, "accounts/throttled.html", {"retry_after": outcome.retry_after}, status=429)
        response["Retry-After"] = str(outcome.retry_after)
        return response
    return None


def _form_error(form, exc: DomainError) -> None:
    # Callers run the service in a savepoint (transaction.atomic), so a refused change leaves nothing
    # behind while the page with the explanation still renders in the request transaction.
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.detail)


# --- logging on -------------------------------------------------------------------------------------


@page(PUBLIC)
def login(request):
    if request.user.is_authenticated:
        return redirect(next_step_url(request))
    form = LoginForm(request.POST or None)
    if request.method == "GET":
        wanted = _safe_next(request, request.GET.get("next"))
        if wanted:
            request.session[NEXT_KEY] = wanted
    if request.method == "POST" and form.is_valid():
        outcome = logon.check_password_step(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            ip=_ip(request),
            channel="web",
        )
        refusal = _refusal(request, outcome)
        if refusal:
            return refusal
        if outcome.ok:
            wanted = request.session.get(NEXT_KEY)
            auth.login(request, outcome.user, backend="django.contrib.auth.backends.ModelBackend")
            if wanted:
                request.session[NEXT_KEY] = wanted
            start_session_clocks(request)
            return redirect(next_step_url(request))
        # One message for every failure, whether the username exists or not (AUTH-2).
        form.add_error(None, "Enter a correct username and password.")
    return render(request, "accounts/login.html", {"form": form, "banner": settings.LOGIN_BANNER})


def _logon_user_awaiting_mfa(request) -> User | None:
    user = request.user
    return user if user.is_authenticated and not _is_verified(user) else None


def _finish_logon(request, outcome: logon.LogonOutcome) -> None:
    django_otp.login(request, outcome.device)
    cycle_session_key(request)
    logon.complete_logon(outcome, ip=_ip(request), channel="web")
    request.session[STEP_UP_SESSION_KEY] = clock.now().isoformat()  # both factors were just checked
    track_session(request, outcome.user)
    user = outcome.user
    if (
        rules.password_change_due(
            now=clock.now(),
            must_change=user.must_change_password,
            changed_at=user.password_changed_at,
            max_age=settings.PASSWORD_MAX_AGE,
        )
        and not user.must_change_password
    ):
        services.flag_expired_password(
            logon.logon_actor(user, user.username, channel="web", ip=_ip(request)), user=user
        )


@page(PUBLIC)
def mfa_verify(request):
    user = _logon_user_awaiting_mfa(request)
    if user is None or logon.confirmed_device(user) is None:
        return redirect(next_step_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = logon.check_second_factor_step(
            user=user, code=form.cleaned_data["code"], ip=_ip(request), channel="web"
        )
        refusal = _refusal(request, outcome)
        if refusal:
            return refusal
        if outcome.ok:
            _finish_logon(request, outcome)
            if outcome.factor == "recovery_code":
                messages.warning(request, f"You used a recovery code. You have {outcome.notes['remaining']} left.")
            return redirect(next_step_url(request))
        form.add_error("code", "Enter a correct code.")
    return render(request, "accounts/mfa_verify.html", {"form": form})


def _qr_svg(url: str) -> str:
    # segno draws the QR code as inline SVG on the server: no external image, nothing for CSP to allow.
    return segno.make(url, error="m").svg_inline(
        scale=4, dark="#0b0c0c", light="#ffffff", border=2, title="QR code to add OMS to your authenticator app"
    )


@page(PUBLIC)
def mfa_enrol(request):
    user = _logon_user_awaiting_mfa(request)
    if user is None or logon.confirmed_device(user) is not None:
        return redirect(next_step_url(request))
    device = logon.pending_device(user) or logon.start_totp_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome, codes = logon.confirm_totp_enrolment(
            user=user, code=form.cleaned_data["code"], ip=_ip(request), channel="web"
        )
        refusal = _refusal(request, outcome)
        if refusal:
            return refusal
        if outcome.ok:
            _finish_logon(request, outcome)
            # Shown once: only their hashes are kept.
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next_url": next_step_url(request)})
        form.add_error("code", "Enter the code your authenticator app shows now.")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "qr_svg": _qr_svg(device.config_url),
        },
    )


@page(PUBLIC)
def password_change(request):
    """Voluntary and forced changes; needs both factors (the forced case has no Actor yet)."""
    user = request.user
    if not (user.is_authenticated and _is_verified(user)):
        return redirect(next_step_url(request))
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = logon.logon_actor(user, user.username, channel="web", ip=_ip(request))
        try:
            with transaction.atomic():
                services.change_own_password(
                    actor,
                    user=user,
                    current_password=form.cleaned_data["current_password"],
                    new_password=form.cleaned_data["new_password"],
                )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            auth.update_session_auth_hash(request, user)
            cycle_session_key(request)
            messages.success(request, "Your password has been changed.")
            return redirect(next_step_url(request))
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "forced": user.must_change_password,
            "password_hint": f"At least {settings.PASSWORD_MIN_LENGTH} characters. Several unrelated words make a"
            " strong password. Common passwords and your username are not allowed.",
        },
    )


@page(PUBLIC)
@require_POST
def logout(request):
    user = request.user
    if user.is_authenticated:
        actor = logon.logon_actor(user, user.username, channel="web", ip=_ip(request))
        services.record_session_end(actor, session_key=request.session.session_key or "", reason="logout")
    auth.logout(request)  # deletes the server-side session (SES-1)
    return redirect("accounts:login")


@page(AUTHENTICATED)
def step_up(request):
    """Re-authenticate (password + code) before a privileged action (AUTH-6)."""
    user = request.user
    wanted = _safe_next(request, request.GET.get("next") or request.POST.get("next")) or reverse("web:home")
    form = StepUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind = LoginAttempt.Kind.STEP_UP
        outcome = logon.check_password_step(
            username=user.username, password=form.cleaned_data["password"], ip=_ip(request), channel="web", kind=kind
        )
        if outcome.ok:
            outcome = logon.check_second_factor_step(
                user=user, code=form.cleaned_data["code"], ip=_ip(request), channel="web", kind=kind
            )
        refusal = _refusal(request, outcome)
        if refusal:
            return refusal
        if outcome.ok:
            cycle_session_key(request)  # a privilege change gets a new session id
            request.session[STEP_UP_SESSION_KEY] = clock.now().isoformat()
            return redirect(wanted)
        form.add_error(None, "Enter your correct password and a new code.")
    return render(request, "accounts/step_up.html", {"form": form, "next_url": wanted})


# --- my sessions -----------------------------------------------------------------------------------------


@page(AUTHENTICATED)
def my_sessions(request):
    return render(
        request,
        "accounts/sessions.html",
        {"sessions": queries.sessions_of(request.user), "current_key": request.session.session_key},
    )


@page(AUTHENTICATED)
@require_POST
def end_session(request, session_id: int):
    services.end_own_session(
        request.actor, user=request.user, session_id=session_id, current_session_key=request.session.session_key
    )
    messages.success(request, "That session has been ended.")
    return redirect("accounts:sessions")


# --- user administration ------------------------------------------------------------------------------


@page("accounts.manage_users")
@step_up_required
def user_list(request):
    text, status = request.GET.get("q", ""), request.GET.get("status", "")
    users = queries.search_users(request.actor, text=text, status=status)
    page_obj = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {
            "page_obj": page_obj,
            "q": text,
            "status": status,
            "status_choices": [("active", "Active"), ("locked", "Locked"), ("disabled", "Disabled")],
        },
    )


def _access_request(form) -> services.AccessRequest:
    data = form.cleaned_data
    return services.AccessRequest(
        organisation=data.get("organisation"),
        scope=data["scope"],
        sites=list(data.get("sites") or []),
        role_codes=list(data.get("roles") or []),
    )


@page("accounts.manage_users")
@step_up_required
def user_create(request):
    form = UserCreateForm(request.POST or None, actor=request.actor)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                created = services.create_user(
                    request.actor,
                    username=form.cleaned_data["username"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                    email=form.cleaned_data["email"],
                    access=_access_request(form),
                    expires_at=form.expires_at(clock.now()),
                    is_service_account=form.cleaned_data["is_service_account"],
                )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _form_error(form, exc)
        else:
            return render(
                request, "accounts/user_created.html", {"user_obj": created.user, "password": created.one_time_password}
            )
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@page("accounts.manage_users")
@step_up_required
def user_detail(request, public_id):
    user = queries.get_user(request.actor, public_id)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "user_obj": user,
            "roles": queries.role_codes_of(user),
            "sites": user.sites.all(),
            "open_sessions": queries.sessions_of(user).count(),
            "is_self": user.pk == request.actor.user_id,
            "disable_form": DisableForm(),
        },
    )


@page("accounts.manage_users")
@step_up_required
def user_access(request, public_id):
    user = queries.get_user(request.actor, public_id)
    initial = {
        "organisation": user.organisation,
        "scope": user.scope,
        "sites": list(user.sites.all()),
        "roles": queries.role_codes_of(user),
    }
    form = AccessForm(request.POST or None, actor=request.actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.change_access(request.actor, user_id=user.public_id, access=_access_request(form))
        except DomainError as exc:
            if exc.status == 404:
                raise
            _form_error(form, exc)
        else:
            messages.success(request, f"Access for {user.username} has been changed.")
            return redirect("accounts:user_detail", public_id=user.public_id)
    return render(request, "accounts/user_form.html", {"form": form, "user_obj": user, "creating": False})


def _user_action(request, public_id, action, done: str):
    action(request.actor, user_id=public_id)
    messages.success(request, done)
    return redirect("accounts:user_detail", public_id=public_id)


@page("accounts.unlock_users")
@step_up_required
@require_POST
def user_unlock(request, public_id):
    return _user_action(request, public_id, services.unlock_user, "The account has been unlocked.")


@page("accounts.manage_users")
@step_up_required
@require_POST
def user_enable(request, public_id):
    return _user_action(request, public_id, services.enable_user, "The account has been re-enabled.")


@page("accounts.manage_users")
@step_up_required
@require_POST
def user_reset_mfa(request, public_id):
    return _user_action(
        request, public_id, services.reset_mfa, "The authenticator was removed; they enrol again at next logon."
    )


@page("accounts.manage_users")
@step_up_required
@require_POST
def user_disable(request, public_id):
    form = DisableForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.disable_user(request.actor, user_id=public_id, reason=reason)
    messages.success(request, "The account has been disabled and its sessions ended.")
    return redirect("accounts:user_detail", public_id=public_id)


@page("accounts.manage_users")
@step_up_required
@require_POST
def user_reset_password(request, public_id):
    user = queries.get_user(request.actor, public_id)
    password = services.reset_password(request.actor, user_id=public_id)
    return render(request, "accounts/user_created.html", {"user_obj": user, "password": password, "reset": True})


# --- API tokens -------------------------------------------------------------------------------------------


@page("accounts.manage_api_clients")
@step_up_required
def token_list(request):
    actor = request.actor
    form = TokenCreateForm(
        request.POST or None,
        owners=queries.reachable_users(actor).filter(disabled_at__isnull=True),
        catalogue=permission_catalogue(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                issued = services.create_api_token(
                    actor,
                    owner_id=form.cleaned_data["owner"],
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _form_error(form, exc)
        else:
            return render(request, "accounts/token_created.html", {"token": issued.token, "secret": issued.secret})
    return render(request, "accounts/tokens.html", {"tokens": queries.api_tokens(actor)[:200], "form": form})


@page("accounts.manage_api_clients")
@step_up_required
@require_POST
def token_revoke(request, public_id):
    services.revoke_api_token(request.actor, token_id=public_id)
    messages.success(request, "The token has been revoked.")
    return redirect("accounts:tokens")
