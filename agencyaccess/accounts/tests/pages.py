"""What the account tests share: page checks (a title, a label for every control), and links
read from the e-mails sent."""

import re
from html.parser import HTMLParser

from django.conf import settings
from django.core.mail import EmailMessage

UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.title = ""
        self.in_title = False
        self.label_depth = 0
        self.labelled_ids: set[str] = set()
        self.controls: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "title":
            self.in_title = True
        elif tag == "label":
            self.label_depth += 1
            if attributes.get("for"):
                self.labelled_ids.add(attributes["for"] or "")
        elif (
            tag in ("input", "select", "textarea")
            and attributes.get("type") not in UNLABELLED_TYPES
        ):
            self.controls.append(attributes | {"in_label": "1" if self.label_depth else None})

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "label":
            self.label_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data


class PageChecks:
    def assertAccessiblePage(self, response) -> None:
        """The page has a title, and every control a label (a <label for>, around it, or
        aria-label)."""
        parser = _Controls()
        parser.feed(response.content.decode())
        self.assertTrue(parser.title.strip(), "the page has no <title>")  # type: ignore[attr-defined]
        unlabelled = [
            control.get("name") or control.get("id")
            for control in parser.controls
            if not (
                control.get("in_label")
                or control.get("aria-label")
                or control.get("aria-labelledby")
                or control.get("id") in parser.labelled_ids
            )
        ]
        self.assertEqual(unlabelled, [], f"controls without a label on {parser.title.strip()}")  # type: ignore[attr-defined]


def emailed_path(message: EmailMessage, prefix: str) -> str:
    """The path of the link to this site, starting with `prefix`, in an e-mail's text."""
    site = re.escape(str(settings.SITE_URL))
    match = re.search(rf"{site}({re.escape(prefix)}\S+)", str(message.body))
    assert match, message.body
    return match.group(1)
