"""Writing the audit log: `record(action, *, agency, actor, ...)`, one INSERT in the caller's
transaction, so an action rolled back leaves no entry and an entry never outlives its action.

    from agencyaccess.audit import log as audit
    audit.record(audit.Action.API_KEY_ROLLED, agency=agency, actor=audit.COMMAND_LINE,
                 target=api_key)
    audit.record_request(request, audit.Action.TEAM_REMOVED, target=membership)

`actor` is a teammate (a User), an API key, a client, or `audit.WORKER` / `audit.COMMAND_LINE`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from agencyaccess.audit.models import ActorKind, AuditEntry
from agencyaccess.catalog import service_by_key
from agencyaccess.lib.addresses import client_address, ip_address_or_none


class Action(models.TextChoices):
    """Every action the log knows, with what the owners' page calls it."""

    GRANT_GRANTED = "grant.granted", _("Access granted")
    GRANT_FAILED = "grant.failed", _("Access failed")
    GRANT_REVOKED = "grant.revoked", _("Access revoked")
    GRANT_VERIFIED = "grant.verified", _("Access re-checked: changed")
    GRANT_DRIFTED = "grant.drifted", _("Access changed outside AgencyAccess")
    OFFBOARDING_REQUESTED = "offboarding.requested", _("Access removal requested")
    OFFBOARDING_RETRIED = "offboarding.retried", _("Access removal tried again")
    REVOCATION_MANUAL = "revocation.manual", _("Access removal left to do by hand")
    REVOCATION_FAILED = "revocation.failed", _("Access removal failed")
    TOKENS_REVEALED = "tokens.revealed", _("Client tokens revealed")
    API_KEY_CREATED = "api_key.created", _("API key created")
    API_KEY_ROLLED = "api_key.rolled", _("API key rolled")
    API_KEY_REVOKED = "api_key.revoked", _("API key revoked")
    TEAM_INVITED = "team.invited", _("Teammate invited")
    TEAM_INVITATION_REVOKED = "team.invitation_revoked", _("Invitation revoked")
    TEAM_JOINED = "team.joined", _("Teammate joined")
    TEAM_OWNER_CHANGED = "team.owner_changed", _("Ownership transferred")
    TEAM_REMOVED = "team.removed", _("Teammate removed")
    SETTINGS_CHANGED = "settings.changed", _("Agency settings changed")
    BRANDING_CHANGED = "branding.changed", _("Branding changed")
    WEBHOOK_CREATED = "webhook.created", _("Webhook endpoint created")
    WEBHOOK_CHANGED = "webhook.changed", _("Webhook endpoint changed")
    WEBHOOK_ENABLED = "webhook.enabled", _("Webhook endpoint enabled")
    WEBHOOK_DISABLED = "webhook.disabled", _("Webhook endpoint disabled")
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated", _("Webhook secret rotated")
    WEBHOOK_DELETED = "webhook.deleted", _("Webhook endpoint deleted")
    ZAPIER_SUBSCRIBED = "zapier.subscribed", _("Zapier subscription added")
    ZAPIER_UNSUBSCRIBED = "zapier.unsubscribed", _("Zapier subscription removed")


@dataclass(frozen=True)
class Actor:
    """Who acted, as the entry keeps it."""

    kind: ActorKind
    id: str = ""
    name: str = ""


WORKER = Actor(ActorKind.WORKER, name="worker")
COMMAND_LINE = Actor(ActorKind.COMMAND_LINE, name="command line")


def record(
    action: Action,
    *,
    agency: Any,
    actor: Any,
    target: models.Model | None = None,
    address: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `agency` is an Agency or its pk; `actor` a User, ApiKey, Client or
    Actor; `target` the thing acted on (its kind, id and name are copied); `address` the
    request's (lib/addresses.client_address), kept only when it is an IP address."""
    who = actor_of(actor)
    kind, target_id, target_name = describe(target) if target is not None else ("", "", "")
    return AuditEntry.objects.create(
        agency_id=getattr(agency, "pk", agency),
        action=Action(action).value,
        actor_kind=who.kind,
        actor_id=who.id,
        actor_name=who.name[:300],
        target_type=kind,
        target_id=target_id[:64],
        target_name=target_name[:300],
        address=ip_address_or_none(address),
        details=details or {},
    )


def record_request(
    request: HttpRequest,
    action: Action,
    *,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """`record` for a dashboard request: its agency, its signed-in teammate, its address."""
    return record(
        action,
        agency=request.agency_id,  # type: ignore[attr-defined]
        actor=request.user,
        target=target,
        address=client_address(request),
        details=details,
    )


def record_changes(
    request: HttpRequest,
    action: Action,
    *forms: BaseForm,
    fields: Iterable[str] = (),
    target: models.Model | None = None,
) -> AuditEntry | None:
    """Log the saved forms' changed fields (names, not values: a value may be a secret), if
    any changed."""
    changed = sorted({*fields, *(name for form in forms for name in form.changed_data)})
    if not changed:
        return None
    return record_request(request, action, target=target, details={"fields": changed})


def actor_of(who: Any) -> Actor:
    if isinstance(who, Actor):
        return who
    label = who._meta.label  # request.user is a lazy object: ask the instance, not its type
    if label == "accounts.User":
        return Actor(ActorKind.TEAMMATE, str(who.pk), who.email)
    if label == "apikeys.ApiKey":
        return Actor(ActorKind.API_KEY, str(who.pk), who.name)
    if label == "clients.Client":
        return Actor(ActorKind.CLIENT, who.public_id, who.name)
    raise TypeError(f"not an actor: {label}")


# How each kind of target is named in the log: (type, its id, its name).
_TARGETS: dict[str, Callable[[Any], tuple[str, str, str]]] = {
    "links.Grant": lambda g: (
        "grant",
        str(g.pk),
        f"{service_by_key(g.service_key).path}: {g.asset_name or g.asset_id}",
    ),
    "links.Link": lambda link: ("link", link.public_id, link.public_id),
    # A key's lookup changes when it is rolled; its row id does not.
    "apikeys.ApiKey": lambda key: ("api_key", str(key.pk), key.name),
    "accounts.Membership": lambda m: ("teammate", m.public_id, m.user.email),
    "accounts.Invitation": lambda i: ("invitation", i.public_id, i.email),
    "accounts.Agency": lambda a: ("agency", a.public_id, a.name),
    "clients.Client": lambda c: ("client", c.public_id, c.name),
    "notify.WebhookEndpoint": lambda e: ("webhook", e.public_id, e.url),
    "lifecycle.Offboarding": lambda o: ("offboarding", o.public_id, o.client.name),
}


def describe(target: models.Model) -> tuple[str, str, str]:
    label = target._meta.label
    if label in _TARGETS:
        return _TARGETS[label](target)
    return target._meta.model_name or "", str(target.pk), str(target)
