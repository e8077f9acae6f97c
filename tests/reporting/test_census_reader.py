"""Reading a CIN census file: where each child starts, and the work that takes."""

from reporting.census_reader import as_utf8, read_children
from tests.reporting.test_census_import import EPISODE, census_file, child_xml


class ScanCountingBytes(bytes):
    """Bytes that add up how much of themselves `count()` has been asked to look through."""

    scanned = 0

    def count(self, sub, start=None, end=None):
        begin = 0 if start is None else start
        finish = len(self) if end is None else end
        type(self).scanned += max(0, finish - begin)
        return super().count(sub, start, end)


def child_lines(data: bytes) -> dict[str, int]:
    """The line of each <Child> opening tag, found the slow, obvious way."""
    lines = {}
    for number, text in enumerate(data.decode().splitlines(), start=1):
        if text.startswith("<Child>"):
            la_id = text.split("<LAchildID>")[1].split("</LAchildID>")[0]
            lines[la_id] = number
    return lines


def test_line_numbers_of_children_and_their_problems_are_the_lines_they_start_on():
    children = [child_xml(f"LINE{n}", EPISODE) for n in range(1, 31)]
    children[6] = child_xml("LINE7", EPISODE.replace("2025-06-03", "2025-13-45"))
    children[19] = child_xml("LINE20", EPISODE).replace("</Sex>", "</Sexx>")
    children[29] = child_xml("LINE30", EPISODE.replace("<ReferralSource>2A", "<ReferralSource>ZZ"))
    data = census_file(*children)
    expected = child_lines(data)

    blocks = list(read_children(data))

    assert {b.la_child_id: b.line for b in blocks} == expected
    problems = {p.la_child_id: p for b in blocks for p in b.problems}
    assert set(problems) == {"LINE7", "LINE20", "LINE30"}
    assert all(p.line == expected[la_id] for la_id, p in problems.items())
    assert f"line {expected['LINE20']}" in str(problems["LINE20"])


def test_reading_looks_through_the_file_once_not_once_per_child():
    # Counting newlines from the top of the file for every child made reading 10,000 children
    # take minutes: the work must grow with the file, not with its square.
    data = ScanCountingBytes(census_file(*(child_xml(f"SCAN{n}", EPISODE) for n in range(200))))
    ScanCountingBytes.scanned = 0

    blocks = list(read_children(data))

    assert len(blocks) == 200
    assert ScanCountingBytes.scanned <= len(data)
    assert blocks[-1].line == child_lines(bytes(data))["SCAN199"]


def test_a_utf16_file_that_is_not_utf16_is_reported():
    data, problem = as_utf8(b"\xff\xfe<\x00?\x00x")

    assert data == b""
    assert "UTF-16" in problem.message
