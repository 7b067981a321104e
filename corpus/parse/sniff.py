"""A cheap look at a text source's first KBs: does it look like a structured format?

Only a warning: a `plain`/`article`/`thread_dump` source that holds JSON, CSV, subtitles or
an X archive's JavaScript is read as asked, but the user is told which format fits.
"""

from __future__ import annotations

import re

HEAD = 8192
_SRT = re.compile(r"\d+\s*\n\d{1,3}:\d\d:\d\d[,.]\d{1,3}\s*-->")
_MIN_ROWS = 3
# what every page of a Telegram Desktop HTML export holds near its start
TELEGRAM_HTML_MARKS = ('class="page_header"', 'class="message default', 'class="message service')


def looks_like_telegram_html(head: str) -> bool:
    """True for the start of a Telegram Desktop HTML export page (`messages.html`)."""
    return head.lstrip("\ufeff \t\r\n")[:1] == "<" and any(m in head for m in TELEGRAM_HTML_MARKS)


def likely_format(text: str) -> str | None:
    """A sentence naming the format the text's start looks like, or None."""
    head = text[:HEAD].lstrip("\ufeff \t\r\n")
    if head.startswith("WEBVTT") or _SRT.match(head):
        return "subtitles, WebVTT or SRT (use `format: transcript`)"
    if head.startswith(("window.YTD.", "Grailbird.data.")):
        return "an X archive file (use `format: x_archive`)"
    if looks_like_telegram_html(head):
        return "a Telegram Desktop HTML export (use `format: telegram_html`)"
    if head[:1] in "{[" and head:
        body = head[1:].lstrip()
        if body[:1] in ('"', "{", "[") or body.startswith("]") or body.startswith("}"):
            if '"messages"' in head or '"chats"' in head:
                return "a Telegram Desktop JSON export (use `format: telegram`)"
            if '"tweet"' in head or '"full_text"' in head:
                return "an X archive's tweets (use `format: x_archive`)"
            return "JSON (use `format: table` for an array of objects or JSON Lines)"
    lines = [line for line in head.split("\n")[:-1] if line.strip()][:8]
    if len(lines) >= _MIN_ROWS:
        for delimiter, name in (("\t", "TSV"), (",", "CSV")):
            counts = {line.count(delimiter) for line in lines}
            if len(counts) == 1 and counts.pop() >= 2 and delimiter in lines[0]:
                return f"{name} (use `format: table`)"
    return None
