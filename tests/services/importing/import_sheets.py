"""Small sheets for import tests, written by the tests (CSV in any encoding, XLSX by openpyxl)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

HEADER = [
    "id", "url", "name", "status", "birthday", "gender", "arrested", "articles", "verdict_date",
    "decision", "penalty", "judge", "prosecutor", "prison", "declaration", "release_date", "died",
]  # fmt: skip
ROWS = [
    ["11", "https://l.invalid/11", "Іваноў Іван Іванавіч", "active", "25.09.1962", "m",
     "25 верасня 2021", "342 ч.1", "12.2021", "3 года колонии общего режима", "",
     "Сердюк О.М.", "Гончарик П.С.", "ИК-15 г. Могилёв", "https://l.invalid/d/11", "", ""],
    ["12", "https://l.invalid/12", "Петрова Анна Сергеевна", "former", "1990", "ж", "09.2021",
     "ч. 1 ст. 342, 130 ч.3", "2022-01-10", "2 г. 6 мес. ИК усиленного режима",
     "штраф 100 базовых величин", "Сердюк  О. М.", "", "released", "", "01.03.2024", ""],
    ["13", "", "Жук Антон", "np", "", "м", "2022-03-01", "361-1, 361-4", "", "", "", "", "",
     "СИЗО №1 г. Минск", "", "", ""],
    ["", "https://l.invalid/14", "Козлова Ольга Ивановна", "former", "04.01.1974", "f",
     "11.2023", "Art. 130 part 3", "17.04.2024", "1 год колонии общего режима", "",
     "Прокопчук И.В.", "Гончарик П.С.", "ИК-4 г. Гомель", "https://l.invalid/d/14", "",
     "28.09.2024"],
    ["", "", "Мельник Максим", "active", "10.08.1993", "m", "01.06.2024", "ст.342 ч.2; 130 ч.3",
     "", "", "", "", "", "СИЗО №1 г. Минск", "", "", ""],
]  # fmt: skip


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(
    path: Path,
    rows: list[list[str]] | None = None,
    *,
    header: list[str] | None = None,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    text = csv_text(header or HEADER, ROWS if rows is None else rows, delimiter)
    path.write_bytes(text.encode(encoding))
    return path
