"""Decode an HTML payload to text the way a browser would, and say which encoding was used.

Precedence (first that applies wins):

1. A byte-order mark (UTF-8, UTF-16LE, UTF-16BE). It overrides every declaration, as in browsers.
2. ``charset=`` of the HTTP ``Content-Type`` header.
3. A declaration in the first ``META_SCAN_BYTES`` of the document: ``<meta charset=...>`` or
   ``<meta http-equiv="Content-Type" content="...; charset=...">`` (comments are skipped), and
   failing that an ``<?xml ... encoding="..."?>`` declaration (XHTML).
4. Detection: valid (or predominantly valid) UTF-8 -> utf-8; otherwise charset-normalizer's
   guess (when there are enough non-ASCII bytes for it to mean something), with a Latin-script
   check so that Western pages are not read as windows-1250; otherwise a windows-1251 vs
   windows-1252 heuristic (long runs of bytes 0xC0-0xFF are Cyrillic words, see
   ``looks_cyrillic``).

Labels are read with the WHATWG Encoding Standard's table (``labels.py``): ``iso-8859-1``,
``latin1`` and ``us-ascii`` mean windows-1252, ``x-cp1251`` is windows-1251, and so on. A meta
declaration of UTF-16 means UTF-8 (a byte-oriented prescan could not have read it otherwise).

**A declaration that is wrong.** A declared encoding (header or meta) is used only if the body
decodes with it *strictly*. Servers that send ``charset=utf-8`` for every file are common, so when
the body is not valid in the declared encoding, the declaration is treated as a mistake and the
next step is tried. One exception: a page declared UTF-8 that is *predominantly* UTF-8 (at least
twice as many valid multi-byte sequences as invalid bytes, e.g. a UTF-8 page with one stray
windows-1252 byte in a pasted comment) is kept as UTF-8, the bad bytes becoming U+FFFD.

For the single-byte windows-* encodings the bytes 0x80-0x9F that Python's codecs leave undefined
(e.g. 0x81 in windows-1252) decode to the C1 control of the same number, as the Encoding Standard
says, so they do not make an otherwise valid declaration fail.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from archive.text.extraction.labels import codec_for, from_python_codec, normalize_label

__all__ = [
    "META_SCAN_BYTES",
    "decode_html",
    "detect_encoding",
    "header_charset",
    "looks_cyrillic",
    "meta_charset",
]

# How far into the document a <meta> declaration is looked for. The Encoding Standard's prescan
# reads 1024 bytes, but browsers also honour a later <meta> met while parsing <head> ("change the
# encoding"); pages of the shared corpus put their <meta charset> after 5-13 KB of scripts.
META_SCAN_BYTES = 16 * 1024
# How much of a large body charset-normalizer is shown (it samples chunks of it anyway).
_DETECTION_SAMPLE_BYTES = 256 * 1024
# Below this many non-ASCII bytes charset-normalizer's guesses are noise (six Cyrillic letters
# come back as Big5, twenty as windows-1250), so only the 1251/1252 heuristic is used.
_DETECTOR_MIN_HIGH_BYTES = 64
_ASCII = bytes(range(0x80))

_C1_HANDLER = "prov-whatwg-c1"
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16le"),
    (codecs.BOM_UTF16_BE, "utf-16be"),
)
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_META = re.compile(rb"<meta\s[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.+-]+)", re.IGNORECASE)
_XML_DECL = re.compile(rb"^\s*<\?xml\s[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9_:.+-]+)", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r";\s*charset\s*=\s*(\"[^\"]*\"|[^\s;]+)", re.IGNORECASE)
_HIGH_LETTER_RUN = re.compile(rb"[\xc0-\xff]+")
# Latin-script encodings that charset-normalizer confuses with one another on Western text.
_LATIN_FAMILY = frozenset(
    {
        "windows-1250",
        "windows-1252",
        "windows-1254",
        "windows-1257",
        "iso-8859-2",
        "iso-8859-3",
        "iso-8859-4",
        "iso-8859-10",
        "iso-8859-13",
        "iso-8859-14",
        "iso-8859-15",
        "iso-8859-16",
        "macintosh",
    }
)
# A non-ASCII character that is not a letter, between two letters: a word broken by a wrongly
# decoded byte (Polish "własny" read as windows-1252 instead of windows-1250 gives "w³asny").
_BROKEN_WORD = re.compile(r"(?<=[^\W\d_])(?![^\W\d_])[^\x00-\x7f](?=[^\W\d_])")


def _c1_controls(error: UnicodeError) -> tuple[str, int]:
    """Decode bytes 0x80-0x9F a windows-* codec leaves undefined as C1 controls (WHATWG)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    if all(0x80 <= byte <= 0x9F for byte in chunk):
        return "".join(chr(byte) for byte in chunk), error.end
    raise error


codecs.register_error(_C1_HANDLER, _c1_controls)


