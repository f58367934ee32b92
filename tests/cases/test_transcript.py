"""A pasted conversation becomes turns: plain text, CSV and chat-tool HTML, masked, with
errors that name their line."""

import pytest
from django.utils import translation

from cases.transcript import TranscriptError, transcript_parse


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_plain_text_with_labels_and_timestamps_becomes_turns():
    parsed = transcript_parse(
        "[10:01:05] 客户：快递三天没到\n"
        "还没有物流信息\n"
        "客服 10:01:40：您好，我马上为您查询\n"
        "顾客(王女士)：好的\n"
        "坐席-小李：已为您催件\n"
        "Customer: thanks\n"
        "AGENT: you're welcome\n"
    )
    assert parsed.source == "text"
    assert [(t.speaker, t.time, t.text) for t in parsed.turns] == [
        ("customer", "10:01:05", "快递三天没到\n还没有物流信息"),
        ("agent", "10:01:40", "您好，我马上为您查询"),
        ("customer", "", "好的"),
        ("agent", "", "已为您催件"),
        ("customer", "", "thanks"),
        ("agent", "", "you're welcome"),
    ]


def test_a_chat_tools_header_line_takes_the_lines_under_it():
    parsed = transcript_parse(
        "客户 2026-11-20 10:01:05\n我要退款\n订单号：12345\n客服 2026-11-20 10:02:00\n好的"
    )
    assert [(t.speaker, t.time, t.text) for t in parsed.turns] == [
        ("customer", "10:01:05", "我要退款\n订单号：12345"),
        ("agent", "10:02:00", "好的"),
    ]


def test_a_line_that_only_starts_with_a_label_word_is_not_a_new_turn():
    parsed = transcript_parse("客服：请问还有什么问题\n客户要求退款：这是备注")
    assert len(parsed.turns) == 1
    assert parsed.turns[0].text == "请问还有什么问题\n客户要求退款：这是备注"


def test_personal_data_is_masked_and_listed_by_line_in_masked_form_only():
    parsed = transcript_parse(
        "客户：我的电话是13812345678\n客服：好的\n"
        "客户：邮箱 wang@example.com，身份证110105199003071234"
    )
    texts = " ".join(t.text for t in parsed.turns)
    assert "13812345678" not in texts and "138****5678" in texts
    listed = [str(find) for find in parsed.masked]
    assert listed == [
        "第 1 行：手机号 138****5678",
        "第 3 行：身份证号 **************1234",
        "第 3 行：邮箱地址 w***@example.com",
    ] or sorted(listed) == sorted(
        [
            "第 1 行：手机号 138****5678",
            "第 3 行：身份证号 **************1234",
            "第 3 行：邮箱地址 w***@example.com",
        ]
    )
    assert not any("13812345678" in item or "110105199003071234" in item for item in listed)


def test_errors_are_in_chinese_and_name_their_lines():
    with pytest.raises(TranscriptError) as raised:
        transcript_parse("你好，我想问一下\n客户：在吗\n客服：")
    assert raised.value.errors == [
        "第 1 行：没有找到说话人。每段话应以“客户：”或“客服：”这样的说话人开头"
        "（也可用 顾客、坐席、Customer、Agent）。",
        "第 3 行：这段话没有内容。",
    ]


def test_a_csv_export_is_read_by_its_header_and_unknown_speakers_are_refused_by_row():
    parsed = transcript_parse(
        '时间,发送方,内容\n2026-11-20 10:01:05,客户,"快递没到，电话13912345678"\n10:02,客服,您好\n'
    )
    assert parsed.source == "csv"
    assert [(t.speaker, t.time, t.text, t.line) for t in parsed.turns] == [
        ("customer", "10:01:05", "快递没到，电话139****5678", 2),
        ("agent", "10:02", "您好", 3),
    ]
    with pytest.raises(TranscriptError) as raised:
        transcript_parse("speaker,text\nCustomer,hi\nBot,hello\nAgent,\n")
    assert raised.value.errors == [
        "第 3 行：不认识的说话人“Bot”：请用 客户 或 客服（也可用 Customer、Agent）。",
        "第 4 行：这段话没有内容。",
    ]


def test_chat_tool_html_goes_through_the_sanitiser_and_leaves_no_markup_or_script():
    html = (
        "<div class='msg'><span>[10:01]</span> 客户：<b>快递</b>没到&amp;很急"
        "<img src=x onerror=alert(1) alt='😡'></div>"
        "<script>alert('x')</script><style>.a{}</style>"
        "<p>客服：<a href='javascript:alert(1)'>点这里</a>查询<br>"
        "第二行<iframe src='https://evil.example'>iframe text</iframe></p>"
        "<table><tr><td>10:03</td><td>客户</td>"
        "<td>谢谢 <svg onload=alert(1)>svg</svg></td></tr></table>"
    )
    parsed = transcript_parse(html)
    assert parsed.source == "html"
    assert [(t.speaker, t.time, t.text) for t in parsed.turns] == [
        ("customer", "10:01", "快递没到&很急😡"),
        ("agent", "", "点这里查询\n第二行"),
        ("customer", "10:03", "谢谢"),
    ]
    everything = " ".join(t.text for t in parsed.turns)
    for hostile in ("<", "alert", "script", "iframe", "svg", "onerror", "javascript"):
        assert hostile not in everything


def test_html_without_any_speaker_is_refused_not_stored():
    with pytest.raises(TranscriptError) as raised:
        transcript_parse("<script>客户：alert(1)</script><b>hello</b>")
    assert raised.value.errors[0].startswith("第 1 行：没有找到说话人")


def test_an_empty_paste_gives_no_turns():
    assert transcript_parse("  \n \n").turns == []
