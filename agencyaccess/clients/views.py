"""The dashboard's client pages: the list (search, filter, sort, pages), create, edit, delete,
and a client's page with its links, what it granted and its intake answers."""

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from agencyaccess.accounts.access import agency_view
from agencyaccess.apikeys.capabilities import CLIENTS_CREATE, CLIENTS_EDIT, CLIENTS_RETRIEVE
from agencyaccess.clients.actions import create_client, update_client
from agencyaccess.clients.forms import client_forms, metadata_changes
from agencyaccess.clients.models import CLIENT_OF_AGENCY, Client, ClientType
from agencyaccess.lib.pages import page_number, paginate
from agencyaccess.lib.tenancy import AgencyRequest, agency_object
from agencyaccess.lifecycle.models import recent_offboardings
from agencyaccess.links.models import IntakeQuestion, Link

# ?sort= values: a column, "-" first for descending. The id breaks ties so that pages never
# overlap; each order has its index (clients/models.py).
SORTS = ("name", "company", "created")
DEFAULT_SORT = "-created"
# Links shown on a client's page; the links list filtered by the client has them all.
CLIENT_LINKS_SHOWN = 20


@dataclass(frozen=True)
class SortColumn:
    """A sortable column header: where clicking it goes, and aria-sort while it is the order."""

    key: str
    label: str
    current: str

    @property
    def next(self) -> str:
        return f"-{self.key}" if self.current == self.key else self.key

    @property
    def aria_sort(self) -> str:
        return {self.key: "ascending", f"-{self.key}": "descending"}.get(self.current, "")


@agency_view(CLIENTS_RETRIEVE)
@require_GET
def clients_list(request: AgencyRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    client_type = request.GET.get("type", "")
    if client_type not in ClientType.values:
        client_type = ""
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort.removeprefix("-") not in SORTS:
        sort = DEFAULT_SORT

    clients = Client.objects.filter(agency_id=request.agency_id).search(search)
    if client_type:
        clients = clients.filter(type=client_type)
    tie_break = "-id" if sort.startswith("-") else "id"
    clients = clients.order_by(sort, tie_break).annotate(
        latest_link_id=Subquery(
            Link.objects.filter(client=OuterRef("pk")).order_by("-created", "-id").values("pk")[:1]
        )
    )
    page = paginate(clients, page_number(request.GET.get("page")))
    latest = Link.objects.for_list().in_bulk(
        [c.latest_link_id for c in page.items if c.latest_link_id]
    )
    rows = [(client, latest.get(client.latest_link_id)) for client in page.items]
    return render(
        request,
        "clients/list.html",
        {
            "rows": rows,
            "page": page,
            "search": search,
            "client_type": client_type,
            "types": ClientType.choices,
            "sort": sort,
            "columns": {key: SortColumn(key, key.capitalize(), sort) for key in SORTS},
            "filtered": bool(search or client_type),
        },
    )


@agency_view(CLIENTS_CREATE)
@require_http_methods(["GET", "POST"])
def clients_create(request: AgencyRequest) -> HttpResponse:
    form, rows = client_forms(request.POST if request.method == "POST" else None)
    # A list, not `and`: both forms are checked, so both show their mistakes.
    if request.method == "POST" and all([form.is_valid(), rows.is_valid()]):
        client = create_client(
            request.agency_id, "dashboard", **form.cleaned_data, metadata=rows.metadata
        )
        messages.success(request, f"{client.name} was added.")
        return redirect("clients-detail", client.public_id)
    return _form_page(request, form, rows, None)


@agency_view(CLIENTS_EDIT)
@require_http_methods(["GET", "POST"])
def clients_edit(request: AgencyRequest, client_id: str) -> HttpResponse:
    client = agency_object(request, CLIENT_OF_AGENCY, "client", public_id=client_id)
    form, rows = client_forms(request.POST if request.method == "POST" else None, client)
    if request.method == "POST" and all([form.is_valid(), rows.is_valid()]):
        changes = {
            **form.cleaned_data,
            "metadata": metadata_changes(client.metadata, rows.metadata),
        }
        update_client(client, changes)
        messages.success(request, "The client's details were saved.")
        return redirect("clients-detail", client.public_id)
    return _form_page(request, form, rows, client)


def _form_page(request: AgencyRequest, form, rows, client: Client | None) -> HttpResponse:
    """The create or edit form; a POST that got here had mistakes: 400, with them shown."""
    status = 400 if request.method == "POST" else 200
    return render(
        request, "clients/form.html", {"form": form, "rows": rows, "client": client}, status=status
    )


@agency_view(CLIENTS_RETRIEVE)
@require_GET
def clients_detail(request: AgencyRequest, client_id: str) -> HttpResponse:
    client = agency_object(request, CLIENT_OF_AGENCY, "client", public_id=client_id)
    links = list(client.links.with_grants().order_by("-created", "-id")[: CLIENT_LINKS_SHOWN + 1])
    questions = (
        list(IntakeQuestion.objects.filter(form__agency_id=request.agency_id))
        if any(link.intake_answers for link in links)
        else []
    )
    return render(
        request,
        "clients/detail.html",
        {
            "client": client,
            "links": [(link, link.shown_intake(questions)) for link in links[:CLIENT_LINKS_SHOWN]],
            "more_links": len(links) > CLIENT_LINKS_SHOWN,
            "offboardings": recent_offboardings(client),
        },
    )


@agency_view(CLIENTS_EDIT)
@require_http_methods(["GET", "POST"])
def clients_delete(request: AgencyRequest, client_id: str) -> HttpResponse:
    client = agency_object(request, CLIENT_OF_AGENCY, "client", public_id=client_id)
    if request.method == "POST":
        client.delete()
        messages.success(request, f"{client.name} and their links were deleted.")
        return redirect("clients-list")
    return render(request, "clients/delete.html", {"client": client, "links": client.links.count()})
