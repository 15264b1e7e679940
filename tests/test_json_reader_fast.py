"""The JSON reader's fast checks (nesting depth, control characters) decide exactly as
the character-by-character scan and the walk over every parsed value they replace."""

from __future__ import annotations

import json
import random

from nytte.io.reader import (
    _deepest_nesting,
    _has_control_text,
    _may_hold_control_text,
)


def _deepest_by_loop(text: str) -> int:
    """The scan the reader used before: one Python step per character."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


ALPHABET = '[]{}"\\ab,:\n'


def test_nesting_depth_matches_the_character_scan_on_random_text() -> None:
    rng = random.Random(5)
    for _ in range(5000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 40)))
        assert _deepest_nesting(text) == _deepest_by_loop(text), text


def test_nesting_depth_of_real_documents() -> None:
    assert _deepest_nesting('{"a": [[["]]]]]]"]]], "b": "\\"[["}') == 4
    assert _deepest_nesting(json.dumps({"x": [[[[[[]]]]]]}, indent=1)) == 7
    assert _deepest_nesting('"[[[') == 0  # an unterminated string hides the rest
    assert _deepest_nesting('"ab\\') == 0
    assert _deepest_nesting("") == 0


def test_control_text_fast_path_never_misses_one() -> None:
    rng = random.Random(6)
    pieces = ["a", "æ", "\\n", "\\t", "\\\\", "\\b", "\\f", "\\u0000", "\\u001F", "\\u007f",
              "\\u200B", "\\u202e", "\\u2067", "\\u00e6", "\\u2070", "\u200b", "\x7f", " "]
    for _ in range(3000):
        body = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 8)))
        text = f'{{"k": ["{body}"]}}'
        doc = json.loads(text)
        if _has_control_text(doc):
            assert _may_hold_control_text(text), text
    assert not _may_hold_control_text(json.dumps({"titel": "Fejning på Ærø\n"},
                                                 ensure_ascii=False, indent=1))
    assert not _may_hold_control_text(json.dumps({"titel": "Ærø"}))  # \u00c6 is a letter
