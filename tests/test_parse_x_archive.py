"""The X archive reader on generated archives: long posts (note-tweet.js), account.js,
cut retweets, replies' display range, deleted tweets, edits, older and split archives."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.model import ParsedSource, SourceSpec
from corpus.parse import parse_source, source_files, source_sha256
from corpus.parse.records import verbatim_failures

LONG = (
    "Harbour notes, part one. The tide tables printed in spring were wrong by an hour for "
    "three weeks, and the ferry company knew it. We asked for the corrected tables twice &amp; "
    "were told to wait. Meanwhile two boats grounded on the bar at low water. Nobody was hurt, "
    "but that was luck, not planning. Here is what we propose for next season, in full."
)
NOTE_TEXT = LONG.replace("&amp;", "&")
CUT = LONG[:270] + "… https://t.co/AbCdEf123"
SHOW_MORE = {
    "url": "https://t.co/AbCdEf123",
    "expanded_url": "https://twitter.com/i/web/status/900",
}


def tweet(tid: str, text: str, created: str = "Wed Oct 10 20:19:24 +0000 2018", **extra: object):
    return {"tweet": {"id_str": tid, "full_text": text, "created_at": created, **extra}}


def write_js(path: Path, name: str, items: list[object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"window.YTD.{name}.part0 = " + json.dumps(items, indent=2), "utf-8")
    return path


def archive(root: Path, *, account: bool = True) -> Path:
    """A generated archive: root/data/{tweets.js, tweets-part1.js, note-tweet.js, ...}."""
    data = root / "data"
    write_js(
        data / "tweets.js",
        "tweets",
        [
            tweet("900", CUT, entities={"urls": [SHOW_MORE]}),
            tweet("901", "RT @origin_writer: A long retweeted thought that X cut short at the e…"),
            tweet(
                "902",
                "@alice @bob Thanks, both: the new tables are up.",
                display_text_range=["12", "48"],
                in_reply_to_screen_name="alice",
            ),
            tweet(
                "910",
                "First wording of the post.",
                "Thu Mar 02 10:00:00 +0000 2023",
                edit_info={"initial": {"editTweetIds": ["910", "911"], "editsRemaining": "4"}},
            ),
        ],
    )
    (data / "tweets-part1.js").write_text(
        "window.YTD.tweets.part1 = "
        + json.dumps(
            [
                tweet(
                    "911",
                    "Second wording of the post.",
                    "Thu Mar 02 10:05:00 +0000 2023",
                    edit_info={
                        "edit": {
                            "initialTweetId": "910",
                            "editControlInitial": {"editTweetIds": ["910", "911"]},
                        }
                    },
                )
            ]
        ),
        "utf-8",
    )
    write_js(
        data / "note-tweet.js",
        "note_tweet",
        [
            {
                "noteTweet": {
                    "noteTweetId": "55501",
                    "createdAt": "2018-10-10T20:19:25.000Z",
                    "updatedAt": "2018-10-10T20:19:25.000Z",
                    "core": {"text": NOTE_TEXT, "urls": [], "mentions": [], "hashtags": []},
                }
            },
            {
                "noteTweet": {
                    "noteTweetId": "55502",
                    "createdAt": "2019-01-01T00:00:00.000Z",
                    "core": {"text": "A long note whose tweet is gone."},
                }
            },
        ],
    )
    write_js(
        data / "deleted-tweets.js",
        "deleted_tweets",
        [
            tweet(
                "700",
                "Second thoughts on the pier plan.",
                "Mon Jan 04 08:00:00 +0000 2021",
                deleted_at="2021-01-05T09:00:00.000Z",
            )
        ],
    )
    if account:
        write_js(
            data / "account.js",
            "account",
            [
                {
                    "account": {
                        "email": "owner@example.org",
                        "username": "harbourdesk",
                        "accountId": "42",
                        "accountDisplayName": "Harbour Desk",
                    }
                }
            ],
        )
    return root


def read(path: Path, speaker: str = "unknown", **extra: object) -> ParsedSource:
    parsed = parse_source(SourceSpec(path, "x_archive", speaker, **extra))  # type: ignore[arg-type]
    assert verbatim_failures(parsed) == []
    return parsed


def by_record(parsed: ParsedSource) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in parsed.passages:
        out.setdefault(p.record or "", []).append(p.text)
    return out


def test_a_long_post_is_served_whole_from_note_tweet_js(tmp_path: Path) -> None:
    parsed = read(archive(tmp_path))
    post = [p for p in parsed.passages if p.record == "900"]
    assert [p.text for p in post] == [NOTE_TEXT]
    assert parsed.records["900"] == NOTE_TEXT  # the note's text, unchanged
    assert post[0].url == "https://x.com/harbourdesk/status/900"
    assert "note-tweet.js" in (post[0].note or "")
    # the cut copy is no passage of its own, and the note is not served twice
    assert not any(p.text.endswith("t.co/AbCdEf123") for p in parsed.passages)
    assert sum(NOTE_TEXT[:40] in p.text for p in parsed.passages) == 1


def test_account_js_names_the_owner_and_the_links(tmp_path: Path) -> None:
    parsed = read(archive(tmp_path))
    own = next(p for p in parsed.passages if p.record == "902")
    assert own.speaker == "Harbour Desk (@harbourdesk)"
    assert own.url == "https://x.com/harbourdesk/status/902"
    retweet = next(p for p in parsed.passages if p.record == "901")
    assert retweet.note and "retweeted by Harbour Desk (@harbourdesk)" in retweet.note
    given = read(archive(tmp_path), speaker="H. Desk", link="https://x.com/hd/status/{id}")
    assert {p.speaker for p in given.passages if p.record == "902"} == {"H. Desk"}
    assert next(p for p in given.passages if p.record == "902").url == "https://x.com/hd/status/902"


def test_without_account_js_or_speaker_the_owner_is_unknown(tmp_path: Path) -> None:
    parsed = read(archive(tmp_path, account=False))
    assert next(p for p in parsed.passages if p.record == "902").speaker == "unknown"
    assert any("no speaker" in w.message for w in parsed.warnings)
    assert next(p for p in parsed.passages if p.record == "902").url == (
        "https://x.com/i/web/status/902"
    )


def test_a_cut_retweet_is_credited_to_its_origin_and_flagged(tmp_path: Path) -> None:
    retweet = next(p for p in read(archive(tmp_path)).passages if p.record == "901")
    assert retweet.speaker == "@origin_writer"
    assert retweet.text.startswith("A long retweeted thought")
    assert retweet.note and "cut by X's archive" in retweet.note


def test_a_reply_starts_at_its_display_text_range(tmp_path: Path) -> None:
    parsed = read(archive(tmp_path))
    reply = next(p for p in parsed.passages if p.record == "902")
    assert reply.text == "Thanks, both: the new tables are up."
    assert parsed.records["902"].startswith("@alice @bob ")  # the record keeps them
    assert reply.note and "reply to @alice" in reply.note


def test_a_range_that_does_not_cover_only_mentions_is_not_trusted(tmp_path: Path) -> None:
    path = write_js(
        tmp_path / "tweets.js",
        "tweets",
        [tweet("1", "Words first @alice then more", display_text_range=["6", "28"])],
    )
    assert [p.text for p in read(path, "Me").passages] == ["Words first @alice then more"]


def test_deleted_tweets_are_read_and_noted(tmp_path: Path) -> None:
    parsed = read(archive(tmp_path))
    gone = next(p for p in parsed.passages if p.record == "700")
    assert gone.text == "Second thoughts on the pier plan."
    assert gone.note == "deleted 5 Jan 2021"
    alone = read(tmp_path / "data" / "deleted-tweets.js", "Me")
    assert [p.note for p in alone.passages] == ["deleted 5 Jan 2021"]


def test_the_versions_of_an_edited_post_are_one_post(tmp_path: Path) -> None:
    parsed = read(archive(tmp_path))
    texts = by_record(parsed)
    assert "910" not in texts and texts["911"] == ["Second wording of the post."]
    assert next(p for p in parsed.passages if p.record == "911").note == "edited"
    assert any("earlier version" in w.message for w in parsed.warnings)
    # only the first version in the file: shown, and said not to be the latest
    only = read(tmp_path / "data" / "tweets.js", "Me")
    first = next(p for p in only.passages if p.record == "910")
    assert first.note == "edited: a later version is not in the archive"


def test_a_folder_reads_every_part_and_an_unclaimed_note(tmp_path: Path) -> None:
    root = archive(tmp_path / "twitter-2024-01-01-abc")
    for path in (root, root / "data"):
        parsed = read(path)
        assert set(parsed.records) == {"900", "901", "902", "911", "700", "note-55502"}
        note = next(p for p in parsed.passages if p.record == "note-55502")
        assert note.url is None and note.note and "no link" in note.note
    single = read(root / "data" / "tweets.js", "Me")
    assert "note-55502" not in single.records and "700" not in single.records
    assert any("tweets-part1.js" in w.message for w in single.warnings)


def test_older_archives_tweet_js_and_bare_arrays(tmp_path: Path) -> None:
    old = tmp_path / "tweet.js"
    old.write_text(
        "window.YTD.tweet.part0 = " + json.dumps([tweet("5", "Older &lt;archive&gt;")]), "utf-8"
    )
    assert [p.text for p in read(old, "Me").passages] == ["Older <archive>"]
    bare = tmp_path / "b" / "tweets.js"
    bare.parent.mkdir()
    bare.write_text(json.dumps([{"id_str": "6", "full_text": "bare"}]), "utf-8")
    assert [p.text for p in read(bare, "Me").passages] == ["bare"]


def test_a_long_post_without_note_tweet_js_is_flagged_as_cut(tmp_path: Path) -> None:
    path = write_js(
        tmp_path / "tweets.js", "tweets", [tweet("900", CUT, entities={"urls": [SHOW_MORE]})]
    )
    post = read(path, "Me").passages[0]
    assert post.note and "cut by X's archive" in post.note


def test_the_digest_covers_every_file_read(tmp_path: Path) -> None:
    root = archive(tmp_path)
    spec = SourceSpec(root, "x_archive", "Me")
    assert {p.name for p in source_files(spec)} >= {"note-tweet.js", "account.js", "tweets.js"}
    before = source_sha256(spec)
    assert read(root).sha256 == before
    (root / "data" / "note-tweet.js").write_text("window.YTD.note_tweet.part0 = []", "utf-8")
    assert source_sha256(spec) != before


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=5),
    cut=st.integers(min_value=1, max_value=60),
)
def test_every_passage_is_a_slice_of_its_record(
    tmp_path_factory: object, texts: list[str], cut: int
) -> None:
    folder = tmp_path_factory.mktemp("x")  # type: ignore[attr-defined]
    items = [tweet(str(n + 1), t) for n, t in enumerate(texts)]
    note = texts[0] + " and more words after the cut"
    items[0] = tweet("1", texts[0][:cut] + "… https://t.co/x")
    write_js(folder / "tweets.js", "tweets", items)
    write_js(
        folder / "note-tweet.js",
        "note_tweet",
        [{"noteTweet": {"createdAt": "2018-10-10T20:19:24Z", "core": {"text": note}}}],
    )
    parsed = read(folder)
    for p in parsed.passages:
        assert p.text and p.text == p.text.strip()


def test_a_note_that_names_its_tweet_in_another_layout(tmp_path: Path) -> None:
    write_js(tmp_path / "tweets.js", "tweets", [tweet("77", "Short start of it… https://t.co/q")])
    write_js(
        tmp_path / "note-tweet.js",
        "note_tweet",
        [{"noteTweet": {"noteTweetId": "9", "tweetId": "77",
                        "noteTweetResults": {"text": "Whole text, at last."}}}],
    )  # fmt: skip
    parsed = read(tmp_path)
    assert [(p.record, p.text) for p in parsed.passages] == [("77", "Whole text, at last.")]


def test_a_month_file_of_the_oldest_archives(tmp_path: Path) -> None:
    path = tmp_path / "2014_01.js"
    item = {"id_str": "8", "text": "Grail &amp; bird", "created_at": "2014-01-31 21:44:02 +0000"}
    path.write_text("Grailbird.data.tweets_2014_01 = \n" + json.dumps([item]), "utf-8")
    (p,) = read(path, "Me").passages
    assert (p.text, p.date and p.date.iso()) == ("Grail & bird", "2014-01-31")


def test_community_posts_and_the_long_posts_of_deleted_tweets(tmp_path: Path) -> None:
    root = archive(tmp_path)
    write_js(
        root / "data" / "community-tweet.js",
        "community_tweet",
        [tweet("950", "Posted in the harbour community.")],
    )
    write_js(
        root / "data" / "deleted-note-tweet.js",
        "deleted_note_tweet",
        [{"noteTweet": {"noteTweetId": "66", "createdAt": "2020-02-02T00:00:00Z",
                        "core": {"text": "A deleted long post, whole."}}}],
    )  # fmt: skip
    parsed = read(root)
    assert parsed.records["950"] == "Posted in the harbour community."
    gone = next(p for p in parsed.passages if p.record == "note-66")
    assert gone.note and gone.note.startswith("deleted long post from deleted-note-tweet.js")
