"""An HTML page given to `pipeline.extract` is read as its visible article text, offsets into the page."""

from __future__ import annotations

from datetime import date

from pipeline import extract
from pipeline.html_text import is_html, visible_text

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>西吉县将台堡镇：马铃薯产业带农增收_固原新闻网</title>
<script>var pv = "2023年10月15日"; window.stats = 5000;</script>
<style>.nav { width: 1200px; }</style></head>
<body>
<div class="top-nav"><ul><li><a href="/">首页</a></li><li><a href="/gy">固原要闻</a></li><li>宁夏新闻</li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 县区动态</div>
<div class="position">您现在的位置：西吉新闻</div>
<div class="article">
<h1>西吉县将台堡镇：马铃薯产业带农增收</h1>
<p class="info">发布时间：2023-10-16&nbsp;&nbsp;来源：固原日报</p>
<p>10月以来，西吉县将台堡镇的<strong>2.3</strong>万亩马铃薯陆续进入采收期。<br>
今年全镇马铃薯亩产达到3吨，带动1200户群众户均增收<span class="num">8000</span>元。</p>
<table><tr><td>种植面积</td><td>2.3万亩</td></tr></table>
</div>
<div id="footer">版权所有：固原日报社 宁ICP备05000001号 地址：宁夏固原市原州区</div>
<script>document.write("西吉县访问量100万次");</script>
</body></html>"""


def test_pages_and_fragments_are_told_from_text():
    assert is_html(PAGE)
    assert is_html("<div><p>今年以来，全县新增就业1200人。</p><p>另讯。</p></div>")
    assert not is_html("今年以来，全县新增就业1200人（见<表1>）。")


def test_visible_text_leaves_out_head_scripts_navigation_and_footer():
    text, offsets = visible_text(PAGE)
    assert "马铃薯产业带农增收" in text and "2.3万亩马铃薯" in text
    for furniture in ("首页", "当前位置", "您现在的位置", "版权所有", "访问量", "window.stats", "固原新闻网"):
        assert furniture not in text
    assert len(offsets) == len(text)
    assert all(PAGE[o] == ch for o, ch in zip(offsets, text, strict=True) if ch not in "\n\xa0>")


def test_entities_of_a_page_point_into_its_source():
    found = extract(PAGE, date(2023, 10, 16))
    figures: dict[str, object] = {}
    for e in found:
        if e.type == "FIGURE":
            figures.setdefault(e.text, e)
    assert set(figures) >= {"2.3万亩", "3吨", "1200户", "8000元"}
    assert figures["2.3万亩"].value == 23000 and figures["8000元"].value == 8000
    # The figure split by <strong> spans the tag in the source.
    start = PAGE.index("<strong>2.3")
    assert figures["2.3万亩"].start == start + len("<strong>")
    for e in found:
        assert e.text[0] == PAGE[e.start] and e.text[-1] == PAGE[e.end - 1]
    places = [e.text for e in found if e.type == "PLACE"]
    assert places.count("西吉县") == 2  # the headline and the first paragraph; not the <title>
    assert "原州区" not in places  # the footer's address


GOV_PAGE = """<!DOCTYPE html><html><head><title>双江县：茶产业助农增收_临沧市人民政府</title></head><body>
<div class="dqwz">当前位置：<a href="/">首页</a> &gt; 县区动态</div>
<div class="article"><h1>双江县：茶产业助农增收</h1>
<div class="info">发布时间：2023-05-06 10:15　来源：双江县融媒体中心　浏览次数：2048</div>
<div class="TRS_Editor"><p>今年以来，双江县勐库镇新建茶叶初制所12个，带动茶农增收3000万元。</p></div>
<div class="fx">分享到：微信 微博</div>
<div class="pages">上一篇：<a href="#">耿马县新增就业3000人</a>　下一篇：<a href="#">临翔区茶叶产值突破10亿元</a></div>
<div class="dy"><a href="#">【打印本页】</a> <a href="#">【关闭窗口】</a></div></div>
<div class="right"><h3>相关新闻</h3><ul><li><a href="#">沧源县一季度GDP增长5%</a></li>
<li><a href="#">镇康县建成高标准农田2万亩</a></li></ul></div>
</body></html>"""


def test_furniture_lines_and_related_headlines_are_left_out():
    text, offsets = visible_text(GOV_PAGE)
    assert "勐库镇新建茶叶初制所12个" in text and "2023-05-06 10:15" in text
    for furniture in ("分享到", "上一篇", "下一篇", "打印本页", "相关新闻", "沧源县", "镇康县", "耿马县"):
        assert furniture not in text, furniture
    assert len(offsets) == len(text)
    figures = {e.text for e in extract(GOV_PAGE, date(2023, 5, 6)) if e.type == "FIGURE"}
    assert figures == {"12个", "3000万元"}


def test_ingest_reads_the_same_page_without_its_furniture_and_keeps_its_lines():
    from pipeline.read import html_main_text

    text, _, _ = html_main_text(GOV_PAGE)
    assert "勐库镇新建茶叶初制所12个" in text
    assert "上一篇" not in text and "分享到" not in text
