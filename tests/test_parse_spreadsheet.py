"""Excel workbooks as table sources, on workbooks generated here with openpyxl."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from corpus.errors import SourceError
from corpus.model import SourceSpec, TableColumns
from corpus.parse import parse_source
from corpus.parse.records import verbatim_failures

COLUMNS = TableColumns(text="Statement", date="When", id="No", speaker="Who", url="Link")


def workbook(path: Path) -> Path:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Notes"
    first.append(["nothing", "here"])
    sheet = book.create_sheet("Posts")
    sheet.append(["No", "When", "Who", "Statement", "Link"])
    sheet.append([1, dt.datetime(2021, 3, 4, 15, 30, 0), "Ann Example", "Bridges first.", None])
    sheet.append([])  # a blank row is no row
    sheet.append(
        [2, dt.datetime(2021, 5, 1), None, "Roads second.\n\nThen rail.", "https://e.org/2"]
    )
    sheet.append([3, dt.datetime(2022, 7, 1), "Ben Sample", "Ports last.", None])
    sheet.append([4, "03.08.2022", "Ben Sample", "Text dates too.", None])
    sheet.append([5, None, "Ben Sample", 12.5, None])
    sheet["B4"].number_format = "yyyy-mm-dd"
    sheet["B5"].number_format = "mmm yyyy"
    book.save(path)
    return path


def spec(path: Path, **extra: object) -> SourceSpec:
    return SourceSpec(path, "table", "Desk", columns=COLUMNS, **extra)  # type: ignore[arg-type]


def test_a_sheet_is_read_like_a_csv(tmp_path: Path) -> None:
    parsed = parse_source(spec(workbook(tmp_path / "posts.xlsx"), sheet="Posts"))
    assert verbatim_failures(parsed) == []
    texts = [(p.record, p.text, p.speaker, p.line) for p in parsed.passages]
    assert texts[:4] == [
        ("1", "Bridges first.", "Ann Example", 2),
        ("2", "Roads second.", "Desk", 4),
        ("2", "Then rail.", "Desk", 4),
        ("3", "Ports last.", "Ben Sample", 5),
    ]
    assert parsed.records["5"] == "12.5"
    assert parsed.passages[1].url == "https://e.org/2"


def test_a_date_cell_keeps_its_precision(tmp_path: Path) -> None:
    parsed = parse_source(
        spec(workbook(tmp_path / "posts.xlsx"), sheet="2", date_format="%d.%m.%Y")
    )
    dates = {p.record: p.date for p in parsed.passages}
    with_time = dates["1"]
    assert with_time is not None and with_time.time == dt.time(15, 30)
    assert with_time.utc_offset is None  # a workbook has no zone
    day = dates["2"]
    assert day is not None and day.precision == "day" and day.time is None
    month = dates["3"]
    assert month is not None and (month.precision, month.human()) == ("month", "Jul 2022")
    text = dates["4"]
    assert text is not None and text.iso() == "2022-08-03"


def test_the_first_sheet_by_default_and_an_unknown_sheet_is_named(tmp_path: Path) -> None:
    path = workbook(tmp_path / "posts.xlsx")
    with pytest.raises(SourceError, match="no `Statement` field"):
        parse_source(spec(path))
    with pytest.raises(SourceError, match=r"no sheet 'Missing'.*'Notes', 'Posts'"):
        parse_source(spec(path, sheet="Missing"))


def test_a_workbook_is_known_by_its_content(tmp_path: Path) -> None:
    path = workbook(tmp_path / "export.dat")
    parsed = parse_source(spec(path, sheet="Posts"))
    assert len(parsed.records) == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\0" * 64
            + "EncryptedPackage".encode("utf-16-le"),
            "password-protected workbook",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "Excel 97-2003"),
        (b"PK\x03\x04" + b"\0" * 100, "not a readable .xlsx workbook"),
    ],
)
def test_a_workbook_we_cannot_read_is_refused_in_one_line(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(data)
    with pytest.raises(SourceError, match=message) as caught:
        parse_source(spec(path))
    assert "\n" not in str(caught.value)


@settings(max_examples=25, deadline=None)
@given(
    texts=st.lists(st.text(min_size=1, max_size=60).filter(str.isprintable), min_size=1, max_size=5)
)
def test_every_passage_is_a_slice_of_its_cell(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    path = tmp_path_factory.mktemp("xl") / "t.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["text"])
    for text in texts:
        sheet.append([text])
    book.save(path)
    parsed = parse_source(SourceSpec(path, "table", "Desk"))
    assert verbatim_failures(parsed) == []
    for p in parsed.passages:
        assert p.text == p.text.strip() and p.text


def write_ods(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A minimal OpenDocument spreadsheet: mimetype first and stored, manifest, content."""

    def cell(value: object) -> str:
        if isinstance(value, dt.date):
            return (
                f'<table:table-cell office:value-type="date" '
                f'office:date-value="{value.isoformat()}"><text:p>x</text:p></table:table-cell>'
            )
        if isinstance(value, int | float):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        text = escape(str(value))
        return (
            '<table:table-cell office:value-type="string">'
            f"<text:p>{text}</text:p></table:table-cell>"
        )

    tables = "".join(
        f'<table:table table:name="{name}">'
        + "".join(
            "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>"
            for row in rows
        )
        + "</table:table>"
        for name, rows in sheets.items()
    )
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        f'office:version="1.2"><office:body><office:spreadsheet>{tables}'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as out:
        out.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        out.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        out.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def test_an_opendocument_sheet_is_read_too(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["No", "When", "Who", "Statement", "Link"],
        [1, dt.datetime(2021, 3, 4, 15, 30), "Ann Example", "Bridges & first.", ""],
        [2, dt.date(2021, 5, 1), "", "Roads second.", "https://e.org/2"],
    ]
    path = write_ods(tmp_path / "posts.ods", {"Notes": [["nothing"]], "Posts": rows})
    parsed = parse_source(spec(path, sheet="Posts"))
    assert verbatim_failures(parsed) == []
    got = [(p.record, p.text, p.speaker, p.line) for p in parsed.passages]
    assert got == [("1", "Bridges & first.", "Ann Example", 2), ("2", "Roads second.", "Desk", 3)]
    first, second = (p.date for p in parsed.passages)
    assert first is not None and first.time == dt.time(15, 30)
    assert second is not None and second.precision == "day" and second.time is None
    same = write_ods(tmp_path / "export.bin", {"Posts": rows})  # known by its content
    assert len(parse_source(spec(same)).records) == 2
    with pytest.raises(SourceError, match=r"no sheet 'Nope'"):
        parse_source(spec(path, sheet="Nope"))
