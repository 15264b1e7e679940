"""Database text shown through Streamlit elements that read Markdown.

Streamlit escapes HTML in Markdown (unless unsafe_allow_html, which Nytte never
uses with user text), but it still renders Markdown: a unit named
"[klik](https://evil.example)" would become a link, "**x**" bold. Titles, labels
and captions built from stored text pass through `md_escape` so they show the
characters as typed."""

from __future__ import annotations

import re

# Emphasis, links and images, code, HTML, strikethrough, tables, LaTeX ($) and
# Streamlit's :emoji: / :color[...] directives.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>~|$:])")
# GitHub-flavoured Markdown makes links of bare https://..., www.... and name@host
# even when escaped; an invisible word joiner (U+2060) breaks the pattern.
_AUTOLINK = re.compile(r"(?i)(://|\bwww\.|@)")
WORD_JOINER = "\u2060"
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=]|(\d+)([.)]))", re.MULTILINE)


def _line_start(m: re.Match[str]) -> str:
    if m.group(3):  # "1." starts an ordered list: escape the dot
        return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"
    return f"{m.group(1)}\\{m.group(2)}"


def md_escape(text: str) -> str:
    """Backslash-escape the Markdown in ``text`` so it shows as typed."""
    escaped = _MD_INLINE.sub(r"\\\1", text)
    escaped = _AUTOLINK.sub(lambda m: m.group(1)[0] + WORD_JOINER + m.group(1)[1:], escaped)
    return _MD_LINE_START.sub(_line_start, escaped)