def _decode(body: bytes, encoding: str, *, strict: bool) -> str | None:
    """Decode with a WHATWG encoding; None when ``strict`` and the bytes are invalid in it."""
    codec = codec_for(encoding)
    if not strict:
        errors = "replace"
    elif codec.startswith("cp12") or codec == "cp874":
        errors = _C1_HANDLER
    else:
        errors = "strict"
    try:
        return body.decode(codec, errors)
    except UnicodeDecodeError:
        return None


def _lossy(body: bytes, encoding: str) -> str:
    text = _decode(body, encoding, strict=True)
    return text if text is not None else body.decode(codec_for(encoding), "replace")


def _predominantly_utf8(body: bytes) -> str | None:
    """The UTF-8 reading of ``body`` (bad bytes as U+FFFD) if it is mostly valid UTF-8."""
    text = body.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    valid_multibyte = non_ascii - invalid
    return text if valid_multibyte >= 2 * invalid else None


def header_charset(content_type: str | None) -> str | None:
    """The WHATWG encoding named by ``charset=`` in a Content-Type value, if any and known."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return normalize_label(match.group(1)) if match else None


def meta_charset(body: bytes) -> str | None:
    """The WHATWG encoding declared in the document head (<meta>, else <?xml encoding>)."""
    head = _COMMENT.sub(b"", body[:META_SCAN_BYTES])
    for match in _META.finditer(head):
        encoding = normalize_label(match.group(1).decode("ascii"))
        if encoding is not None:
            # A byte-oriented prescan could only read the <meta> if it were ASCII-compatible.
            return "utf-8" if encoding.startswith("utf-16") else encoding
    xml = _XML_DECL.match(head)
    return normalize_label(xml.group(1).decode("ascii")) if xml else None


def looks_cyrillic(body: bytes) -> bool:
    """Whether undeclared 8-bit text reads better as windows-1251 than as windows-1252.

    In both encodings bytes 0xC0-0xFF are letters. Russian words are made of them only, so they
    come in runs as long as words; in Western European text they are single accented letters
    among ASCII ones ("Straße", "élégant"). Cyrillic when most such bytes sit in runs of 3+.
    """
    in_runs = total = 0
    for match in _HIGH_LETTER_RUN.finditer(body):
        length = match.end() - match.start()
        total += length
        if length >= 3:
            in_runs += length
    return total > 0 and in_runs * 2 > total


def _normalizer_guess(body: bytes) -> str | None:
    sample = body
    if len(body) > _DETECTION_SAMPLE_BYTES:
        # cut at a newline: never inside a multi-byte character of an ASCII-compatible encoding
        cut = body.rfind(b"\n", 0, _DETECTION_SAMPLE_BYTES)
        sample = body[: cut if cut > 0 else _DETECTION_SAMPLE_BYTES]
    best = from_bytes(sample).best()
    guess = from_python_codec(best.encoding) if best is not None else None
    # UTF-16 without a byte-order mark is not HTML seen in the wild; on short 8-bit input
    # charset-normalizer sometimes proposes it, which would turn Latin text into CJK ideographs.
    return None if guess is None or guess.startswith("utf-16") else guess


def _latin_choice(body: bytes, guess: str) -> str:
    """windows-1252 unless ``guess`` breaks fewer words (the WHATWG default for Western text)."""
    if guess == "windows-1252":
        return guess

    def broken(encoding: str) -> int:
        return len(_BROKEN_WORD.findall(_lossy(body, encoding)))

    return guess if broken(guess) < broken("windows-1252") else "windows-1252"


def detect_encoding(body: bytes) -> str:
    """Guess the WHATWG encoding of undeclared (or wrongly declared) bytes."""
    if _predominantly_utf8(body) is not None:
        return "utf-8"
    high_bytes = len(body.translate(None, _ASCII))
    guess = _normalizer_guess(body) if high_bytes >= _DETECTOR_MIN_HIGH_BYTES else None
    if guess is not None and guess != "utf-8":
        return _latin_choice(body, guess) if guess in _LATIN_FAMILY else guess
    return "windows-1251" if looks_cyrillic(body) else "windows-1252"


def decode_html(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Decode an HTML payload; returns (text, WHATWG name of the encoding used).

    Never raises: the last resort (windows-1252) decodes any byte string. See the module
    docstring for the precedence and the rule for declarations that turn out to be wrong.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return _lossy(body[len(bom) :], encoding), encoding
    tried: set[str] = set()
    for declared in (header_charset(content_type), meta_charset(body)):
        if declared is None or declared in tried:
            continue
        tried.add(declared)
        text = _decode(body, declared, strict=True)
        if text is not None:
            return text, declared
        if declared == "utf-8":
            mostly = _predominantly_utf8(body)
            if mostly is not None:
                return mostly, "utf-8"
    encoding = detect_encoding(body)
    if encoding == "utf-8":
        return body.decode("utf-8", "replace"), encoding
    return _lossy(body, encoding), encoding
