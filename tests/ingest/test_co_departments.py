"""Co-handling units: names that contain 和 stay whole; lists joined by 和 are split."""

import pytest

from replies.ingest.pipeline import parse_bytes

DOC = """对临江市政协五届二次会议第012号提案的答复

民进临江市委：

贵委提出的关于“关于缓解学位紧张问题的建议”的提案收悉。本提案由我局主办，{units}会办。现将办理情况答复如下：

我们将继续推进学校建设。

感谢贵委对教育工作的关心和支持。

临江市教育局
2024年5月20日
"""

CASES = [
    ("市自然资源和规划局、市住房和城乡建设局", ["市自然资源和规划局", "市住房和城乡建设局"]),
    ("市财政局和市发展和改革委员会", ["市财政局", "市发展和改革委员会"]),
    ("市卫生健康委员会", ["市卫生健康委员会"]),
]


@pytest.mark.parametrize(("units", "expected"), CASES)
def test_co_departments_in_body_sentence(units, expected):
    reply = parse_bytes(DOC.format(units=units).encode(), "case.txt", {})
    assert reply.co_departments == expected


def test_co_department_header_line_keeps_names_whole():
    doc = DOC.format(units="市财政局").replace(
        "民进临江市委：",
        "会办单位：临江市自然资源和规划局、临江市公安局交通警察支队\n\n民进临江市委：",
    )
    reply = parse_bytes(doc.encode(), "case.txt", {})
    assert reply.co_departments == ["临江市自然资源和规划局", "临江市公安局交通警察支队"]
