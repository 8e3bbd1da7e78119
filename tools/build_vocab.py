"""Rebuild ``src/sviedka/vocab/data/huridocs.json.gz`` from the OpenEvSys SQL dumps.

Run it after the dumps change; the output is byte-for-byte reproducible, and
``tests/vocab/test_huridocs.py`` fails while the bundled file and the dumps disagree.

    .venv/bin/python tools/build_vocab.py [DUMP_FOLDER]

DUMP_FOLDER defaults to ``../shared/data/huridocs-microthesauri`` next to the project root.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sviedka.vocab.huridocs import bundle_bytes, read_dump, vocabularies

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = ROOT.parent / "shared" / "data" / "huridocs-microthesauri"
TARGET = ROOT / "src" / "sviedka" / "vocab" / "data" / "huridocs.json.gz"


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else DEFAULT_FOLDER
    dump = read_dump(folder)
    vocabs = vocabularies(dump)
    TARGET.write_bytes(bundle_bytes(vocabs))
    terms = sum(len(vocab.terms) for vocab in vocabs)
    print(f"{TARGET.relative_to(ROOT)}: {len(vocabs)} vocabularies, {terms} terms")
    print(f"read {len(dump.terms)} term rows and {len(dump.russian)} Russian labels")
    orphans = dump.orphan_russian()
    if orphans:
        print(
            f"{len(orphans)} Russian label(s) name no term: {', '.join(orphans)}", file=sys.stderr
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
