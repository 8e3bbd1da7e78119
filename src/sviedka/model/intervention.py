"""What was done about it: appeals, access requests and their refusal, support to victims."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from .base import Record
from .dates import PartialDate
from .vocab import ref_field, vocab_field

__all__ = ["Intervention", "InterventionKind", "InterventionStatus"]


class InterventionKind(StrEnum):
    UN_APPEAL = "un_appeal"
    APPEAL = "appeal"  # to a national authority or court
    LAWYER_ACCESS = "lawyer_access"
    DIPLOMATIC_ACCESS = "diplomatic_access"
    FAMILY_ACCESS = "family_access"
    LEGAL_SUPPORT = "legal_support"
    MEDICAL_SUPPORT = "medical_support"
    FINANCIAL_SUPPORT = "financial_support"
    RELOCATION = "relocation"
    PUBLIC_STATEMENT = "public_statement"
    OTHER = "other"


class InterventionStatus(StrEnum):
    PLANNED = "planned"
    SUBMITTED = "submitted"
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"
    NO_RESPONSE = "no_response"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, kw_only=True)
class Intervention(Record):
    """An appeal, a request for access (and the answer), or support given to a victim."""

    KIND: ClassVar[str] = "intervention"

    kind: InterventionKind
    status: InterventionStatus = InterventionStatus.PLANNED
    for_persons: tuple[str, ...] = ref_field("person", default=())
    detention: str | None = ref_field("detention", default=None)
    by: str | None = ref_field("organisation", "person", default=None)
    addressee: str | None = ref_field("organisation", "person", default=None)
    date: PartialDate | None = None
    response_date: PartialDate | None = None
    type: str | None = vocab_field("types_of_intervention", default=None)
    outcome: str | None = None

    def problems(self) -> dict[str, str]:
        if self.response_date and self.date and self.response_date.certainly_before(self.date):
            return {"response_date": "the response comes before the request"}
        return {}
