"""Transcripts into dictionary words, and pronunciations for any word."""

import functools
import re
from pathlib import Path

import pocketsphinx

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def normalise_transcript(text: str) -> list[str]:
    """Lowercase dictionary-alphabet words: punctuation dropped, numbers spelled
    out ("1961" -> nineteen sixty one), "J. F. K." -> j f k."""
    text = text.lower().replace("&", " and ").replace("%", " percent ")
    text = re.sub(r"(\d),(\d{3})", r"\1\2", text)
    text = re.sub(r"\d+", lambda m: " " + _number_words(int(m.group())) + " ", text)
    return re.findall(r"[a-z]+(?:'[a-z]+)?", text)


def _number_words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if 1100 <= n < 2100 and n % 100 != 0 or 1100 <= n < 2000:
        # Years are read in pairs: nineteen sixty one.
        high, low = divmod(n, 100)
        return _number_words(high) + (" hundred" if low == 0 else
                                      (" oh " if low < 10 else " ") + _number_words(low))
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + _number_words(rest))
    for size, name in ((10 ** 9, "billion"), (10 ** 6, "million"), (1000, "thousand")):
        if n >= size:
            rest = n % size
            return _number_words(n // size) + " " + name + ("" if rest == 0 else " " + _number_words(rest))
    return str(n)


@functools.cache
def dictionary() -> dict[str, str]:
    """CMUdict as bundled with PocketSphinx: word -> space-separated ARPAbet phones."""
    path = Path(pocketsphinx.get_model_path()) / "en-us" / "cmudict-en-us.dict"
    entries = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            word, _, phones = line.strip().partition(" ")
            if "(" not in word:  # keep the first pronunciation of each word
                entries[word] = phones
    return entries


# Letter-to-sound rules for words missing from the dictionary (names, new
# words): longest grapheme first; rough, but every letter sounds.
_GRAPHEMES = [
    ("tch", "CH"), ("sch", "SH K"), ("igh", "AY"), ("eau", "OW"), ("ough", "AO"),
    ("ch", "CH"), ("sh", "SH"), ("th", "TH"), ("ph", "F"), ("wh", "W"), ("ck", "K"),
    ("ng", "NG"), ("qu", "K W"), ("gh", "G"), ("kn", "N"), ("wr", "R"),
    ("ee", "IY"), ("ea", "IY"), ("oo", "UW"), ("ou", "AW"), ("ow", "OW"), ("oi", "OY"),
    ("oy", "OY"), ("ai", "EY"), ("ay", "EY"), ("au", "AO"), ("aw", "AO"), ("ie", "IY"),
    ("ei", "EY"), ("ey", "IY"), ("ue", "UW"), ("er", "ER"), ("ar", "AA R"), ("or", "AO R"),
    ("ir", "ER"), ("ur", "ER"),
    ("a", "AE"), ("b", "B"), ("c", "K"), ("d", "D"), ("e", "EH"), ("f", "F"), ("g", "G"),
    ("h", "HH"), ("i", "IH"), ("j", "JH"), ("k", "K"), ("l", "L"), ("m", "M"), ("n", "N"),
    ("o", "AA"), ("p", "P"), ("q", "K"), ("r", "R"), ("s", "S"), ("t", "T"), ("u", "AH"),
    ("v", "V"), ("w", "W"), ("x", "K S"), ("y", "IY"), ("z", "Z"),
]


def letter_to_sound(word: str) -> str:
    """ARPAbet phones for ``word`` from spelling rules; doubled letters sound once,
    a final silent e is dropped."""
    word = re.sub(r"(.)\1", r"\1", word.lower().replace("'", ""))
    if len(word) > 3 and word.endswith("e") and word[-2] not in "aeiou":
        word = word[:-1]
    phones, i = [], 0
    while i < len(word):
        for grapheme, sound in _GRAPHEMES:
            if word.startswith(grapheme, i):
                phones.append(sound)
                i += len(grapheme)
                break
        else:
            i += 1  # not a letter the rules know
    return " ".join(phones) or "AH"


def pronunciations(words: list[str]) -> dict[str, str]:
    """Each word's ARPAbet phones: from the dictionary, else letter-to-sound rules."""
    known = dictionary()
    return {word: known.get(word) or letter_to_sound(word) for word in words}
