"""What the sanctions tests share besides fixtures: the actor and a person maker."""

from __future__ import annotations

from typing import Any

from sviedka.services.archive.folder import Archive
from sviedka.services.records.records import add_record

ACTOR = "test"


def person(archive: Archive, name: str, lang: str, born: str | None, **more: Any) -> str:
    body: dict[str, Any] = {"names": [{"full": name, "lang": lang}], **more}
    if born:
        body["birth_date"] = born
    return add_record(archive.store, "person", body, actor=ACTOR).record.id
