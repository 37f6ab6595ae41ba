"""Telling GBK/GB18030 Chinese text from text in another legacy encoding.

Nearly any run of bytes decodes as GB18030, so a Shift-JIS, Big5, KOI8-R or Latin-1 file
would load as mojibake. Real Chinese text is almost all in GB2312's first level, the 3,755
characters in common use (a lender's export: names, branches, teams, notes); other
encodings decoded as GBK give characters outside it (Shift-JIS kana and Big5 characters
land in GBK's extension, accented Latin letters break or land there, Cyrillic letter pairs
spread over both levels of GB2312). And where a Chinese character's two bytes are both
0xC0 or above about half the time, a Cyrillic letter pair's (KOI8-R, CP1251) always are.
A file whose non-ASCII characters are more than 40 % outside the first level, or more
than 90 % of such pairs, is refused.
"""

import re
from collections import Counter
from pathlib import Path

from etl.errors import UnreadableFile

SAMPLE = 256 << 10  # bytes looked at, from the first line holding a non-ASCII byte
FIRST_NON_ASCII = re.compile(rb"[\x80-\xff]")
BLOCK = 1 << 20
FEWEST_JUDGED = 10  # fewer non-ASCII characters than this tell nothing
MOST_UNCOMMON = 0.4
FEWEST_PAIRS_JUDGED = 24  # with fewer, all of a few Chinese characters may be high pairs
MOST_HIGH_PAIRS = 0.9
HIGH = 0xC0


def _sample(path: Path) -> bytes:
    """Up to SAMPLE bytes from the start of the first line with a non-ASCII byte (a line
    start is a character boundary in GB18030: its bytes after the first are never 0x0A)."""
    with path.open("rb") as stream:
        previous = b""
        while block := stream.read(BLOCK):
            found = FIRST_NON_ASCII.search(block)
            if found:
                data = previous + block
                at = len(previous) + found.start()
                line_start = data.rfind(b"\n", 0, at) + 1
                return (data[line_start:] + stream.read(SAMPLE))[:SAMPLE]
            previous = block[-4096:]
    return b""


def is_common_chinese(character: str) -> bool | None:
    """True for a character of GB2312's first level, its punctuation and full-width forms;
    None for ASCII; False for anything else."""
    if character.isascii():
        return None
    try:
        encoded = character.encode("gb2312")
    except UnicodeEncodeError:
        return False
    lead = encoded[0]
    return 0xA1 <= lead <= 0xA3 or 0xB0 <= lead <= 0xD7


def is_high_pair(character: str) -> bool | None:
    """Whether a character's two GBK bytes are both 0xC0 or above; None if not two bytes."""
    try:
        encoded = character.encode("gbk")
    except UnicodeEncodeError:
        return None
    if len(encoded) != 2:
        return None
    return encoded[0] >= HIGH and encoded[1] >= HIGH


def refuse_foreign_text(path: Path, name: str) -> None:
    """Raises UnreadableFile when the file, read as GB18030, does not read as Chinese."""
    sample = _sample(path)
    text = sample.decode("gb18030", errors="replace").rstrip("\ufffd")  # the sample's end
    common = uncommon = pairs = high_pairs = 0
    for character, count in Counter(text).items():
        verdict = is_common_chinese(character)
        if verdict is None:
            continue
        if verdict:
            common += count
        else:
            uncommon += count
        high = is_high_pair(character)
        if high is not None:
            pairs += count
            high_pairs += count if high else 0
    judged = common + uncommon
    if judged >= FEWEST_JUDGED and uncommon > MOST_UNCOMMON * judged:
        found = (
            f"{uncommon:,} of its first {judged:,} non-ASCII characters are not Chinese in "
            "common use"
        )
    elif pairs >= FEWEST_PAIRS_JUDGED and high_pairs > MOST_HIGH_PAIRS * pairs:
        found = f"{high_pairs:,} of its first {pairs:,} characters are Cyrillic-like bytes"
    else:
        return
    raise UnreadableFile(
        name,
        f"is not text in UTF-8 or GBK/GB18030: read as GBK, {found} (is it Shift-JIS, Big5, "
        "KOI8-R or Latin-1?); save it as UTF-8 CSV",
    )
