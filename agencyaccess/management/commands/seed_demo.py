from typing import Any

from django.conf import settings
from django.db import transaction

from agencyaccess.accounts.actions import create_agency
from agencyaccess.accounts.models import Agency
from agencyaccess.apikeys.capabilities import API_CAPABILITIES
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.catalog import platform_by_key
from agencyaccess.clients.models import Client
from agencyaccess.lib import commands
from agencyaccess.links.actions import create_link, parse_services
from agencyaccess.links.intake_questions import parse_questions, replace_questions
from agencyaccess.links.models import IntakeForm, Link
from agencyaccess.platforms import registry
from agencyaccess.platforms.models import ConnectedAccount, ConnectionMethod, PlatformToken

OWNER_EMAIL = "demo@example.com"
OWNER_PASSWORD = "demo-password"  # noqa: S105 (printed for the demo on purpose)
KEY_NAME = "Demo key"
AGENCY_EMAIL = "ads@demo-agency.example"
MCC_ID = "1234567890"

# One demo client in each client language, each with a link asking for the same services:
# (name, e-mail, company, website, language, thank-you message).
DEMO_CLIENTS = (
    (
        "Jane Doe",
        "jane@example.com",
        "Jane's Bakery",
        "janes-bakery.example",
        "en",
        "Thank you! We will start on your campaigns this week.",
    ),
    (
        "María García",
        "maria@example.com",
        "Panadería María",
        "panaderia-maria.example",
        "es",
        "¡Gracias! Empezamos con tus campañas esta semana.",
    ),
    (
        "Daan de Vries",
        "daan@example.com",
        "Bakkerij De Vries",
        "bakkerij-devries.example",
        "nl",
        "Bedankt! We gaan deze week aan de slag met je campagnes.",
    ),
)

INTAKE_QUESTIONS = [
    {
        "key": "website_platform",
        "type": "single_choice",
        "required": True,
        "labels": {
            "en": "What is your website built with?",
            "es": "¿Con qué está hecha tu web?",
            "nl": "Waarmee is je website gebouwd?",
            "de": "Womit ist Ihre Website gebaut?",
            "fr": "Avec quoi votre site est-il construit\u00a0?",
            "pt": "Com o que o seu site foi feito?",
            "it": "Con cosa è fatto il tuo sito?",
            "pl": "Na czym zbudowana jest Twoja strona?",
        },
        "choices": [
            {"key": "shopify", "labels": {"en": "Shopify", "es": "Shopify", "nl": "Shopify"}},
            {
                "key": "wordpress",
                "labels": {"en": "WordPress", "es": "WordPress", "nl": "WordPress"},
            },
            {
                "key": "other",
                "labels": {
                    "en": "Something else",
                    "es": "Otra cosa",
                    "nl": "Iets anders",
                    "de": "Etwas anderes",
                    "fr": "Autre chose",
                    "pt": "Outra coisa",
                    "it": "Altro",
                    "pl": "Coś innego",
                },
            },
        ],
    },
    {
        "key": "monthly_budget",
        "type": "number",
        "required": False,
        "labels": {
            "en": "Monthly ad budget (EUR)",
            "es": "Presupuesto mensual de anuncios (EUR)",
            "nl": "Maandelijks advertentiebudget (EUR)",
            "de": "Monatliches Werbebudget (EUR)",
            "fr": "Budget publicitaire mensuel (EUR)",
            "pt": "Orçamento mensal de anúncios (EUR)",
            "it": "Budget pubblicitario mensile (EUR)",
            "pl": "Miesięczny budżet reklamowy (EUR)",
        },
    },
    {
        "key": "goals",
        "type": "long_text",
        "required": True,
        "labels": {
            "en": "What should the campaigns achieve?",
            "es": "¿Qué deben conseguir las campañas?",
            "nl": "Wat moeten de campagnes opleveren?",
            "de": "Was sollen die Kampagnen erreichen?",
            "fr": "Que doivent apporter les campagnes\u00a0?",
            "pt": "O que as campanhas devem alcançar?",
            "it": "Cosa devono ottenere le campagne?",
            "pl": "Co mają osiągnąć kampanie?",
        },
    },
]


