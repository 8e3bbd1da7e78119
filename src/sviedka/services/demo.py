"""A demo archive of FICTIONAL sample records, to try Sviedka without real data.

The people, their cases and the officials in them are invented; the institutions (a SIZO, a colony,
a court) are real public bodies named only to make the example read true. Every record says so in
its notes and cites the source "Sviedka sample data (fictional)".
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from ..errors import Conflict
from ..model import KINDS, Verdict
from ..store import Store
from .accounts import add_demo_users
from .archive import CONFIG, Archive, init_archive, open_archive
from .evidence import Collection, ingest_file
from .importing import Action, ImportOptions, ImportReport, run_import
from .keys import unlock_archive
from .ledger import checkpoint
from .records import add_record, update_record
from .resolver import judge
from .vocab import shipped_vocabularies

__all__ = ["create_demo"]

SAMPLE = "SAMPLE DATA: fictional, made for the Sviedka demo."
SAMPLE_CSV = Path(str(files("sviedka") / "data" / "sample" / "viasna-sample.csv"))
SAMPLE_LIST = "SYNTHETIC sample list (Sviedka demo, Viasna's export shape)"
DEMO_CUSTODIAN = "demo"
DEMO_PASSPHRASE = "sviedka demo passphrase"  # printed in the tour: a demo archive protects nothing
CUSTOM = """
[custom_fields.person.list_number]
type = "integer"
label = "Number on the NGO's list"

