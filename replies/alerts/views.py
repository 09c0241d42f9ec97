"""Sign-up, confirmation, unsubscribe and the manage page.

No view uses a session or a cookie: each action is authorised by a signed link (or, for a
sign-up, by the confirmation that follows), so they are exempt from CSRF, and the one-click
unsubscribe POST of RFC 8058 comes from mail clients. Every sign-up and manage request gets the
same answer whatever the address, so the site never tells whether it is subscribed.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import DateTimeField, Func
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from replies.alerts import digest, mail, tokens
from replies.alerts.forms import AddressForm
from replies.alerts.limits import address_allowed
from replies.alerts.models import Subscription
from replies.ratelimit import rate_limited

logger = logging.getLogger(__name__)


def _send(message) -> None:
    try:
        message.send()
    except Exception:  # the answer must not depend on the mail server (nor reveal anything)
        logger.exception("alert email not sent")


def signed_link(read: Callable[[str], Any]) -> Callable:
    """Decorate a view of a signed link (GET or POST): it gets what ``read`` finds in the
    token; a forged, altered or expired token gets a 400 page saying so."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, token: str) -> HttpResponse:
            try:
                found = read(token)
            except tokens.BadLink as error:
                context = {"error": str(error)}
                return render(request, "alerts/refused.html", context, status=400)
            return view(request, found)

        return csrf_exempt(require_http_methods(["GET", "POST"])(wrapper))

    return decorate


@csrf_exempt
@require_POST
@rate_limited("alert")
def subscribe(request: HttpRequest) -> HttpResponse:
    """Email a confirmation link for the posted conditions; store nothing yet."""
    form = AddressForm(request.POST)
    params, description = digest.conditions(request.POST)
    if not form.is_valid():
        context = {"form": form, "description": description, "params": params}
        return render(request, "alerts/subscribe.html", context, status=400)
    email = form.cleaned_data["email"]
    if address_allowed(email):
        _send(mail.confirmation(email, params, description))
    return render(request, "alerts/check_inbox.html", {"email": email, "what": "确认订阅"})


@signed_link(tokens.read_confirm)
def confirm(request: HttpRequest, found: tuple[str, dict[str, str]]) -> HttpResponse:
    """GET shows what is confirmed (link scanners only look); POST creates the subscription."""
    email, params = found
    params, description = digest.conditions(params)
    if request.method == "GET":
        return render(request, "alerts/confirm.html", {"email": email, "description": description})
    try:
        with transaction.atomic():
            Subscription.objects.get_or_create(
                email=email,
                params=params,
                defaults={
                    "description": description[:500],
                    "confirmed_at": Func(function="clock_timestamp", output_field=DateTimeField()),
                },
            )
    except IntegrityError:  # confirmed twice at once: the other request created it
        pass
    return render(
        request,
        "alerts/confirmed.html",
        {"email": email, "description": description, "manage_url": mail.manage_path(email)},
    )


@signed_link(tokens.read_unsubscribe)
def unsubscribe(request: HttpRequest, found: tuple[int, str]) -> HttpResponse:
    """GET asks to confirm; POST (the page's button or a one-click client) deletes it."""
    pk, email = found
    subscription = Subscription.objects.filter(pk=pk, email=email)
    if request.method == "GET":
        context = {"subscription": subscription.first()}
        return render(request, "alerts/unsubscribe.html", context)
    subscription.delete()
    return render(request, "alerts/unsubscribed.html", {"email": email})


@csrf_exempt
@require_http_methods(["GET", "POST"])
@rate_limited("alert")
def manage_request(request: HttpRequest) -> HttpResponse:
    """Ask for a link to the manage page of an address (emailed to it)."""
    form = AddressForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "alerts/manage_request.html", {"form": form}, status=status)
    email = form.cleaned_data["email"]
    if address_allowed(email) and Subscription.objects.filter(email=email).exists():
        _send(mail.manage_link(email))
    return render(request, "alerts/check_inbox.html", {"email": email, "what": "管理订阅"})


@signed_link(tokens.read_manage)
def manage(request: HttpRequest, email: str) -> HttpResponse:
    """Every subscription of the link's address; POST cancels one (``cancel``) or all."""
    subscriptions = Subscription.objects.filter(email=email)
    cancelled = 0
    if request.method == "POST":
        chosen = subscriptions
        if request.POST.get("cancel") != "all":
            chosen = subscriptions.filter(pk=_int(request.POST.get("cancel")))
        cancelled, _ = chosen.delete()
    return render(
        request,
        "alerts/manage.html",
        {"email": email, "subscriptions": list(subscriptions), "cancelled": cancelled},
    )


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0
