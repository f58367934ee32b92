"""
The one door for HTML that comes from outside the Wagtail editor: text pasted or imported
from chat tools, e-mail or other systems. The editor keeps its own content to the features
a field allows; anything else could carry scripts, tracking images or links that run code,
and would be shown to every learner. Everything here is built on bleach (html5lib's parser,
the same one browsers follow) and its CSS sanitizer, so no hand-written parsing decides
what is safe.

Two ways through:

- ``sanitise_html(html)`` keeps what our pages show (paragraphs, line breaks, emphasis,
  lists, h3/h4 headings, rules and links) and removes the rest. Use it where the HTML will
  be shown as HTML.
- ``html_to_text(html)`` turns chat-tool HTML into plain text, one block or ``<br>`` per
  line, entities decoded and no tags. Use it where we store text (a case's transcript
  turns): the result is text, and templates escape it when they show it.
"""

import re
import threading

import bleach
import tinycss2
from bleach import html5lib_shim
from bleach.css_sanitizer import CSSSanitizer

# What our pages show: the lesson editor's features (lms.blocks.RICH_TEXT_FEATURES) and the
# paragraphs, line breaks and spans that chat tools wrap them in. Tables, images, headings
# above h3 and anything interactive are left out: a lesson does not use them.
ALLOWED_TAGS = frozenset(
    {"p", "br", "b", "strong", "i", "em", "span", "ul", "ol", "li", "a", "h3", "h4", "hr"}
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "p": ["style"], "span": ["style"]}
# Links to the web and e-mail only. No tel: (a customer's number is personal data, masked
# elsewhere), no javascript:/vbscript:/data:, and no relative or protocol-relative links:
# an address from another system means nothing on ours.
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
_ABSOLUTE_LINK = re.compile(r"^(?:https?://[^/\s]|mailto:[^\s])", re.IGNORECASE)
# Chat tools often mark emphasis with a style instead of <b>/<i>; those three properties
# are kept. Colours, sizes and fonts are not: they would fight the academy's own design
# and its contrast for readers.
ALLOWED_CSS_PROPERTIES = frozenset({"font-weight", "font-style", "text-decoration"})
LINK_REL = "noopener noreferrer nofollow"

# Elements dropped together with everything inside them. Stripping only the tags (bleach's
# default) would leave a script's source or a style sheet as visible text.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script", "style", "template", "iframe", "frame", "frameset", "object", "embed",
        "applet", "noscript", "noembed", "noframes", "xmp", "svg", "math", "head", "title",
        "textarea", "select", "option", "button", "canvas", "audio", "video", "base", "meta",
        "link",
    }
)  # fmt: skip