[custom_fields.detention.case_tags]
type = "text"
multiple = true
label = "Case tags"
"""


def create_demo(path: Path, *, replace: bool = False, actor: str = "demo") -> str:
    """Create the demo archive at ``path`` and return a tour of it."""
    _clear(path, replace)
    archive, _ = init_archive(
        path,
        shipped_vocabularies(),
        custodian=DEMO_CUSTODIAN,
        passphrase=DEMO_PASSPHRASE,
        name="Sviedka demo (sample data)",
    )
    archive.close()
    with (path / CONFIG).open("a", encoding="utf-8") as config:
        config.write(CUSTOM)
    with open_archive(path) as archive:
        ids = _populate(archive.store, actor)
        imported = _import_sample(archive, actor)
        files = _evidence(archive, ids, actor)
        keys = unlock_archive(path, archive.config.id, DEMO_CUSTODIAN, DEMO_PASSPHRASE)
        checkpoint(archive, keys)
        return _tour(path, archive.store, ids, files, imported) + add_demo_users(archive.store)


def _clear(path: Path, replace: bool) -> None:
    if not path.exists():
        return
    if not replace:
        raise Conflict(f"{path} exists; pass --replace to make a new demo archive there.")
    if not (path / CONFIG).is_file():
        raise Conflict(f"{path} is not an archive; refusing to delete it.")
    shutil.rmtree(path)


def _names(be: str, ru: str, latin: str) -> list[dict[str, str]]:
    return [
        {"full": be, "lang": "be"},
        {"full": ru, "lang": "ru"},
        {"full": latin, "lang": "be-Latn", "kind": "transliteration"},
    ]


def _facility(be: str, ru: str, en: str, type_: str, regime: str | None) -> dict[str, Any]:
    names = [{"full": be, "lang": "be"}, {"full": ru, "lang": "ru"}, {"full": en, "lang": "en"}]
    facility = {"type": type_} | ({"regime": regime} if regime else {})
    return {
        "names": names,
        "kind": "penal_facility",
        "facility": facility,
        "confidentiality": "public",
    }


def _populate(store: Store, actor: str) -> dict[str, str]:
    ids: dict[str, str] = {}

    def add(key: str, kind: str, data: Mapping[str, Any]) -> str:
        body = {"notes": SAMPLE, **data}
        if kind != "source":
            body["sources"] = [{"source": ids["source"], "reliability": "B", "credibility": "2"}]
        ids[key] = add_record(store, kind, body, actor=actor, reason="demo data").record.id
        return ids[key]

    add("source", "source", {"title": "Sviedka sample data (fictional)", "kind": "dataset"})
    _institutions(add)
    _people(add)
    _cases(add, ids)
    _aftermath(add, ids)
    update_record(
        store,
        ids["hanna_det"],
        {
            "punishments": [
                {
                    "kind": "shizo",
                    "start": "2023-03-02",
                    "end": "2023-03-12",
                    "days": 10,
                    "facility": ids["ik4"],
                }
            ]
        },
        actor=actor,
        reason="letter from the colony (sample)",
        patch=True,
    )
    judge(
        store,
        ids["ales"],
        ids["ales_dup"],
        Verdict.SAME,
        actor=actor,
        reason="same birth date and arrest; the second came from another list (sample)",
    )
    return ids


def _institutions(add: Any) -> None:
    add(
        "sizo1",
        "organisation",
        _facility(
            "СІЗА № 1, Мінск",
            "СИЗО № 1, Минск",
            "Pre-trial detention centre No. 1, Minsk",
            "sizo",
            None,
        ),
    )
    add(
        "ik15",
        "organisation",
        _facility(
            "Папраўчая калонія № 15, Магілёў",
            "Исправительная колония № 15, Могилёв",
            "Correctional colony No. 15, Mogilev",
            "correctional_colony",
            "general",
        ),
    )
    add(
        "ik4",
        "organisation",
        _facility(
            "Папраўчая калонія № 4, Гомель",
            "Исправительная колония № 4, Гомель",
            "Correctional colony No. 4, Gomel",
            "correctional_colony",
            "general",
        ),
    )
    add(
        "court",
        "organisation",
        {
            "kind": "court",
            "region": "BY-HM",
            "confidentiality": "public",
            "names": [
                {"full": "Суд Ленінскага раёна г. Мінска", "lang": "be"},
                {"full": "Суд Ленинского района г. Минска", "lang": "ru"},
                {"full": "Leninsky District Court of Minsk", "lang": "en"},
            ],
        },
    )
    add(
        "gubopik",
        "organisation",
        {
            "kind": "police",
            "confidentiality": "public",
            "names": [
                {"full": "ГУБАЗіК МУС", "lang": "be"},
                {"full": "ГУБОПиК МВД", "lang": "ru"},
                {"full": "GUBOPiK (Main Directorate for Combating Organised Crime)", "lang": "en"},
            ],
        },
    )


def _people(add: Any) -> None:
    add(
        "ales",
        "person",
        {
            "names": _names("Алесь Вербіцкі", "Алесь Вербицкий", "Ales Vierbicki"),
            "birth_date": "1987-04-12",
            "gender": "male",
            "region": "BY-HM",
            "citizenship": ["BY"],
            "occupation": "engineer",
            "custom": {"list_number": 101},
            "sensitive": {
                "contacts": ["+375 00 000-00-00 (sample)"],
                "address": "(sample address)",
            },
        },
    )
    add(
        "ales_dup",
        "person",
        {
            "names": [{"full": "Ales Verbitsky", "lang": "en"}],
            "birth_date": "1987-04",
            "gender": "male",
        },
    )
    add(
        "hanna",
        "person",
        {
            "names": _names("Ганна Лазарэвіч", "Анна Лазаревич", "Hanna Lazarevič"),
            "birth_date": "1994",
            "gender": "female",
            "region": "BY-HO",
            "custom": {"list_number": 102},
            "confidentiality": "confidential",
        },
    )
    add(
        "siarhei",
        "person",
        {
            "names": _names("Сяргей Мароз", "Сергей Мороз", "Siarhiej Maroz"),
            "birth_date": "1979-11-30",
            "gender": "male",
            "region": "BY-VI",
        },
    )
    add(
        "judge",
        "person",
        {
            "names": _names("Наталля Кавальчук", "Наталья Ковальчук", "Natallia Kavalčuk"),
            "gender": "female",
            "occupation": "judge (fictional)",
        },
    )
    add(
        "prosecutor",
        "person",
        {
            "names": _names("Ігар Сідарэнка", "Игорь Сидоренко", "Ihar Sidarenka"),
            "gender": "male",
            "occupation": "prosecutor (fictional)",
        },
    )


def _cases(add: Any, ids: Mapping[str, str]) -> None:
    add(
        "ales_det",
        "detention",
        {
            "person": ids["ales"],
            "arrest": {"date": "2020-09-27", "place": "Minsk", "unit": ids["gubopik"]},
            "charges": [{"article": "342", "part": 1, "added": "2020-09-28"}],
            "court_cases": [
                {
                    "number": "1-123/2021 (sample)",
                    "court": ids["court"],
                    "judge": ids["judge"],
                    "prosecutor": ids["prosecutor"],
                    "verdict_date": "2021-02-18",
                }
            ],
            "sentences": [
                {
                    "penalty": "deprivation_of_liberty",
                    "date": "2021-02-18",
                    "term_months": 24,
                    "regime": "general",
                }
            ],
            "placements": [
                {"facility": ids["sizo1"], "start": "2020-09-29", "end": "2021-04"},
                {"facility": ids["ik15"], "start": "2021-04", "end": "2022-09-26"},
            ],
            "end": {"mode": "served", "date": "2022-09-26"},
            "recognition": {"date": "2020-10-05", "by": "sample NGO statement", "criteria": ["b"]},
            "custom": {"case_tags": ["march", "2020"]},
        },
    )
    add(
        "hanna_det",
        "detention",
        {
            "person": ids["hanna"],
            "arrest": {"date": "2021-05-12", "place": "Homiel"},
            "charges": [
                {"article": "361-1", "part": 1, "added": "2021-05"},
                {"article": "130", "part": 3, "added": "2021-08"},
            ],
            "sentences": [
                {
                    "penalty": "deprivation_of_liberty",
                    "date": "2022-01",
                    "term_months": 72,
                    "regime": "general",
                }
            ],
            "placements": [{"facility": ids["ik4"], "start": "2022-03"}],
            "recognition": {"date": "2021-06", "criteria": ["b", "d"]},
            "confidentiality": "confidential",
        },
    )
    add(
        "siarhei_det",
        "detention",
        {
            "person": ids["siarhei"],
            "arrest": {"date": "2021"},
            "charges": [{"article": "369", "part": None}],
            "sentences": [
                {"penalty": "restriction_of_liberty", "date": "2021-12", "term_months": 30}
            ],
            "end": {"mode": "pardon", "date": "2024-07"},
        },
    )


def _aftermath(add: Any, ids: Mapping[str, str]) -> None:
    add(
        "event",
        "event",
        {
            "title": "Dispersal of a peaceful march (sample)",
            "dates": "2020-09-27",
            "place": "Minsk",
            "region": "BY-HM",
        },
    )
    add(
        "act",
        "act",
        {
            "victim": ids["ales"],
            "type": "030101000000",
            "event": ids["event"],
            "detention": ids["ales_det"],
            "dates": "2020-09-27",
        },
    )
    add(
        "involvement",
        "involvement",
        {
            "perpetrator": ids["judge"],
            "detention": ids["ales_det"],
            "role": "judge",
            "perpetrator_type": "010300000000",
        },
    )
    add(
        "intervention",
        "intervention",
        {
            "kind": "lawyer_access",
            "status": "refused",
            "for_persons": [ids["hanna"]],
            "detention": ids["hanna_det"],
            "date": "2023-03-01",
            "response_date": "2023-03-09",
            "outcome": "colony refused the lawyer's visit (sample)",
        },
    )
    add(
        "designation",
        "designation",
        {
            "subject": ids["hanna"],
            "list": "extremist_individuals",
            "authority": "Ministry of Internal Affairs",
            "date": "2022-05",
        },
    )
    add(
        "sanction",
        "sanction",
        {
            "authority": "EU (sample)",
            "subject": ids["judge"],
            "programme": "Belarus (sample)",
            "listed": "2022-08",
        },
    )


def _import_sample(archive: Archive, actor: str) -> ImportReport:
    """The SYNTHETIC sample list (Viasna's export shape), dirty rows and all: the valid rows are
    imported and the rest reported, as `sviedka import --keep-going` does."""
    options = ImportOptions(actor=actor, keep_going=True, list_name=SAMPLE_LIST)
    return run_import(archive, SAMPLE_CSV, "viasna-csv", options)


def _evidence(archive: Archive, ids: Mapping[str, str], actor: str) -> dict[str, str]:
    """Two synthetic files: a picture and a written statement, both marked as sample data."""
    picture = Image.linear_gradient("L").resize((320, 240)).convert("RGB")
    ImageDraw.Draw(picture).text((12, 12), "SAMPLE - NOT EVIDENCE", fill=(255, 40, 40))
    statement = (
        f"{SAMPLE}\nStatement of a fictional witness about the march of 27 September 2020.\n"
    )
    made: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="sviedka-demo-") as scratch:
        files = {
            "picture": Path(scratch) / "march-2020-09-27.jpg",
            "statement": Path(scratch) / "statement.txt",
        }
        picture.save(files["picture"], "JPEG")
        files["statement"].write_text(statement, encoding="utf-8")
        for key, file in files.items():
            collection = Collection(
                links=(ids["ales"], ids["event"]),
                source=ids["source"],
                collected_by="sample monitor",
                collected_at="2020-09-27",
                collected_place="Minsk",
                note=SAMPLE,
            )
            made[key] = ingest_file(archive, file, actor=actor, collection=collection).sha256
    return made


def _tour(
    path: Path,
    store: Store,
    ids: Mapping[str, str],
    files: Mapping[str, str],
    imported: ImportReport,
) -> str:
    with store.view() as view:
        counts = {kind: view.count(kind) for kind in KINDS}
    listed = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n)
    a = f"--archive {path}"
    rejected = imported.count(Action.REJECTED)
    return f"""Demo archive ready at {path}  ({SAMPLE})
It holds {listed}, and {len(files)} evidence files in the encrypted vault.
The SYNTHETIC sample list: {imported.count(Action.ADDED)} of {imported.rows_read} rows imported, \
{rejected} deliberately dirty rows rejected (docs/import.md).
Custodian {DEMO_CUSTODIAN!r}, passphrase {DEMO_PASSPHRASE!r}: for commands that need the keys,
  export SVIEDKA_CUSTODIAN={DEMO_CUSTODIAN} SVIEDKA_PASSPHRASE='{DEMO_PASSPHRASE}'

A short tour (run with .venv/bin/sviedka, or `source .venv/bin/activate` first):
  sviedka {a} record list person
  sviedka {a} record show {ids["ales_det"]}          # a detention's timeline
  sviedka {a} import {SAMPLE_CSV} --format viasna-csv --list "{SAMPLE_LIST}" --dry-run --keep-going
  sviedka {a} record history {ids["hanna_det"]}      # two revisions, hash-chained
  sviedka {a} record show {ids["ales"]} --json                # a person, for scripts
  sviedka {a} cluster show {ids["ales_dup"]}         # two entries judged the same person
  sviedka {a} vocab show criminal_code_by --lang be
  sviedka {a} record list person --where custom.list_number=101
  sviedka {a} evidence custody {files["picture"]}
  sviedka {a} evidence export {files["picture"]} --out exported/      # needs the passphrase
  sviedka {a} ledger proof {ids["hanna_det"]} --out proof.json
  python3 tools/sviedka_verify.py proof.json --key "$(sviedka {a} ledger key)"
  sviedka {a} verify
"""
