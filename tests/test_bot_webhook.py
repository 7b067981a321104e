"""Webhook mode end to end: PTB's webhook server on a free local port, the fake Bot API told
where to POST, updates answered only with the right secret token header."""

from __future__ import annotations

import contextlib
import re
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from bot_helpers import assert_limits, quotes_in
from conftest import assert_verbatim, markups_of, source_texts_of

from bot.app import (
    ALLOWED_UPDATES,
    WebhookSettings,
    build_application,
    serving,
    webhook_settings,
)
from bot.fakeapi import USER_ID, FakeBotApi
from bot.services import open_services

SECRET = "s3cret_Token-for-tests"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
PUBLIC_URL = "https://bot.example.test/telegram"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Hooked:
    """The bot serving a webhook; `post` delivers an update as Telegram would."""

    def __init__(self, fake: FakeBotApi, application: Any, settings: WebhookSettings) -> None:
        self.fake = fake
        self.application = application
        self.settings = settings
        self.local_url = f"http://127.0.0.1:{settings.port}{settings.path}"

    def update(self, text: str, **kwargs: Any) -> dict[str, Any]:
        """An Update for `text` that the fake knows about but will not hand to getUpdates."""
        update = self.fake.user_sends(text, **kwargs)
        self.fake.world.confirm(update["update_id"] + 1)
        return update

    async def post(self, update: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.post(self.local_url, json=update, headers=headers, timeout=10)


@pytest.fixture
async def hooked(seed_config: Any) -> AsyncIterator[Hooked]:
    settings = WebhookSettings(
        listen="127.0.0.1", port=free_port(), path="/telegram", url=PUBLIC_URL, secret_token=SECRET
    )
    async with contextlib.AsyncExitStack() as stack:
        fake = await stack.enter_async_context(FakeBotApi())
        services = await stack.enter_async_context(open_services(seed_config))
        application = build_application(services, base_url=fake.base_url, token=fake.token)
        async with serving(application, webhook=settings):
            await fake.wait_idle(application)
            yield Hooked(fake, application, settings)
        assert fake.refusals == [], fake.refusals
        assert fake.internal_errors == [], fake.internal_errors
        assert_verbatim(markups_of(fake), source_texts_of(seed_config))
        assert_limits(fake)


async def test_set_webhook_tells_telegram_the_url_secret_and_updates(hooked: Hooked) -> None:
    calls = hooked.fake.calls_to("setWebhook")
    assert len(calls) == 1
    params = calls[0].params
    assert params["url"] == PUBLIC_URL
    assert params["secret_token"] == SECRET
    assert sorted(params["allowed_updates"]) == sorted(ALLOWED_UPDATES)
    assert hooked.fake.calls_to("getUpdates") == []  # no polling next to a webhook
    info = hooked.fake.methods.get_webhook_info({})
    assert info["url"] == PUBLIC_URL


async def test_update_with_the_right_secret_is_answered(hooked: Hooked) -> None:
    response = await hooked.post(hooked.update("/topic drones"), {HEADER: SECRET})
    assert response.status_code == 200
    sent = await hooked.fake.drain(hooked.application)
    assert len(sent) == 1 and sent[0].chat_id == USER_ID
    assert quotes_in(sent) and "<b>drones</b>" in sent[0].html


@pytest.mark.parametrize(
    "headers",
    [{}, {HEADER: "wrong"}, {HEADER: SECRET + "x"}, {HEADER: ""}],
    ids=["missing", "wrong", "longer", "empty"],
)
async def test_update_without_the_right_secret_is_refused(
    hooked: Hooked, headers: dict[str, str]
) -> None:
    response = await hooked.post(hooked.update("/topic drones"), headers)
    assert response.status_code == 403
    assert await hooked.fake.drain(hooked.application) == []
    assert hooked.fake.calls_to("sendMessage") == []


async def test_button_press_through_the_webhook_turns_the_page(hooked: Hooked) -> None:
    await hooked.post(hooked.update("/topic drones"), {HEADER: SECRET})
    first = (await hooked.fake.drain(hooked.application))[0]
    press = hooked.fake.user_presses(first, button_text="▶")
    hooked.fake.world.confirm(press["update_id"] + 1)
    assert (await hooked.post(press, {HEADER: SECRET})).status_code == 200
    edited = (await hooked.fake.drain(hooked.application))[0]
    assert edited.edited and edited.message_id == first.message_id
    assert hooked.fake.callback_answers and hooked.fake.callback_answers[-1].text is None


async def test_settings_from_the_config_serve_and_check_a_generated_secret(
    make_config: Any,
) -> None:
    port = free_port()
    config = make_config(
        telegram={
            "mode": "webhook",
            "webhook": {"url": PUBLIC_URL, "listen": "127.0.0.1", "port": port, "path": "/hook"},
        }
    )
    settings = webhook_settings(config)
    assert (settings.port, settings.path, settings.url) == (port, "/hook", PUBLIC_URL)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,256}", settings.secret_token)  # none configured
    assert webhook_settings(config).secret_token != settings.secret_token  # random each start
    async with contextlib.AsyncExitStack() as stack:
        fake = await stack.enter_async_context(FakeBotApi())
        services = await stack.enter_async_context(open_services(config))
        application = build_application(services, base_url=fake.base_url, token=fake.token)
        async with serving(application, webhook=settings):
            hooked = Hooked(fake, application, settings)
            assert hooked.local_url.endswith(f":{port}/hook")
            assert fake.calls_to("setWebhook")[0].params["secret_token"] == settings.secret_token
            refused = await hooked.post(hooked.update("/random"), {HEADER: SECRET})
            assert refused.status_code == 403
            answered = await hooked.post(hooked.update("/random"), {HEADER: settings.secret_token})
            assert answered.status_code == 200
            assert len(await fake.drain(application)) == 1
        assert fake.refusals == []
