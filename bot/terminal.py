"""Telegram HTML -> text for a terminal (`corpusbot ask`, `corpusbot chat`)."""

from __future__ import annotations

from html.parser import HTMLParser

ANSI_STYLES = {"b": "1", "strong": "1", "i": "3", "em": "3", "u": "4", "s": "9", "del": "9"}


class _TerminalParser(HTMLParser):
    """Telegram HTML -> text: blockquote lines prefixed `│ `, bold/strike as ANSI if asked."""

    def __init__(self, ansi: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.ansi = ansi
        self.out: list[str] = []
        self.quote = False
        self.href: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote":
            self.quote = True
            if self.out and not "".join(self.out).endswith("\n"):
                self.out.append("\n")
            self.out.append("│ ")
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))
        elif self.ansi and tag in ANSI_STYLES:
            self.out.append(f"\x1b[{ANSI_STYLES[tag]}m")

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self.quote = False
        elif tag == "a":
            href = self.href.pop() if self.href else None
            if href:
                self.out.append(f" <{href}>")
        elif self.ansi and tag in ANSI_STYLES:
            self.out.append("\x1b[0m")

    def handle_data(self, data: str) -> None:
        if self.quote:
            data = data.replace("\n", "\n│ ")
        self.out.append(data)


def to_terminal(markup: str, *, ansi: bool = False) -> str:
    """Render Telegram HTML for a terminal: quotes indented with `│ `, entities unescaped."""
    parser = _TerminalParser(ansi)
    parser.feed(markup)
    parser.close()
    return "".join(parser.out)
