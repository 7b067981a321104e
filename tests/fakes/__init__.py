"""Test doubles: the fake Telegram Bot API server lives in the package (the console uses it)."""

from bot.fakeapi import *  # noqa: F403
from bot.fakeapi import __all__  # noqa: F401
