"""Characters that never belong in stored text, and how output shows the ones older records may hold.

C0 and C1 control characters (except newline and tab) can drive a terminal: an ESC sequence stored in a cycle's
observations would recolour, move or hide what an auditor reads. Bidirectional embeddings, overrides and
isolates make text read in another order than it is stored (a "Trojan Source" reversal). The history can never
be rewritten, so they are refused at the edge, and output escapes them anyway for records stored before.
"""

from __future__ import annotations

import re

_ALLOWED_CONTROLS = "\n\t"
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_FORBIDDEN = re.compile(
    "[" + "".join(
        re.escape(chr(code)) for code in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if chr(code) not in _ALLOWED_CONTROLS
    ) + _BIDI_CONTROLS + "]"
)


def forbidden_character(text: str) -> str | None:
    """The first character of the text that must not be stored, written as U+XXXX, or None."""
    match = _FORBIDDEN.search(text)
    return None if match is None else f"U+{ord(match.group(0)):04X}"


def forbidden_character_rule(character: str) -> str:
    return (
        f"holds the invisible control character {character}; control characters (other than newline and tab) "
        "and bidirectional overrides cannot be stored — remove it"
    )


def visible(text: str) -> str:
    """The text with every forbidden character shown as an escape (``\\x1b``, ``\\u202e``), never acted on."""
    return _FORBIDDEN.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_escaped(json_text: str) -> str:
    """JSON text with the remaining forbidden characters (C1 controls, bidi overrides) as \\uXXXX escapes:
    JSON reads them back as the same characters, and no terminal acts on them."""
    return _FORBIDDEN.sub(lambda match: f"\\u{ord(match.group(0)):04x}", json_text)
