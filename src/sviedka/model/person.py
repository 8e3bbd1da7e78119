"""People and organisations: victims, witnesses, perpetrators, courts, police units, prisons."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from .base import NameForm, Record
from .dates import PartialDate
from .vocab import Gender, ref_field, vocab_field

__all__ = ["Facility", "OrgKind", "Organisation", "Person", "PersonSensitive"]


@dataclass(frozen=True, kw_only=True)
class PersonSensitive:
    """Fields that can endanger a person or their family; stored apart from the rest."""

    contacts: tuple[str, ...] = ()
    address: str | None = None
    family: str | None = None


@dataclass(frozen=True, kw_only=True)
class Person(Record):
    """A victim, witness, relative, official or perpetrator."""

    KIND: ClassVar[str] = "person"
    SENSITIVE: ClassVar[tuple[str, ...]] = ("sensitive",)

    names: tuple[NameForm, ...]
    birth_date: PartialDate | None = None
    gender: Gender = Gender.UNKNOWN
    citizenship: tuple[str, ...] = ()  # ISO 3166-1 alpha-2
    region: str | None = vocab_field("regions_by", default=None)
    occupation: str | None = None
    affiliations: tuple[str, ...] = ()
    sensitive: PersonSensitive | None = None

    def problems(self) -> dict[str, str]:
        return {} if self.names else {"names": "give at least one name form"}


class OrgKind(StrEnum):
    COURT = "court"
    POLICE = "police"
    SECURITY_SERVICE = "security_service"  # KGB
    PROSECUTOR = "prosecutor"
    INVESTIGATIVE_COMMITTEE = "investigative_committee"
    PENAL_FACILITY = "penal_facility"
    GOVERNMENT = "government"
    MILITARY = "military"
    MEDIA = "media"
    NGO = "ngo"
    POLITICAL_PARTY = "political_party"
    COMPANY = "company"
    OTHER = "other"


@dataclass(frozen=True, kw_only=True)
class Facility:
    """A place of detention: SIZO, colony, prison, open-type correctional facility…"""

    type: str = vocab_field("facility_types")
    regime: str | None = vocab_field("facility_regimes", default=None)
    number: str | None = None
    address: str | None = None


@dataclass(frozen=True, kw_only=True)
class Organisation(Record):
    """A court, police unit, KGB office, prosecutor's office, penal facility, media, NGO…"""

    KIND: ClassVar[str] = "organisation"

    names: tuple[NameForm, ...]
    kind: OrgKind = OrgKind.OTHER
    parent: str | None = ref_field("organisation", default=None)
    region: str | None = vocab_field("regions_by", default=None)
    country: str | None = None  # ISO 3166-1 alpha-2
    facility: Facility | None = None

    def problems(self) -> dict[str, str]:
        errors = {} if self.names else {"names": "give at least one name form"}
        if self.facility is not None and self.kind is not OrgKind.PENAL_FACILITY:
            errors["facility"] = (
                "only an organisation of kind 'penal_facility' has facility details"
            )
        return errors
