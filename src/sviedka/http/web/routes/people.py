"""People: the list with its filters, a person's dossier, any record, and a record's history
with the difference between two revisions. Filters are codes, ids and dates (never names), so
they may stay in the URL; looking people up by name is the search page's, by POST."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ....model import PartialDate
from ....model.codec import dump
from ....model.ids import is_record_id
from ....services.records.guarded import read_history, read_record
from ....services.records.listings import PeopleFilter, people
from ...deps import client_ip
from ..dossier import dossier
from ..labels import ENUMS
from ..options import organisations, vocab
from ..pages import PageDep
from ..queries import diff, flat

router = APIRouter()
PAGE = 50


def _date(text: str | None) -> PartialDate | None:
    try:
        return PartialDate.parse(text) if text else None
    except ValueError:
        return None


@router.get("/people")
def people_list(
    page: PageDep,
    status: str = "",
    article: str = "",
    facility: str = "",
    region: str = "",
    arrested_from: str = "",
    arrested_to: str = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    wanted = PeopleFilter(
        status=status if status in ENUMS["status"] else None,
        article=article or None,
        facility=facility or None,
        region=region or None,
        arrested_from=_date(arrested_from),
        arrested_to=_date(arrested_to),
    )
    rows, total = people(page.archive.store, page.principal, wanted, limit=PAGE, offset=offset)
    page.audit("list", [r.person for r in rows])
    facilities = organisations(page, "penal_facility")
    query = {
        "status": status,
        "article": article,
        "facility": facility,
        "region": region,
        "arrested_from": arrested_from,
        "arrested_to": arrested_to,
    }
    context = {
        "rows": rows,
        "total": total,
        "offset": offset,
        "limit": PAGE,
        "values": query,
        "base": "/people?" + "".join(f"{urlencode({k: v})}&" for k, v in query.items() if v),
        "facility_names": page.titles(r.current_facility for r in rows if r.current_facility),
        "options": {
            "articles": vocab(page, "criminal_code_by"),
            "facilities": facilities,
            "regions": vocab(page, "regions_by"),
            "statuses": [(k, page.gettext(v)) for k, v in ENUMS["status"].items()],
        },
    }
    return page.render("people/list.html", context, section="/people")


@router.get("/people/{person_id}")
def person_page(page: PageDep, person_id: str, saved: str = "") -> Response:
    stored = read_record(page.archive, page.principal, person_id, ip=client_ip(page.request))
    if stored.record.KIND != "person":
        return record_page(page, person_id)
    found = dossier(page, stored)
    page.audit("read", [*found.detentions, *found.acts, *found.evidence, *found.same_as])
    context = {"d": found, "saved": saved}
    return page.render("people/detail.html", context, section="/people")


@router.get("/records/{record_id}")
def record_page(page: PageDep, record_id: str, saved: str = "") -> Response:
    stored = read_record(page.archive, page.principal, record_id, ip=client_ip(page.request))
    fields = flat(dump(stored.record))
    linked = page.titles(v for _, v in fields if is_record_id(v))
    # A record the user may not read is named by neither its title nor its id (ids are
    # UUIDv7: they tell that it exists, and when it was made).
    hidden = {path for path, v in fields if is_record_id(v) and v not in linked}
    context = {
        "stored": stored,
        "record": stored.record,
        "saved": saved,
        "fields": fields,
        "linked": linked,
        "hidden": hidden,
    }
    return page.render("people/record.html", context, section="/people")


@router.get("/records/{record_id}/history")
def history_page(
    page: PageDep, record_id: str, old: int | None = None, new: int | None = None
) -> Response:
    """Every revision; the difference between two of them (default: the last two)."""
    ip = client_ip(page.request)
    stored = read_record(page.archive, page.principal, record_id, ip=ip)
    revisions = read_history(page.archive, page.principal, record_id, ip=ip)
    by_seq = {r.seq: r for r in revisions}
    new_rev = by_seq.get(new or revisions[-1].seq, revisions[-1])
    old_rev = by_seq.get(old) if old is not None else by_seq.get(new_rev.seq - 1)
    changes = diff(old_rev.state if old_rev else None, new_rev.state)
    context = {
        "stored": stored,
        "record": stored.record,
        "revisions": revisions,
        "old": old_rev,
        "new": new_rev,
        "changes": changes,
    }
    return page.render("people/history.html", context, section="/people")
