"""The Zoom line: its exact format, robust parsing, and byte-exact edits of the notes."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simplespa_zoom.meetings import notes
from simplespa_zoom.zoom.line_format import ZOOM_LINE_FORMAT

NY = ZoneInfo("America/New_York")
LINK = "https://us05web.zoom.us/j/85746065432?pwd=abc"
LINE = f"Zoom: [Appointment with Ana] Tuesday, November 11 2025 6:00 pm \u2014 {LINK}"


def test_format_line_matches_the_documented_shape() -> None:
    start = datetime(2025, 11, 11, 18, 0, tzinfo=NY)
    assert notes.format_line(ZOOM_LINE_FORMAT, "Appointment with Ana", start, LINK) == LINE


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (datetime(2025, 11, 11, 18, 0), "Tuesday, November 11 2025 6:00 pm"),
        (datetime(2026, 1, 5, 0, 5), "Monday, January 5 2026 12:05 am"),
        (datetime(2026, 7, 4, 12, 30), "Saturday, July 4 2026 12:30 pm"),
        (datetime(2026, 12, 31, 9, 0), "Thursday, December 31 2026 9:00 am"),
        (datetime(2026, 3, 2, 13, 0), "Monday, March 2 2026 1:00 pm"),
        (datetime(2026, 3, 2, 1, 59), "Monday, March 2 2026 1:59 am"),
    ],
)
def test_format_when_pads_nothing_and_uses_lower_case_am_pm(when: datetime, text: str) -> None:
    assert notes.format_when(when.replace(tzinfo=NY)) == text
    assert notes.parse_when(text, NY) == when.replace(tzinfo=NY)


def test_format_line_turns_control_characters_in_a_zoom_topic_into_single_spaces() -> None:
    start = datetime(2025, 11, 11, 18, 0, tzinfo=NY)
    assert notes.format_line(ZOOM_LINE_FORMAT, "Appointment\nwith\t\x7fAna\u2028", start, LINK) == LINE


@pytest.mark.parametrize(
    ("url", "reads"),
    [
        (LINK, True),
        (LINK + " ", False),
        ("https://us05web.zoom.us/j/85746065432?pwd=has space", False),
        ("https://evil.example/j/85746065432", False),
    ],
)
def test_only_a_link_that_reads_back_whole_counts_as_a_join_link(url: str, reads: bool) -> None:
    assert notes.reads_as_join_link(ZOOM_LINE_FORMAT, url) is reads


def test_topic_is_one_line_of_at_most_200_characters() -> None:
    assert notes.topic_for("Ana\r\nSouza\t[VIP]") == "Appointment with Ana Souza [VIP]"
    assert len(notes.topic_for("x" * 500)) == 200


@pytest.mark.parametrize(
    ("text", "expected_topic"),
    [
        (LINE, "Appointment with Ana"),
        ("  " + LINE + "  ", "Appointment with Ana"),
        ("before\r\n" + LINE + "\r\nafter", "Appointment with Ana"),
        ("first line\n" + LINE, "Appointment with Ana"),
        (LINE.replace("with Ana", "with Ana [VIP] (Room 2)"), "Appointment with Ana [VIP] (Room 2)"),
        (LINE.replace("with Ana", "with ]]["), "Appointment with ]]["),
        (LINE.replace("us05web.zoom.us", "spa.zoom.us"), "Appointment with Ana"),
        (LINE.replace("/j/", "/w/"), "Appointment with Ana"),
        (LINE.replace("6:00 pm", "6:00 PM"), "Appointment with Ana"),
    ],
)
def test_parse_finds_the_line_in_what_people_do_to_text(text: str, expected_topic: str) -> None:
    line = notes.current_line(ZOOM_LINE_FORMAT, text)
    assert line is not None
    assert line.topic == expected_topic
    assert line.meeting_id == 85746065432
    assert text[line.start : line.end].strip() == text[line.start : line.end].strip(" \t")


@pytest.mark.parametrize(
    "text",
    [
        LINE.replace(LINK, "javascript:alert(1)//zoom.us/j/85746065432"),
        LINE.replace(LINK, "https://evil.example/j/85746065432"),
        LINE.replace(LINK, "https://zoom.us.evil.example/j/85746065432"),
        LINE.replace(LINK, "http://us05web.zoom.us/j/85746065432"),
        LINE.replace(LINK, "https://user@us05web.zoom.us/j/85746065432"),
        LINE.replace(LINK, "https://us05web.zoom.us/s/85746065432?zak=x"),
        LINE.replace(LINK, "https://us05web.zoom.us:8443/j/85746065432"),
        "Some text Zoom: [x] Tuesday, November 11 2025 6:00 pm \u2014 " + LINK,
        "Zoom: no brackets Tuesday \u2014 " + LINK,
        "",
    ],
)
def test_parse_never_turns_other_text_into_a_meeting(text: str) -> None:
    assert notes.current_line(ZOOM_LINE_FORMAT, text) is None


def test_a_hand_edited_date_still_parses_the_meeting_with_an_unknown_start() -> None:
    line = notes.current_line(
        ZOOM_LINE_FORMAT, LINE.replace("Tuesday, November 11 2025 6:00 pm", "next Tuesday evening")
    )
    assert line is not None
    assert line.starts_at(NY) is None
    assert line.when_text == "next Tuesday evening"
    unreadable = ("Tuesday, Smarch 11 2025 6:00 pm", "Tuesday, February 30 2026 6:00 pm", "Monday, May 4 2026 13:00 pm")
    assert [notes.parse_when(text, NY) for text in unreadable] == [None, None, None]


def test_a_hand_typed_time_is_shown_as_typed() -> None:
    line = notes.current_line(ZOOM_LINE_FORMAT, LINE.replace("Tuesday, November 11 2025 6:00 pm", "Xmas Eve, 6 pm X"))
    assert line is not None and line.when_text == "Xmas Eve, 6 pm X"


@pytest.mark.parametrize("meeting_id", [123456789, 1234567890123456789])
def test_meeting_ids_of_9_to_19_digits_are_found(meeting_id: int) -> None:
    text = "before\n" + LINE.replace("85746065432", str(meeting_id)) + "\nafter"
    line = notes.find_line(ZOOM_LINE_FORMAT, text, meeting_id)
    assert line is not None and line.meeting_id == meeting_id
    assert notes.meeting_ids(ZOOM_LINE_FORMAT, text) == {meeting_id}


@pytest.mark.parametrize(
    ("original", "appended"),
    [("a\r\n", "a\r\n" + LINE + "\r\n"), ("a\n", "a\n" + LINE + "\n"), ("a\r\nb", "a\r\nb\r\n" + LINE)],
)
def test_append_keeps_the_notes_own_line_breaks(original: str, appended: str) -> None:
    assert notes.append_line(original, LINE) == appended


def test_with_two_lines_the_last_one_is_current_and_each_can_be_found() -> None:
    other = LINE.replace("85746065432", "91234567890")
    text = f"{LINE}\nmiddle\n{other}"
    assert notes.current_line(ZOOM_LINE_FORMAT, text).meeting_id == 91234567890
    assert notes.find_line(ZOOM_LINE_FORMAT, text, 85746065432).start == 0
    assert notes.remove_line(text, notes.find_line(ZOOM_LINE_FORMAT, text, 85746065432)) == f"middle\n{other}"


@pytest.mark.parametrize(
    "original",
    ["", "a", "a\n", "a\r\n", "x\r\ny", "x\r\ny\r\n", "a\r", "\n", "\n\n", "  spaces  ", "line\nZoom: not ours"],
)
def test_append_then_remove_gives_back_every_byte(original: str) -> None:
    appended = notes.append_line(original, LINE)
    assert appended.startswith(original)
    line = notes.find_line(ZOOM_LINE_FORMAT, appended, 85746065432)
    assert line is not None and appended[line.start : line.end] == LINE
    assert notes.remove_line(appended, line) == original


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("before\r\n" + LINE + "\r\nafter", "before\r\nafter"),
        ("before\r\n\r\n" + LINE, "before\r\n"),
        ("before\n" + LINE + " \t", "before"),
        ("before\n" + LINE + " \t\nafter", "before\nafter"),
        ("before\n" + LINE + " \t\r\nafter", "before\nafter"),
    ],
    ids=[
        "middle-line-crlf",
        "last-line-after-a-blank-crlf-line",
        "blanks-after-the-link-at-the-end",
        "blanks-after-the-link-then-lf",
        "blanks-after-the-link-then-crlf",
    ],
)
def test_removing_a_line_takes_exactly_one_line_break_with_it(text: str, left: str) -> None:
    assert notes.remove_line(text, notes.find_line(ZOOM_LINE_FORMAT, text, 85746065432)) == left


@pytest.mark.parametrize(
    ("link", "personal"),
    [
        ("https://us05web.zoom.us/w/85746065432", True),
        ("https://us05web.zoom.us/w/85746065432?pwd=x", True),
        ("https://acme.zoom.us/j/85746065432?pwd=x&tk=T", True),
        ("https://acme.zoom.us/j/85746065432?tk=T", True),
        ("https://us05web.zoom.us/j/85746065432?pwd=x", False),
        ("https://us05web.zoom.us/j/85746065432?pwd=tk=x", False),
    ],
)
def test_a_registrants_personal_link_is_told_from_the_plain_one(link: str, personal: bool) -> None:
    assert ZOOM_LINE_FORMAT.is_personal_link(link) is personal


def test_replace_touches_only_the_line() -> None:
    text = f"before\r\n  {LINE}\r\nafter"
    line = notes.current_line(ZOOM_LINE_FORMAT, text)
    assert notes.replace_line(text, line, "NEW") == "before\r\nNEW\r\nafter"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_round_trip_property(original: str) -> None:
    appended = notes.append_line(original, LINE)
    line = notes.find_line(ZOOM_LINE_FORMAT, appended, 85746065432)
    assert line is not None
    assert notes.remove_line(appended, line) == original


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_a_line_in_the_middle_round_trips(before: str, after: str) -> None:
    prefix = before if before.endswith("\n") or not before else before + "\n"
    text = prefix + LINE + "\n" + after
    line = notes.find_line(ZOOM_LINE_FORMAT, text, 85746065432)
    assert line is not None
    assert notes.remove_line(text, line) == prefix + after


@pytest.mark.parametrize(
    "hostile",
    [
        "Zoom: [" + "] a" * 20000,
        "Zoom: [x] " + " " * 50000 + "y",
        "Zoom: [" * 30000,
        ("Zoom: [x] Tuesday \u2014 " + "https://" * 3000 + "\n") * 5,
        "\n" * 100000,
        "https://zoom.us/j/123456789\n" * 20000,
        "Zoom: [a] x https://zoom.us/j/123456789\n" * 20000,
        " Zoom: [" * 30000 + "] x \u2014 https://zoom.us/j/123456789y",  # a letter glued to the id: no link
    ],
)
def test_hostile_notes_parse_quickly_and_find_nothing(hostile: str) -> None:
    assert notes.find_lines(ZOOM_LINE_FORMAT, hostile) == []
    assert notes.current_line(ZOOM_LINE_FORMAT, hostile) is None
    assert notes.find_line(ZOOM_LINE_FORMAT, hostile, 123456789) is None


@pytest.mark.parametrize("filler_lines", [0, 1, 200, 5000])
def test_lines_are_found_across_the_windows_read_from_the_end(filler_lines: int) -> None:
    first = LINE.replace("85746065432", "91111111111")
    text = first + "\n" + "x" * 77 + "\n" + ("filler text line\n" * filler_lines) + LINE + "\nafter\n"
    assert notes.current_line(ZOOM_LINE_FORMAT, text).meeting_id == 85746065432
    assert notes.find_line(ZOOM_LINE_FORMAT, text, 91111111111).start == 0
    assert [line.meeting_id for line in notes.find_lines(ZOOM_LINE_FORMAT, text)] == [91111111111, 85746065432]
    only_first = first + "\n" + "y" * 40000 + "\n"
    assert notes.current_line(ZOOM_LINE_FORMAT, only_first).meeting_id == 91111111111


# The line's head as one regex: the definition the faster split check must agree with.
REFERENCE_HEAD = re.compile(
    r"[ \t]*+Zoom:[ \t]*+\[(?P<topic>[^\n]*)\](?P<when>[ \t][^\]\n\u2014\u2013]*+)[\u2014\u2013][ \t]*+"
)
HEAD_PIECES = st.sampled_from(["Zoom:", "[", "]", " ", "\t", "\u2014", "\u2013", "x", "Tuesday 6:00 pm", "] a"])


@settings(max_examples=400)
@given(st.lists(HEAD_PIECES, max_size=14).map("".join), st.sampled_from(["?pwd=a]b", "", "#x"]))
def test_the_head_check_agrees_with_the_one_regex_definition(head: str, query: str) -> None:
    text = f"{head}https://zoom.us/j/85746065432{query}"
    reference = REFERENCE_HEAD.fullmatch(text, 0, len(head))
    found = notes.current_line(ZOOM_LINE_FORMAT, text)
    if reference is None:
        assert found is None
    else:
        assert found is not None
        assert (found.topic, found.when_text) == (reference["topic"], reference["when"].strip(" \t"))


# The whole line as one Python regex, written apart from the module's two-engine pattern: the
# definition that the RE2 search plus the Python read must agree with, line breaks and all.
def reference_last_line(text: str, meeting_id: str = "[0-9]{9,19}") -> tuple | None:
    pattern = re.compile(
        r"^[ \t]*Zoom:[ \t]*\[(?P<topic>[^\n]*)\](?P<when>[ \t][^\]\n\u2014\u2013]*)[\u2014\u2013][ \t]*"
        r"(?P<url>https://(?:[A-Za-z0-9-]+\.)*(?ai:zoom\.us|zoom\.com|zoomgov\.com)(?::443)?/[jw]/"
        r"(?P<id>" + meeting_id + r")"
        # A query of Zoom's characters that does not end with a dot; nothing after the link could extend it.
        r"(?:\?[A-Za-z0-9_~%=&.-]*[A-Za-z0-9_~%=&-])?)(?![.?]*[A-Za-z0-9_~%=&-])"
        r"(?P<pad>[ \t]*(?=\r|$))?",  # blanks up to the line's end belong to the line; other text is the staff's
        re.MULTILINE,
    )
    matches = list(pattern.finditer(text))
    if not matches:
        return None
    last = matches[-1]
    end = last.end("pad") if last["pad"] is not None else last.end("url")
    return (last["topic"], last["when"].strip(" \t"), last["url"], int(last["id"]), last.start(), end)


LINKS = [
    "https://zoom.us/j/85746065432",
    "https://us05web.ZOOM.us/w/91111111111?pwd=a]b~",
    "https://zoomgov.com:443/j/85746065432#x",
    "https://zoom.us.evil.example/j/85746065432",
    "https://zoom.us/j/85746065432?pwd=\u00e9",
    "https://acme.zoom.com/j/85746065432?tk=T-1_x&pwd=Ab.C.1",
    "https://evilzoom.us/j/85746065432",
]
PIECES = st.sampled_from(
    [
        *("Zoom:", "[", "]", " ", "\t", "\n", "\r", "\r\n", "\u2014", "\u2013", "x", "\u00e9", "\u00a0", "?", "#"),
        *(".", "..", "(paid)", ",", "&", "=", "7", "%", *LINKS),
    ]
)
# Lines near the app's shape, each part open to stray pieces, so that edge cases are frequent.
NEAR_LINES = st.builds(
    lambda indent, topic, when, dash, link, tail: f"{indent}Zoom: [{topic}]{when}{dash}{link}{tail}",
    st.sampled_from(["", " ", "\t"]),
    st.lists(PIECES, max_size=4).map("".join),
    st.lists(PIECES, max_size=3).map(lambda pieces: " " + "".join(pieces)),
    st.sampled_from(["\u2014 ", "\u2013", " "]),
    st.sampled_from(LINKS),
    st.lists(PIECES, max_size=2).map("".join),
)


@settings(max_examples=600)
@given(st.lists(st.one_of(NEAR_LINES, PIECES), max_size=12).map("".join))
def test_current_and_find_line_agree_with_the_one_regex_definition(text: str) -> None:
    assert notes.current_line(ZOOM_LINE_FORMAT, text) == reference_last_line(text)
    assert notes.find_line(ZOOM_LINE_FORMAT, text, 85746065432) == reference_last_line(text, "85746065432")


def test_a_lone_surrogate_never_breaks_parsing_or_shifts_offsets() -> None:
    text = "x\ud800\n" + LINE + "\n\udfff after"
    line = notes.current_line(ZOOM_LINE_FORMAT, text)
    assert line is not None and text[line.start : line.end] == LINE
    assert notes.find_line(ZOOM_LINE_FORMAT, text, 85746065432) == line


@pytest.mark.parametrize("last", ["X", "x", "c"])
def test_the_apps_own_line_is_known_by_its_exact_text_whatever_its_link_ends_with(last: str) -> None:
    """The blanks around a line are not part of it; the last letter of its link is."""
    line = LINE + last
    text = "Prefers lavender oil.\n \t" + line + " \t\nBring a towel."
    found = notes.own_line(ZOOM_LINE_FORMAT, text, 85746065432, notes.fingerprint(line))
    assert found is not None and text[found.start : found.end].strip(" \t") == line
    assert notes.own_line(ZOOM_LINE_FORMAT, text, 85746065432, notes.fingerprint(LINE)) is None


def test_a_lone_surrogate_in_a_line_still_has_its_own_digest() -> None:
    """Text the forms refuse may still come from an older row or a provider's topic: no error, and no other
    text's digest."""
    digests = {notes.fingerprint(LINE + "\ud800"), notes.fingerprint(LINE + "\udfff"), notes.fingerprint(LINE)}
    assert len(digests) == 3


@pytest.mark.parametrize(
    ("meeting_id", "is_line"), [(12345678, False), (100000000, True), (10**19 - 1, True), (10**19, False)]
)
def test_a_link_is_a_meeting_line_only_with_the_digits_of_a_meeting_id(meeting_id: int, is_line: bool) -> None:
    """Zoom's ids have 9 to 19 digits: looking a line up by its id agrees with reading the notes."""
    text = "Prefers lavender oil.\n" + LINE.replace("85746065432", str(meeting_id))
    assert (notes.current_line(ZOOM_LINE_FORMAT, text) is not None) is is_line
    assert (notes.find_line(ZOOM_LINE_FORMAT, text, meeting_id) is not None) is is_line