# Elements that start a new line in html_to_text.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "tr", "ul",
    }
)  # fmt: skip
_TABLE_CELLS = frozenset({"td", "th"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


class _EmphasisOnlyCSS(CSSSanitizer):
    """
    bleach's CSS sanitizer keeps a declaration by its property name alone; a value such as
    ``font-weight: expression(...)`` or ``url(...)`` would pass. Our three properties never
    need a function, an escape or a URL, so a value holding one drops the declaration.
    """

    def __init__(self):
        super().__init__(
            allowed_css_properties=ALLOWED_CSS_PROPERTIES, allowed_svg_properties=frozenset()
        )

    def sanitize_css(self, style):
        kept = []
        declarations = tinycss2.parse_declaration_list(
            style, skip_comments=True, skip_whitespace=True
        )
        for item in declarations:
            if item.type != "declaration" or item.lower_name not in ALLOWED_CSS_PROPERTIES:
                continue
            if any(token.type not in ("ident", "whitespace") for token in item.value):
                continue
            kept.append(f"{item.lower_name}: {tinycss2.serialize(item.value).strip()}")
        return "; ".join(kept)


class _DropWithContent(html5lib_shim.Filter):
    """Leaves out every DROPPED_WITH_CONTENT element and all it holds (a token stream filter)."""

    def __iter__(self):
        depth = 0
        for token in super().__iter__():
            kind = token["type"]
            name = (token.get("name") or "").lower()
            if kind == "StartTag" and name in DROPPED_WITH_CONTENT:
                depth += 1
                continue
            if kind == "EndTag" and name in DROPPED_WITH_CONTENT and depth:
                depth -= 1
                continue
            if depth or (kind == "EmptyTag" and name in DROPPED_WITH_CONTENT):
                continue
            yield token


_STYLE = (None, "style")


class _AfterSanitising(html5lib_shim.Filter):
    """
    Runs after bleach's sanitizer: a link keeps its href only when it is an absolute web or
    mail address, and then always opens without handing our page to the other site
    (rel=noopener). A link left without an address becomes its text. A style the CSS
    sanitizer emptied is removed.
    """

    def __iter__(self):
        unwrapped = []  # one flag per open <a>: True when its tags are left out
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                attrs = token["data"]
                href = attrs.get((None, "href"), "")
                if not _ABSOLUTE_LINK.match(href):
                    unwrapped.append(True)
                    continue
                attrs[(None, "rel")] = LINK_REL
                unwrapped.append(False)
            elif token["type"] == "EndTag" and token["name"] == "a" and unwrapped:
                if unwrapped.pop():
                    continue
            elif token["type"] in ("StartTag", "EmptyTag") and token["data"].get(_STYLE) == "":
                del token["data"][_STYLE]  # the CSS sanitizer left nothing: no style="" stays
            yield token


class _Cleaner(bleach.Cleaner):
    """
    bleach's Cleaner with one change before its sanitizer: the parser knows the dropped
    elements as elements (so their content is inside them, not loose text) and
    _DropWithContent removes them whole. The sanitizer still allows only ALLOWED_TAGS, so
    anything the first step missed is stripped all the same.
    """

    def __init__(self):
        super().__init__(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            css_sanitizer=_EmphasisOnlyCSS(),
            filters=[_AfterSanitising],
        )
        self.parser = html5lib_shim.BleachHTMLParser(
            tags=ALLOWED_TAGS | DROPPED_WITH_CONTENT,
            strip=True,
            consume_entities=False,
            namespaceHTMLElements=False,
        )
        walker = self.walker
        self.walker = lambda dom: _DropWithContent(walker(dom))


# bleach's parser keeps state while it parses: one cleaner per thread (gunicorn threads,
# django-q workers).
_local = threading.local()


def _cleaner() -> _Cleaner:
    if not hasattr(_local, "cleaner"):
        _local.cleaner = _Cleaner()
    return _local.cleaner


def sanitise_html(html: str) -> str:
    """HTML from outside the editor, reduced to what our pages show. Safe to mark safe."""
    if not html:
        return ""
    return _cleaner().clean(html).strip()


def html_to_text(html: str) -> str:
    """
    Chat-tool HTML as plain text, laid out as a browser shows it: each paragraph, block,
    list item and table row on its own line (one line break between blocks, never a blank
    line for a block boundary alone), each <br> a line break, table cells apart by a tab, an
    image by its alt text (chat tools send emoji as images), entities decoded, no tags.
    Scripts, styles and the other DROPPED_WITH_CONTENT elements leave no text behind.
    """
    if not html:
        return ""
    parser = html5lib_shim.BleachHTMLParser(
        tags=None, strip=False, consume_entities=True, namespaceHTMLElements=False
    )
    walker = html5lib_shim.getTreeWalker("etree")
    text = _PlainText()
    for token in _DropWithContent(walker(parser.parseFragment(html))):
        kind = token["type"]
        name = (token.get("name") or "").lower()
        if kind in ("Characters", "SpaceCharacters"):
            text.write(token["data"])
        elif name == "br":
            text.line_break()
        elif name == "img" and kind in ("EmptyTag", "StartTag"):
            text.write(token["data"].get((None, "alt"), ""))
        elif name in _BLOCKS:
            text.block_boundary()
            if name == "pre":
                text.in_pre = max(0, text.in_pre + (1 if kind == "StartTag" else -1))
        elif name in _TABLE_CELLS and kind == "EndTag":
            text.cell_end()
    return text.result()


class _PlainText:
    """Text as html_to_text builds it: a block boundary is a line break only between text."""

    def __init__(self):
        self.lines = [""]
        self.boundary = False
        self.in_pre = 0

    def write(self, data: str):
        data = data.replace("\xa0", " ")
        if not self.in_pre:
            # HTML's own white space only: an ideographic space (U+3000) is the writer's.
            data = _HTML_SPACE.sub(" ", data)
            if not data.strip(" "):
                if self.lines[-1] and not self.boundary:
                    self.lines[-1] += " "
                return
        if self.boundary and self.lines[-1].strip(" \t"):
            self.lines.append("")
        self.boundary = False
        first, *rest = data.split("\n")
        self.lines[-1] += first
        self.lines.extend(rest)

    def line_break(self):
        self.lines.append("")
        self.boundary = False

    def cell_end(self):
        self.lines[-1] += "\t"

    def block_boundary(self):
        self.boundary = True

    def result(self) -> str:
        return "\n".join(line.strip(" \t") for line in self.lines).strip("\n")
