"""corpusbot's Telegram front end, CLI and config: a thin adapter over `corpus`."""
