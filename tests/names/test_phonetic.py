"""The Belarusian ↔ Russian ↔ Latin correspondences, one row per rule, as folded forms agree."""

from __future__ import annotations

import pytest

from sviedka.names.phonetic import fold, phonetic, skeleton

# (rule, Belarusian, Russian, Latin spellings…): all fold to one form
CORRESPONDENCES = [
    ("і ↔ и", "Мікіта", "Микита", "Mikita"),
    ("ў ↔ в", "Іваноў", "Иванов", "Ivanou", "Ivanoŭ", "Ivanov"),
    ("э ↔ е", "Андрэева", "Андреева", "Andreyeva", "Andrejeva"),
    ("ы ↔ ы", "Быкаў", "Быков", "Bykau", "Bykov"),
    ("‑ка ↔ ‑ко", "Лукашэнка", "Лукашенко", "Lukashenka", "Lukashenko", "Łukašenka"),
    ("‑скі ↔ ‑ский", "Жукоўскі", "Жуковский", "Zhukouski", "Zhukovskiy", "Zhukovsky"),
    ("‑цкі ↔ ‑цкий", "Бяляцкі", "Беляцкий", "Bialiatski", "Byalyatski", "Belyatsky"),
    ("‑віч ↔ ‑вич", "Статкевіч", "Статкевич", "Statkevich", "Statkievič", "Statkevitch"),
    ("akanne а ↔ о", "Калеснікава", "Колесникова", "Kalesnikava", "Kolesnikova"),
    ("я ↔ е", "Сяргей", "Сергей", "Siarhei", "Sergei", "Sergey", "Siarhiej"),
    ("ц ↔ т (цеканне)", "Ціханоўская", "Тихановская", "Tsikhanouskaya", "Cichanoŭskaja"),
    ("дз ↔ д (дзеканне)", "Дзмітрый", "Дмитрий", "Dzmitry", "Dmitriy", "Dzmitryj"),
    ("hard ц: а ↔ е", "Цапкала", "Цепкало", "Tsapkala", "Tsepkalo"),
    ("hard ч: а ↔ е", "Чарнышоў", "Чернышёв", "Charnyshou", "Chernyshev", "Čarnyšoŭ"),
    ("г ↔ г: h ↔ g", "Ганчар", "Гончар", "Hanchar", "Gonchar", "Hančar"),
    ("ё ↔ ё: io ↔ yo ↔ e", "Кавалёў", "Ковалёв", "Kavaliou", "Kovalyov", "Kovalev"),
    ("ь, apostrophe", "Вараб'ёў", "Воробьёв", "Varabyou", "Vorob'yev", "Vorobyov"),
    ("у ↔ в initially", "Уладзімір", "Владимир", "Uladzimir", "Vladimir", "Uładzimir"),
    ("ия ↔ ыя", "Марыя", "Мария", "Maryia", "Maria", "Mariya", "Maryja"),
    ("цц ↔ ть", "Таццяна", "Татьяна", "Tatsiana", "Tatyana", "Taciana"),
]  # fmt: skip


@pytest.mark.parametrize("row", CORRESPONDENCES, ids=lambda row: row[0])
def test_correspondence_folds_away(row: tuple[str, ...]) -> None:
    forms = {fold(phonetic(word)) for word in row[1:]}
    assert len(forms) == 1, forms


@pytest.mark.parametrize("row", CORRESPONDENCES, ids=lambda row: row[0])
def test_correspondence_shares_a_skeleton(row: tuple[str, ...]) -> None:
    assert len({skeleton(word) for word in row[1:]}) == 1


@pytest.mark.parametrize(
    ("left", "right"),
    [("Losik", "Lysiuk"), ("Данченко", "Панченко"), ("Иванов", "Ивашов"), ("Pavel", "Paula")],
)
def test_other_vowels_and_consonants_stay_apart(left: str, right: str) -> None:
    assert fold(phonetic(left)) != fold(phonetic(right))


def test_lacinka_reads_ch_as_kh_for_the_whole_name() -> None:
    assert phonetic("Zachar", lacinka=True) == phonetic("Захар")
    assert phonetic("Zachar", lacinka=False) != phonetic("Захар")
    assert fold(phonetic("Chadasievič")) == fold(phonetic("Хадасевіч")) == "hadasavic"


def test_english_c_and_slavic_ck() -> None:
    assert phonetic("Victor") == phonetic("Viktor")
    assert fold(phonetic("Sawicki")) == fold(phonetic("Савицкий")) == "savicki"
    assert phonetic("Jackson") == "jakson"
