"""Sanctions lists and the perpetrators they concern.

``ofac`` and ``ftm`` read lists into list tables (reference data, versioned per file); ``rupep``
imports the RuPEP list of officials as person, organisation and position records; ``screen``
matches every documented perpetrator against the loaded lists; ``review`` confirms or rejects a
proposed match; ``export`` writes perpetrators as FollowTheMoney entities. See docs/sanctions.md.
"""

from __future__ import annotations

__all__: list[str] = []
