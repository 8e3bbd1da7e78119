from __future__ import annotations

import time
import uuid

from sviedka.model.ids import is_record_id, new_id


def test_ids_are_uuid7_and_strictly_increasing() -> None:
    ids = [new_id() for _ in range(10_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 7 and is_record_id(i) for i in ids)


def test_the_id_carries_its_creation_time() -> None:
    before = time.time_ns() // 1_000_000
    made = uuid.UUID(new_id()).int >> 80
    assert before <= made <= time.time_ns() // 1_000_000 + 1


def test_other_uuids_are_not_record_ids() -> None:
    assert not is_record_id(str(uuid.uuid4()))
    assert not is_record_id("../../etc/passwd")
