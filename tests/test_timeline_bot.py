"""/timeline end to end (issue 13): the real bot sends a PNG the fake Bot API accepts as
Telegram would, its numbers those of /topic for the same words; a period's button lists
that period's passages; the console chat shows the picture as a line and saves it; the fake
refuses what Telegram refuses (not a PNG, out of the photo limits)."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
import telegram
from telegram.error import BadRequest

from bot.fakeapi import FakeBotApi
from bot.fakeapi.methods import MAX_PHOTO_BYTES
from tests.test_console_chat import converse

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_timeline_drones_sends_a_png_with_the_topic_numbers(bot: Any) -> None:
    sent = await bot.send("/timeline drones")
    photo, numbers = sent
    assert photo.photo is not None and len(photo.photo) < 10 * 1024 * 1024
    width, height = png_size(photo.photo)
    assert width + height <= 10_000 and max(width, height) <= 20 * min(width, height)
    assert photo.message["photo"][0]["width"] == width
    topic = await bot.services.library.find_topic("drones", limit=1000)
    assert f"{topic.total} passages per week" in photo.text
    assert f"total: {topic.total}" in numbers.text
    counts = [int(n) for n in re.findall(r": (\d+)$", numbers.text, re.M)]
    assert sum(counts[:-1]) == topic.total  # the periods add up (no undated here)
    # the busiest period's button lists exactly that period's passages
    button = max(photo.buttons(), key=lambda b: int(b["text"].rsplit(": ", 1)[1]))
    count = int(button["text"].rsplit(": ", 1)[1])
    listed = await bot.press(photo, callback_data=button["callback_data"])
    shown = sum(m.html.count("<blockquote") for m in listed)
    assert shown == count, (button, [m.text[:80] for m in listed])


async def test_timeline_in_the_console_chat(seed_config: Any) -> None:
    text = await converse(seed_config, "/timeline drones")
    [line] = [ln for ln in text.splitlines() if "[picture " in ln]
    saved = Path(line.split("saved to ", 1)[1].rstrip("]"))
    assert png_size(saved.read_bytes())[0] > 0
    assert "Timeline “drones”: 8 passages per week; peak 2" in text
    assert "total: 8" in text


def png(width: int, height: int, extra: int = 0) -> bytes:
    """A minimal PNG header of that size (the fake reads the IHDR), `extra` bytes after."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return PNG_SIGNATURE + chunk + b"\0" * extra


@pytest.mark.parametrize(
    ("data", "description"),
    [
        (b"GIF89a not a png at all", "IMAGE_PROCESS_FAILED"),
        (png(9000, 1001), "PHOTO_INVALID_DIMENSIONS"),  # width + height > 10000
        (png(2100, 100), "PHOTO_INVALID_DIMENSIONS"),  # ratio > 20
        (png(800, 300, MAX_PHOTO_BYTES), "PHOTO_SAVE_FILE_INVALID"),  # > 10 MB
    ],
)
async def test_the_fake_refuses_photos_telegram_refuses(data: bytes, description: str) -> None:
    async with FakeBotApi() as fake:
        fake.user_sends("hello", chat_id=5, user_id=5)
        bot = telegram.Bot(fake.token, base_url=fake.base_url)
        async with bot:
            with pytest.raises(BadRequest, match=f"(?i){description}"):  # PTB capitalises
                await bot.send_photo(5, data, caption="x")
            accepted = await bot.send_photo(5, png(800, 300), caption="fine")
            assert accepted.photo[0].width == 800
