import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnguide import display_width, format_table, pad

# Cells drawn from ASCII, Hangul syllables, CJK ideographs, full-width forms and
# combining marks: the characters whose widths differ.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.sampled_from(["\u0301", "\u200b"]),
    ),
    max_size=8,
)


def columns_of(line: str) -> list[int]:
    """The display column at which each character of `line` starts."""
    starts, column = [], 0
    for char in line:
        starts.append(column)
        column += display_width(char)
    return starts


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("", 0),
        ("loss", 4),
        ("손실", 4),
        ("MLP (5강)", 9),
        ("ｌｏｓｓ", 8),
        ("é", 1),
        ("a\u200bb", 2),
    ],
)
def test_display_width(text, width):
    assert display_width(text) == width


def test_display_width_matches_east_asian_width_for_every_hangul_syllable():
    for code in range(0xAC00, 0xD7A4):
        assert unicodedata.east_asian_width(chr(code)) == "W"
        assert display_width(chr(code)) == 2


@given(TEXT, st.integers(min_value=0, max_value=30), st.sampled_from("<>^"))
def test_pad_reaches_the_width_and_keeps_the_text(text, width, align):
    padded = pad(text, width, align)
    assert display_width(padded) == max(width, display_width(text))
    assert padded.strip(" ") == text.strip(" ")


@given(st.lists(st.lists(TEXT, min_size=3, max_size=3), min_size=1, max_size=5))
def test_every_column_starts_at_the_same_display_position(rows):
    rows = [[cell.strip() or "x" for cell in row] for row in rows]
    lines = format_table(rows, headers=["이름", "값", "설명"], align="<><").split("\n")
    assert len(lines) == len(rows) + 1
    widths = [max(display_width(row[i]) for row in [["이름", "값", "설명"], *rows]) for i in (0, 1)]
    # Column 2 starts after column 0, the gap, column 1 and the gap, in every line.
    start = widths[0] + 2 + widths[1] + 2
    for line, row in zip(lines, [["이름", "값", "설명"], *rows], strict=True):
        assert display_width(line[: len(line) - len(line.rstrip())]) == 0
        positions = columns_of(line)
        index = len(line) - len(row[2])
        assert line[index:] == row[2]
        assert positions[index] == start


def test_korean_table_lines_up_where_character_padding_does_not():
    rows = [["MLP (5강)", "4,810", "97.2%"], ["합성곱 신경망", "6,090", "99.4%"]]
    table = format_table(rows, headers=["모델", "매개변수 수", "테스트 정확도"])
    assert table.split("\n") == [
        "모델           매개변수 수  테스트 정확도",
        "MLP (5강)            4,810          97.2%",
        "합성곱 신경망        6,090          99.4%",
    ]
    assert len({display_width(line) for line in table.split("\n")}) == 1
    by_characters = [f"{name:16}{count:>12}" for name, count, _ in rows]
    assert len({display_width(line) for line in by_characters}) == 2


def test_ambiguous_characters_take_two_columns_in_a_table_with_hangul():
    # Korean fonts (the site's Nanum Gothic Coding among them) draw λ, ×, · two columns
    # wide, Western fonts one: the table decides by whether it holds Hangul.
    korean = format_table([["AdamW, λ = 1", "0.312"], ["규제 없음", "0.305"]])
    assert korean.split("\n") == ["AdamW, λ = 1  0.312", "규제 없음      0.305"]
    assert {display_width(line, ambiguous=2) for line in korean.split("\n")} == {20}
    english = format_table([["AdamW, λ = 1", "0.312"], ["no decay", "0.305"]])
    assert english.split("\n") == ["AdamW, λ = 1  0.312", "no decay      0.305"]
    assert format_table([["6×6"], ["식"]], ambiguous=1).split("\n") == ["6×6", "식"]
    assert format_table([["6×6"], ["식"]], align=">").split("\n") == ["6×6", "  식"]


@pytest.mark.parametrize("value", [0, 3, 1.0, True, "2"])
def test_ambiguous_is_one_or_two_columns(value):
    with pytest.raises((TypeError, ValueError), match=rf"ambiguous must be .*{value!r}"):
        format_table([["a"]], ambiguous=value)


def test_numbers_are_formatted_and_right_aligned():
    assert format_table([["a", 4810, 0.123456], ["bb", 7, 2.0]]).split("\n") == [
        "a   4,810  0.1235",
        "bb      7       2",
    ]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: display_width(3), TypeError, "text must be a str, got int 3"),
        (lambda: display_width("a\nb"), ValueError, "'a\\nb'"),
        (lambda: pad("a", -1), ValueError, "width must be at least 0, got -1"),
        (lambda: pad("a", 2.0), TypeError, "width must be an int, got float 2.0"),
        (lambda: pad("a", 2, "left"), ValueError, "align must be one of '<', '>', '^', got 'left'"),
        (lambda: format_table("ab"), TypeError, "rows must be a sequence of rows, got str 'ab'"),
        (lambda: format_table([1]), TypeError, "rows[0] must be a sequence of cells, got int 1"),
        (lambda: format_table([[None]]), TypeError, "got NoneType None"),
        (lambda: format_table([[True]]), TypeError, "got bool True"),
        (lambda: format_table([["a", "b"], ["c"]]), ValueError, "rows[1] has 1: ['c']"),
        (
            lambda: format_table([["a"]], headers=["x", "y"]),
            ValueError,
            "2 cells like headers, but rows[0] has 1",
        ),
        (lambda: format_table([["a"]], headers=[1]), TypeError, "headers[0] must be a str"),
        (lambda: format_table([["a", "b"]], align="<"), ValueError, "got '<'"),
        (lambda: format_table([["a"]], align="x"), ValueError, "got 'x'"),
        (lambda: format_table([["a"]], gap=0), ValueError, "gap must be at least 1, got 0"),
    ],
)
def test_bad_input_names_the_argument_and_the_value(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert message in str(caught.value)


def test_empty_table_is_empty():
    assert format_table([]) == ""
