"""The handlers' typed context: PTB's `CallbackContext` with the app's services on it.

Registered through `ContextTypes` (as in PTB's `examples/contexttypesbot.py`), so handlers read
`context.services` instead of importing the composition root for an accessor.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.services import Services

SERVICES_KEY = "services"
LAST_EDITS_KEY = "last_edits"

BotData = dict[Any, Any]


class BotContext(CallbackContext[ExtBot[None], BotData, BotData, BotData]):
    """What every handler gets: PTB's context plus typed access to the shared state."""

    @property
    def services(self) -> Services:
        """The services stored in `bot_data` when the application was built."""
        services: Services = self.bot_data[SERVICES_KEY]
        return services

    @property
    def last_edits(self) -> OrderedDict[tuple[int, int], str]:
        """The last edit made to each message (a double press must not repeat it)."""
        edits: OrderedDict[tuple[int, int], str] = self.bot_data.setdefault(
            LAST_EDITS_KEY, OrderedDict()
        )
        return edits


CONTEXT_TYPES = ContextTypes(context=BotContext)

BotApplication = Application[ExtBot[None], BotContext, BotData, BotData, BotData, Any]


def store_services(
    application: Application[Any, Any, Any, Any, Any, Any], services: Services
) -> None:
    """Put `services` where `BotContext.services` finds them."""
    application.bot_data[SERVICES_KEY] = services
