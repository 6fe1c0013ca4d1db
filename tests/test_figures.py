"""FIGURE extraction on news sentences: numeral forms, signs, ranges, currencies and measures (docs/ANNOTATION.md)."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extraction import default_extractor
from pipeline.figures import parse_quantity

EX = default_extractor()


def figures(text: str) -> dict[str, tuple]:
    """Figure text → (value, max, unit, qualifier), after checking every span points into the source."""
    out = {}
    for e in EX.extract(text, date(2023, 7, 15)):
        if e.type != "FIGURE":
            continue
        assert text[e.start : e.end].replace(" ", "") == e.text
        out[e.text] = (e.value, e.max, e.unit, e.qualifier)
    return out


def test_an_unreadable_numeral_drops_that_figure_and_keeps_the_rest():
    """`七十百分位` is no numeral; the figure before it in the same sentence is still found."""
    got = figures("股票十天收盘价的百分之七十百分位大于1，成交量增长百分之十二。")
    assert got["百分之七十"] == (70.0, None, "%", None)
    assert got["百分之十二"] == (12.0, None, "%", None)


def test_a_phrase_inside_a_longer_numeral_does_not_block_it():
    """`十一` (National Day) and `五四` are fixed phrases, but not inside `二十一个` or `六百一十一点`."""
    got = figures("全县二十一个村全部脱贫，利率累计下调六百一十一点二五五个百分点。")
    assert got["二十一个"][0] == 21
    assert got["六百一十一点二五五个百分点"][:3] == (611.255, None, "个百分点")
    assert "十一" not in figures("十一假期，全省接待游客。")


@pytest.mark.parametrize(
    ("text", "span", "value", "unit"),
    [
        ("去年本地生產總值增長0.4個百分點", "0.4個百分點", 0.4, "个百分点"),
        ("全港約有十餘萬名長者受惠", "十餘萬名", 100000, "名"),
        ("政府撥款四億元改善交通", "四億元", 400000000, "元"),
        ("收到捐款人民币壹仟玖佰圆整", "壹仟玖佰圆", 1900, "元"),
        ("大写金额肆佰叁拾萬圆整", "肆佰叁拾萬圆", 4300000, "元"),
        ("合计伍拾元", "伍拾元", 50, "元"),
    ],
)
def test_traditional_and_financial_numerals_read_as_simplified(text, span, value, unit):
    got = figures(text)
    assert got[span][0] == value and got[span][2] == unit


def test_financial_look_alikes_stay_words():
    """伍/陆/拾 inside 队伍, 大陆, 收拾 are not digits."""
    assert figures("组建一支干部队伍三千人") == {"三千人": (3000.0, None, "人", None)}
    # 人口 is a noun, not the measure 人 (`9899万农村贫困人口` → `9899万`, corpus/gold/DECISIONS.md).
    assert figures("大陆十亿人口") == {"十亿": (1e9, None, None, None)}


def test_signs_and_directions():
    got = figures("一季度GDP同比增长-2.3%，英国为负0.6%，出口同比下降3.9%。")
    assert got["-2.3%"][0] == -2.3
    assert got["负0.6%"][0] == -0.6
    assert got["3.9%"][0] == 3.9


def test_a_dash_in_a_name_or_负_in_a_word_is_no_sign():
    got = figures("运油-20首次亮相。医保目录调整为患者减负4600亿元。")
    assert got["4600亿元"][0] == 4.6e11
    assert all(v[0] > 0 for v in got.values())


@pytest.mark.parametrize(
    ("text", "span", "lo", "hi", "unit"),
    [
        ("每户补贴两到三万元", "两到三万元", 20000, 30000, "元"),
        ("预计票价在十八至三十万日元之间", "十八至三十万日元", 180000, 300000, "日元"),
        ("项目投资一百二十到一百五十万元", "一百二十到一百五十万元", 1200000, 1500000, "元"),
        ("单笔贷款额度300至500万元", "300至500万元", 3000000, 5000000, "元"),
        ("每亩增收900元—1000元", "900元—1000元", 900, 1000, "元"),
        ("个人补助1万元--5万元不等", "1万元--5万元", 10000, 50000, "元"),
        ("办理费用约2——3万港币", "2——3万港币", 20000, 30000, "港币"),
        ("收入五千到一万元", "五千到一万元", 5000, 10000, "元"),
    ],
)
def test_ranges_share_the_upper_multiplier_and_unit(text, span, lo, hi, unit):
    assert figures(text)[span][:3] == (lo, hi, unit)


@pytest.mark.parametrize(
    ("text", "span", "value", "unit"),
    [
        ("人均消费港币两千九百六十元", "两千九百六十元", 2960, "港币"),
        ("出口额达新台币 177.1 亿元", "177.1亿元", 17710000000, "新台币"),
        ("门票9000元日币", "9000元日币", 9000, "日币"),
        ("投资三万元欧元", "三万元欧元", 30000, "欧元"),
        ("共筹集人民币50万元", "50万元", 500000, "元"),
        ("报价$20，成交价￥300", "$20", 20, "美元"),
        ("报价$20，成交价￥300", "￥300", 300, "元"),
        ("汇款4人民币", "4人民币", 4, "元"),
        ("兑换1.0092瑞士法郎", "1.0092瑞士法郎", 1.0092, "瑞士法郎"),
        ("出口二十五万三千二百泰铢", "二十五万三千二百泰铢", 253200, "泰铢"),
        ("贷款两个亿卢布", "两个亿卢布", 200000000, "卢布"),
    ],
)
def test_currencies(text, span, value, unit):
    got = figures(text)
    assert got[span][0] == value and got[span][2] == unit


def test_kuai_is_money_only_about_a_price():
    assert figures("白菜一斤卖三块。")["三块"][2] == "元"
    assert figures("三十多块钱")["三十多块"][:3] == (30.0, None, "元")
    assert figures("获得金牌三块。")["三块"][2] == "块"
    assert figures("清理挂牌3486块。")["3486块"][2] == "块"


@pytest.mark.parametrize(
    ("text", "span", "value", "unit"),
    [
        ("全程12千米", "12千米", 12, "千米"),
        ("如今身高168公分", "168公分", 168, "公分"),
        ("每天摄入2.4微克维生素B12", "2.4微克", 2.4, "微克"),
        ("新增装机一百千瓦", "一百千瓦", 100, "千瓦"),
        ("一份套餐323千卡", "323千卡", 323, "千卡"),
        ("带宽达100兆字节", "100兆字节", 100, "兆字节"),
        ("每天喝二两白酒", "二两", 2, "两"),
        ("收购黄金三十两", "三十两", 30, "两"),
        ("工期一年半", "一年半", 1.5, "年"),
        ("西瓜十五斤半", "十五斤半", 15.5, "斤"),
        ("购买六双运动鞋", "六双", 6, "双"),
        ("三成半的受访者", "三成半", 35, "%"),
        ("利润只有半成", "半成", 5, "%"),
    ],
)
def test_measures_keep_their_unit_as_written(text, span, value, unit):
    got = figures(text)
    assert got[span][0] == value and got[span][2] == unit


def test_half_that_starts_a_word_is_not_a_half():
    got = figures("引进3家半导体企业，举办两届半程马拉松，半成品仓库")
    assert got["3家"][0] == 3
    assert "两届" in got and "半成" not in got


def test_two_as_a_digit_before_a_measure_word():
    """`神十五两个乘组`: 两 before 个 is the numeral of 两个, not the weight after 十五."""
    assert figures("神十四和神十五两个航天员乘组") == {"两个": (2.0, None, "个", None)}
    assert figures("用了一两天")["一两天"][:2] == (1.0, 2.0)


def test_two_after_a_year_or_a_model_number_opens_a_word():
    """`2023两岸企业家峰会`, `076两栖攻击舰`: 两 opens 两岸/两栖; at a clause end it is the weight."""
    assert figures("2023两岸企业家峰会开幕，076两栖攻击舰下水") == {}
    assert figures("库存白银1234两。")["1234两"][2] == "两"


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("四万万", 400000000, None),
        ("10万万", 1000000000, None),
        ("500万余亿", 5e14, "more_than"),
        ("十几万多亿", 1e13, "more_than"),
        ("三千万亿日元", 3e15, None),
        ("八点五成", 85, None),
        ("百分之一百二十點五", 120.5, None),
        ("千分之一百一十一", 11.1, None),
        ("一百万分之五", 0.0005, None),
        ("四千二分之三", 0.0714286, None),
        ("82，225.00元", 82225, None),
        ("233,333，333,434.344元", 233333333434.344, None),
    ],
)
def test_numeral_values(text, value, qualifier):
    q = parse_quantity(text)
    assert q is not None and q.value == pytest.approx(value, rel=1e-6)
    assert q.qualifier == qualifier


def test_a_bare_number_is_a_figure_only_as_a_wan_or_yi_count():
    got = figures("新增就业1200万，全市人口四千万，编号2千")
    assert got["1200万"][0] == 12000000
    assert got["四千万"][0] == 40000000
    assert "2千" not in got


def test_intervals_and_occasions_after_每_count_but_the_base_of_a_rate_does_not():
    got = figures("汛期里，护堤队员每2小时巡堤一次，全市每五户家庭就有一户装了净水设备。")
    assert got["2小时"] == (2.0, None, "小时", None) and got["一次"] == (1.0, None, "次", None)
    assert "五户" not in got
    assert "一次" not in figures("一次偶然的机会，他来到村里。")


def test_a_province_count_keeps_its_noun_and_a_road_number_is_no_figure():
    got = figures("西北5省份启动抗旱应急响应，318国道部分路段实行交通管制。")
    assert got == {"5省份": (5.0, None, "省份", None)}


def test_a_bare_ji_counts_at_least_one_and_ratings_keep_ji_in_their_span():
    got = figures("争取经过几年的努力，短短几个小时，2000吨级船舶可直达，沿海有8级大风。")
    assert got["几年"] == (1.0, None, "年", "more_than")
    assert got["几个小时"] == (1.0, None, "个小时", "more_than")
    assert got["2000吨级"] == (2000.0, None, "吨", None)
    assert got["8级"] == (8.0, None, "级", None)


def test_half_with_its_qualifier_big_nouns_end_at_a_verb_and_tenths_stop_at_ten():
    got = figures("春播面积占全年一半以上，五大行业实现消费金额157亿元，12大类家电热销，2025成都车展开幕，客流增长超三成。")
    assert got["一半以上"] == (50.0, None, "%", "at_least")
    assert got["五大行业"] == (5.0, None, "行业", None) and got["12大类"] == (12.0, None, "类", None)
    assert got["三成"][:3] == (30.0, None, "%")
    assert not [t for t in got if t.startswith("2025")]
