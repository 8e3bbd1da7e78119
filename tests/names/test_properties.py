"""Properties over arbitrary text: keys are lower-case ASCII words, scores stay in 0..1."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from sviedka.names import name_similarity, name_variants, search_keys

TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40
) | st.sampled_from(["Алесь Бяляцкі", "Ales Bialiatski", "习近平", "Ľudmila Šťastná", "ß Æ ø"])


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_keys_are_distinct_lower_case_ascii_words(text: str) -> None:
    keys = search_keys(text)
    assert all(re.fullmatch(r"[a-z]+", k) for k in keys)
    assert len(keys) == len(set(keys))
    assert search_keys(text) == keys  # deterministic


@given(TEXT, TEXT)
@settings(max_examples=300, deadline=None)
def test_similarity_is_a_score(a: str, b: str) -> None:
    assert 0.0 <= name_similarity(a, b) <= 1.0


@given(TEXT)
@settings(max_examples=200, deadline=None)
def test_variants_start_with_the_name_and_do_not_repeat(text: str) -> None:
    variants = name_variants(text)
    assert len(variants) == len(set(variants))
    assert not variants or variants[0] == " ".join(text.split())