class Command(commands.Command):
    help = "Create the demo agency once; print how to log in, a working API key and demo links."

    def handle(self, **options):
        with transaction.atomic():
            agency = Agency.objects.by_id_or_owner_email(OWNER_EMAIL) or create_agency(
                "Demo Agency", OWNER_EMAIL, OWNER_PASSWORD
            )
            accounts = _demo_accounts(agency)
            _demo_intake_form(agency)
            links = [
                _demo_link(_demo_client(agency, *client[:5]), accounts, thank_you=client[5])
                for client in DEMO_CLIENTS
            ]
            key = _demo_key(agency)
        site = settings.SITE_URL
        client = links[0].client
        link_lines = "\n".join(
            f"  {link.client.get_language_display():<10} {link.url}" for link in links
        )
        self.stdout.write(
            f"""
AgencyAccess demo
  Dashboard: {site}/
  Login:     {OWNER_EMAIL} / {OWNER_PASSWORD} (unless you changed it)
  API key:   {key}
             (a new key each start; the one printed before stops working)
  API docs:  {site}/api/docs
  Try it:    curl -s "{site}/api/clients/retrieve?id={client.public_id}" -H "X-Auth: {key}"

Demo links (open one as the client; Google and Meta are local sandboxes):
{link_lines}
  The agency's side of the Google sandbox: {site}/sandbox/google/inbox/?email={AGENCY_EMAIL}
  E-mails sent are kept in {settings.EMAIL_FILE_PATH}
"""
        )


def _demo_key(agency: Agency) -> str:
    api_key = ApiKey.objects.live().filter(agency=agency, name=KEY_NAME).first()
    if api_key is None:
        return ApiKey.issue(agency, KEY_NAME, list(API_CAPABILITIES))[1]
    # Only a digest of the key is kept, so showing it again means rolling it.
    return api_key.roll()


def _demo_client(
    agency: Agency, name: str, email: str, company: str, website: str, language: str
) -> Client:
    client = Client.objects.filter(agency=agency, email=email).first()
    return client or Client.objects.create(
        agency=agency,
        name=name,
        email=email,
        company=company,
        website=f"https://{website}",
        language=language,
        metadata={"source": "demo"},
    )


def _demo_accounts(agency: Agency) -> dict[str, ConnectedAccount]:
    wanted: dict[str, dict[str, Any]] = {
        "google": {"email": AGENCY_EMAIL, "fields": {"google_ads_manager_ids": [MCC_ID]}},
        "meta": {"fields": {"business_id": "100000000000001"}},
        "shopify": {
            "email": AGENCY_EMAIL,
            "fields": {"partner_organization": "Demo Agency Partners"},
        },
    }
    accounts = {}
    for platform, values in wanted.items():
        account = ConnectedAccount.objects.filter(agency=agency, platform=platform).first()
        if account is None:
            account = ConnectedAccount.objects.create(
                agency=agency,
                platform=platform,
                name=f"Demo Agency {platform_by_key(platform).name}",
                email=values.get("email", ""),
                fields=values["fields"],
            )
        _sign_in_to_sandbox(account)
        accounts[platform] = account
    return accounts


def _sign_in_to_sandbox(account: ConnectedAccount) -> None:
    """Connect the agency's account to its platform's sandbox, once, as if the fake person who
    works at Demo Agency signed in: manager links, invitations and shares can then be completed
    and checked from the agency's side."""
    if account.latest_token() is not None:
        return
    tokens = registry.sandbox_agency_sign_in(account.platform)
    if tokens is None:
        return
    token = PlatformToken(connected_account=account, platform=account.platform)
    token.store(tokens)
    token.save()
    account.method = ConnectionMethod.OAUTH
    account.save(update_fields=["method"])


def _demo_intake_form(agency: Agency) -> None:
    if not IntakeForm.objects.filter(agency=agency).exists():
        replace_questions(agency, parse_questions(INTAKE_QUESTIONS), enabled=True)


def _demo_link(client: Client, accounts: dict[str, ConnectedAccount], *, thank_you: str) -> Link:
    link = client.links.order_by("created").first()
    if link is not None:
        return link
    google = [{"internalAccountID": accounts["google"].public_id}]
    meta = [{"internalAccountID": accounts["meta"].public_id}]
    requested_accounts = {
        "Google": {
            "Google Ads": {
                "accessLevel": "ADMIN",
                "requestedAccountLinks": [{**google[0], "googleAdsMCCAccountID": MCC_ID}],
            },
            "Google Analytics": {"accessLevel": "EDITOR", "requestedAccountLinks": google},
        },
        "Meta": {
            "Meta Ads": {"accessLevel": "ADVERTISE", "requestedAccountLinks": meta},
            "Facebook Pages": {"accessLevel": "CREATE_CONTENT", "requestedAccountLinks": meta},
        },
        "Shopify": {
            "Shopify Store Collaborator": {
                "requestedAccountLinks": [{"internalAccountID": accounts["shopify"].public_id}]
            }
        },
    }
    return create_link(
        client,
        parse_services(client.agency_id, client, requested_accounts),
        intake_form=True,
        thank_you_message=thank_you,
    )
