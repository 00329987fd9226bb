"""Opening the CSV files people actually have: any separator, UTF-8 or Windows-1252,
Italian headers, decimal commas."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidInput
from .tables import check_file

SEPARATORS = ";,\t|"


@dataclass
class CsvFile:
    path: Path
    encoding: str
    separator: str
    header: list[str]

    def reader(self):
        """A csv reader positioned after the header line."""
        fh = self.path.open(encoding=self.encoding, newline="")
        reader = csv.reader(fh, delimiter=self.separator)
        next(reader, None)
        return fh, reader


def open_csv(path: str | Path) -> CsvFile:
    """Detect encoding and separator from the first lines; refuse what is not a table."""
    path = check_file(Path(path))
    raw = path.open("rb").read(64 * 1024)
    if b"\x00" in raw:
        raise InvalidInput(f"{path.name} is not a text file (it contains NUL bytes).")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 decodes almost anything; this is for the few bytes it does not
        raise InvalidInput(f"{path.name} is neither UTF-8 nor Windows-1252 text.")
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        raise InvalidInput(f"{path.name} has no lines.")
    separator = _separator(lines)
    header = next(csv.reader(io.StringIO(lines[0]), delimiter=separator))
    header = [h.strip() for h in header]
    if len(header) < 2:
        raise InvalidInput(f"{path.name} has a single column: expected columns separated by "
                           "';', ',', tab or '|'.")
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise InvalidInput(f"{path.name} has two columns named '{dup}'.")
    return CsvFile(path, encoding, separator, header)


def _separator(lines: list[str]) -> str:
    """The separator that splits the header and the next lines into the same number of fields."""
    best, best_score = ",", -1
    for sep in SEPARATORS:
        counts = [len(next(csv.reader(io.StringIO(line), delimiter=sep))) for line in lines[:20]]
        if counts[0] < 2:
            continue
        score = sum(c == counts[0] for c in counts) * 100 + counts[0]
        if score > best_score:
            best, best_score = sep, score
    return best


def number(text: str, separator: str) -> float:
    """A float from '0.65', '0,65' (when ',' is not the separator) or '1.234,5'."""
    t = text.strip().replace("\u2212", "-")
    if separator != "," and "," in t:
        t = t.replace(".", "").replace(",", ".") if "." in t else t.replace(",", ".")
    value = float(t)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("not finite")
    return value
