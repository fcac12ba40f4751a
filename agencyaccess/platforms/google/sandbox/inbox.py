"""What waits for someone's answer in the fake Google: the invitations e-mailed to an address,
and the multi-party approvals an account's other administrators are asked for. The inbox page
shows them with buttons; tests call the same functions."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agencyaccess.platforms.google.sandbox import ads, business, state


@dataclass(frozen=True)
class Item:
    id: str  # "<record kind>:<record key>"
    product: str
    text: str
    actions: tuple[str, ...]


ACTION_LABELS = {
    "accept": "Accept",
    "decline": "Decline",
    "expire": "Let it expire (20 days pass)",
    "approve": "Approve",
    "reject": "Reject",
}


def pending_for(email: str) -> list[Item]:
    email = email.lower()
    return [
        *(
            Item(
                f"ads_invitation:{key}",
                "Google Ads",
                f"Invitation to {_ads_account(i['customer'])} as {i['role']}",
                ("accept", "decline", "expire"),
            )
            for key, i in state.find("ads_invitation", email=email, status="PENDING")
        ),
        *(
            Item(
                f"ads_review:{key}",
                "Google Ads",
                f"{r['requested_by']} asks to {'remove' if r.get('removes') else 'invite'} "
                f"{r['email']} as {r['role']} {'from' if r.get('removes') else 'to'} "
                f"{_ads_account(r['customer'])} (multi-party approval)",
                ("approve", "reject"),
            )
            for key, r in state.find("ads_review")
            if ads.role_of(r["customer"], email) == "ADMIN" and r["requested_by"] != email
        ),
        *(
            Item(
                f"merchant_user:{key}",
                "Google Merchant Center",
                f"Invitation to Merchant Center account {u['account']} "
                f"({', '.join(u['accessRights'])})",
                ("accept",),
            )
            for key, u in state.find("merchant_user", email=email, state="PENDING")
        ),
        *(
            Item(
                f"gbp_admin:{key}",
                "Google Business Profile",
                f"Invitation to manage {_location_title(a['location'])} as {a['role']}",
                ("accept",),
            )
            for key, a in state.find("gbp_admin", admin=email, pendingInvitation=True)
        ),
    ]


def act(email: str, item_id: str, action: str) -> bool:
    """Answer one of the items waiting for this address; False when it is not one."""
    if not any(item.id == item_id and action in item.actions for item in pending_for(email)):
        return False
    kind, _, key = item_id.partition(":")
    data = state.get(kind, key)
    if data is None:
        return False
    ANSWERS[(kind, action)](key, data)
    return True


def _accept_ads_invitation(key: str, invitation: dict[str, Any]) -> None:
    """An accepted invitation leaves the list and shows as a user
    (docs/platforms/google.md#user-invitation)."""
    state.delete("ads_invitation", key)
    ads.add_user(invitation["customer"], invitation["email"], invitation["role"])


def _approve_review(key: str, review: dict[str, Any]) -> None:
    """The held change happens now: the invitation is sent, or the user removed."""
    state.delete("ads_review", key)
    if review.get("removes"):
        state.delete("ads_user", review["removes"])
    else:
        ads.create_invitation(review["customer"], review["email"], review["role"])


def _reject_review(key: str, review: dict[str, Any]) -> None:
    state.delete("ads_review", key)


def _set(kind: str, **changes: Any) -> Callable[[str, dict[str, Any]], None]:
    return lambda key, data: state.put(kind, key, data | changes)


ANSWERS: dict[tuple[str, str], Callable[[str, dict[str, Any]], None]] = {
    ("ads_invitation", "accept"): _accept_ads_invitation,
    ("ads_invitation", "decline"): _set("ads_invitation", status="DECLINED"),
    ("ads_invitation", "expire"): _set("ads_invitation", status="EXPIRED"),
    ("ads_review", "approve"): _approve_review,
    ("ads_review", "reject"): _reject_review,
    ("merchant_user", "accept"): _set("merchant_user", state="VERIFIED"),
    ("gbp_admin", "accept"): business.accept,
}


def _ads_account(customer_id: str) -> str:
    dashed = f"{customer_id[:3]}-{customer_id[3:6]}-{customer_id[6:]}"
    return f"{ads.customer_name(customer_id)} ({dashed})"


def _location_title(location: str) -> str:
    data = state.get("gbp_location", location)
    return data["title"] if data else location
