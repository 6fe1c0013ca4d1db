"""The visible text of an HTML page, with the offset of every character in the page's source.

`zhnews ingest` reads HTML files through trafilatura, which finds the main text
well but returns a new string. `pipeline.extract(text)` promises offsets into the
text it was given, so when that text is an HTML page, this module reads the
page's visible text in one pass and keeps, for every character, where it came
from: a tag becomes a line break (block elements) or nothing, an entity
(`&nbsp;`) its character at the entity's offset. The page furniture that is no
part of an article — `<head>`, scripts and styles, navigation, footers,
sidebars, share bars, forms — is left out, and so are the lines the markup does
not give away (`上一篇：…`, `分享到：`, a related-news list), by their words. The
`<title>` is kept only when the body does not repeat its headline (most pages
repeat it as their `<h1>`).
"""

from __future__ import annotations

import html

import regex

# A page starts like this (after white space and a byte-order mark).
PAGE_START = regex.compile(r"\A\ufeff?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", regex.IGNORECASE | regex.DOTALL)
TOKEN = regex.compile(
    r"<!--.*?(?:-->|\Z)"  # comment
    r"|<(?P<close>/)?(?P<tag>[a-zA-Z][a-zA-Z0-9:-]*)(?P<attrs>[^>]*)>"  # start or end tag
    r"|<![^>]*>"  # doctype, CDATA opener
    r"|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?"  # character reference
    r"|[^<&]+|[<&]",  # text
    regex.DOTALL,
)
# Elements whose content is never article text.
SKIPPED = frozenset("head script style noscript template nav footer aside form button select textarea iframe svg canvas".split())
# Elements kept out by their class or id: navigation, footers, share bars, sidebars.
BOILERPLATE_ATTR = regex.compile(
    r"""(?:class|id)\s*=\s*["']?[^"'>]*?\b(?:nav|navbar|menu|footer|foot|bottom|breadcrumbs?|crumbs?|position|"""
    r"""copyright|share|sidebar|toolbar|friendlinks?|comments?|advert|ads|location|dqwz|prev|next|prevnext|"""
    r"""print|related|relate|xgxw|xglj|recommend|pagination)\b""",
    regex.IGNORECASE,
)
# Elements that end a line of text.
BLOCK = frozenset(
    "address article blockquote br dd div dl dt figcaption figure h1 h2 h3 h4 h5 h6 header hr li main ol p pre "
    "section table tbody td th thead title tr ul".split()
)
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
TITLE = regex.compile(r"<title[^>]*>(.*?)</title>", regex.IGNORECASE | regex.DOTALL)
SPACE = regex.compile(r"\s+")
TITLE_SEPARATOR = regex.compile(r"[_|｜–—]|-{1,2}")


# A line of page furniture that class names did not give away: where the page sits in
# the site, links to the articles before and after, share and print buttons.
FURNITURE_LINE = regex.compile(
    r"^\s*(?:(?:当前|您现在的|您的|你现在的|你的|所在|现在)位置|上一篇|下一篇|上一条|下一条|上篇|下篇|分享到|分享至)\s*[：:]"
    r"|^\s*[【\[]?(?:打印本页|打印此页|关闭窗口|关闭本页|打印|关闭)[】\]]?(?:\s*[【\[]?(?:打印本页|打印此页|关闭窗口|关闭本页|打印|关闭|收藏|返回顶部)[】\]]?)*\s*$"
)
# A heading over a list of links to other articles; the headlines under it are dropped too.
RELATED_HEADING = regex.compile(r"^\s*(?:相关|推荐|延伸|热点|热门|最新|更多)(?:新闻|链接|阅读|文章|稿件|报道)\s*[：:>》]?\s*$")
# A headline in such a list: short, no sentence inside.
LINKED_HEADLINE = regex.compile(r"^[^。！？]{1,40}$")


def drop_furniture(text: str, offsets: list[int] | None = None) -> tuple[str, list[int] | None]:
    """`text` without furniture lines, and lists of links under a related-news heading; offsets kept in step."""
    kept: list[tuple[int, int]] = []
    in_list = False
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if not line.strip():
            kept.append((start, min(pos, len(text))))
            continue
        if in_list and LINKED_HEADLINE.match(line):
            continue
        in_list = bool(RELATED_HEADING.match(line))
        if not (in_list or FURNITURE_LINE.match(line)):
            kept.append((start, min(pos, len(text))))
    if len(kept) == 1 + text.count("\n"):
        return text, offsets
    out = "".join(text[a:b] for a, b in kept)
    return out, None if offsets is None else [o for a, b in kept for o in offsets[a:b]]


# A fragment (a page's article element, a CMS export) opens with a tag and closes some.
FRAGMENT_CLOSE = regex.compile(r"</(?:p|div|span|article|section|td|li|h[1-6])>|<br\s*/?>", regex.IGNORECASE)


def is_html(text: str) -> bool:
    """True when `text` is an HTML page or fragment rather than text that mentions a tag."""
    head = text[:2000]
    if PAGE_START.match(head):
        return True
    return head.lstrip("\ufeff \t\r\n").startswith("<") and len(FRAGMENT_CLOSE.findall(head)) >= 2


def visible_text(page: str) -> tuple[str, list[int]]:
    """The page's article text and, for each of its characters, the offset in `page` it came from."""
    chars: list[str] = []
    offsets: list[int] = []
    skip_tag: str | None = None  # the element being skipped, and how deep it nests
    depth = 0
    for m in TOKEN.finditer(page):
        tag = (m.group("tag") or "").lower()
        if skip_tag is not None:
            if tag == skip_tag and tag not in VOID:
                depth += -1 if m.group("close") else 1
                if depth == 0:
                    skip_tag = None
            continue
        if tag:
            if not m.group("close") and tag not in VOID and (tag in SKIPPED or BOILERPLATE_ATTR.search(m.group("attrs"))):
                skip_tag, depth = tag, 1
            elif tag in BLOCK:
                chars.append("\n")
                offsets.append(m.start())
            continue
        token = m.group(0)
        if token.startswith("<!"):
            continue
        if token.startswith("&"):
            decoded = html.unescape(token)
            chars.extend(decoded)
            offsets.extend([m.start()] * len(decoded))
            continue
        chars.extend(token)
        offsets.extend(range(m.start(), m.end()))
    body, offsets = drop_furniture("".join(chars), offsets)
    assert offsets is not None
    title = TITLE.search(page)
    if title:
        # `西吉县…带农增收_固原新闻网`: the headline is the title's longest part, the rest the site.
        parts = TITLE_SEPARATOR.split(SPACE.sub("", html.unescape(title.group(1))))
        words = max(parts, key=len)
        if words and words not in SPACE.sub("", body):
            start = title.start(1)
            heading = [(start + i, ch) for i, ch in enumerate(title.group(1))]
            return "".join(ch for _, ch in heading) + "\n" + body, [o for o, _ in heading] + [title.end(1)] + offsets
    return body, offsets
