"""DATE extraction on news sentences: years vs durations, numeric dates, ranges, weeks, lunar dates.

Each case runs the whole extractor, so a year lost to the figure finder, or a
duration taken as a year, shows up here (docs/ANNOTATION.md, DATE decisions).
"""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extraction import default_extractor

EX = default_extractor()


def dates(text: str, published: date) -> list[tuple[str, str | None, str | None]]:
    """(text, start, end) of every DATE in `text`."""
    return [
        (e.text, e.date_start.isoformat() if e.date_start else None, e.date_end.isoformat() if e.date_end else None)
        for e in EX.extract(text, published)
        if e.type == "DATE"
    ]


def figures(text: str, published: date) -> list[str]:
    return [e.text for e in EX.extract(text, published) if e.type == "FIGURE"]


P = date(2021, 6, 14)  # a Monday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("该项目于08年启动，总投资3亿元", ("08年", "2008-01-01", "2008-12-31")),
        ("这座大桥15年3月2日正式通车", ("15年3月2日", "2015-03-02", "2015-03-02")),
        ("截至19年底，全县脱贫人口达2万人", ("截至19年底", None, "2019-12-31")),
        ("二〇〇四年八月十五日，纪念馆正式开馆", ("二〇〇四年八月十五日", "2004-08-15", "2004-08-15")),
        ("1840年鸦片战争以后，中国逐步沦为半殖民地", ("1840年", "1840-01-01", "1840-12-31")),
        ("红旗渠是上世纪60年代在太行山腰修建的", ("上世纪60年代", "1960-01-01", "1969-12-31")),
        ("发布时间：2018-11-29 18:59", ("2018-11-29", "2018-11-29", "2018-11-29")),
        ("该规定自2010.01.29起施行", ("2010.01.29", "2010-01-29", "2010-01-29")),
        ("他于1999.08-2002.02在县委办公室工作", ("1999.08-2002.02", "1999-08-01", "2002-02-28")),
    ],
)
def test_years_and_numeric_dates(text, expected):
    assert expected in dates(text, P)


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("他用了15年时间，把荒山变成了果园", "15年"),
        ("老人在这里守了七八年", "七八年"),
        ("这一古村落已有1200年的历史", "1200年"),
    ],
)
def test_durations_stay_figures(text, figure):
    assert figure in figures(text, P)
    assert not dates(text, P)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2017年8月11日至8月22日，博览会在北京举行", ("2017年8月11日至8月22日", "2017-08-11", "2017-08-22")),
        ("三月到五月，全市共完成造林1万亩", ("三月到五月", "2021-03-01", "2021-05-31")),
        ("从前年11月到去年3月，累计完成投资8亿元", ("前年11月到去年3月", "2019-11-01", "2020-03-31")),
        ("2018年2——4月，景区接待游客12万人次", ("2018年2——4月", "2018-02-01", "2018-04-30")),
        ("1945年4月至6月党的七大在这里召开", ("1945年4月至6月", "1945-04-01", "1945-06-30")),
        ("记述时限为2012年11月8日至2022年8月底", ("2012年11月8日至2022年8月底", "2012-11-08", "2022-08-31")),
    ],
)
def test_a_range_is_one_date_and_inherits_year_and_month(text, expected):
    assert dates(text, P) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("俄罗斯国防部13日称，俄军在多个方向发起进攻", ("13日", "2021-06-13", "2021-06-13")),
        ("工程于上个月15号开工", ("上个月15号", "2021-05-15", "2021-05-15")),
        ("博物馆于本月9日重新对公众开放", ("本月9日", "2021-06-09", "2021-06-09")),
        ("明年四月，新航站楼将投入使用", ("明年四月", "2022-04-01", "2022-04-30")),
        ("会议定于下周六在市政府召开", ("下周六", "2021-06-26", "2021-06-26")),
        ("周三，国务院常务会议审议通过", ("周三", "2021-06-16", "2021-06-16")),
        ("上个季度，全省新增市场主体5万户", ("上个季度", "2021-01-01", "2021-03-31")),
        ("今年前五个月，全省外贸进出口增长20%", ("今年前五个月", "2021-01-01", "2021-05-31")),
        ("据统计，三季度末银行业总资产增长", ("三季度末", "2021-09-01", "2021-09-30")),
    ],
)
def test_days_weeks_and_parts(text, expected):
    assert expected in dates(text, P)


def test_same_month_is_the_month_under_discussion():
    got = dates("2019年3月5日开工，同月29日竣工", P)
    assert got == [("2019年3月5日", "2019-03-05", "2019-03-05"), ("同月29日", "2019-03-29", "2019-03-29")]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("今年农历七月初七，村里举办了民俗活动", P, ("今年农历七月初七", "2021-08-14", "2021-08-14")),
        ("去年五月初五，龙舟赛吸引数万游客", date(2021, 1, 1), ("去年五月初五", "2020-06-25", "2020-06-25")),
        ("大年初三，记者来到火车站", date(2024, 2, 20), ("大年初三", "2024-02-12", "2024-02-12")),
        ("2019年感恩节，商场客流创新高", P, ("2019年感恩节", "2019-11-28", "2019-11-28")),
        ("母亲节当天，社区组织志愿者慰问老人", P, ("母亲节当天", "2021-05-09", "2021-05-09")),
        ("2006年端午，全市举行龙舟赛", P, ("2006年端午", "2006-05-31", "2006-05-31")),
    ],
)
def test_lunar_dates_and_festivals(text, published, expected):
    assert expected in dates(text, published)


@pytest.mark.parametrize(
    "text",
    [
        "每周一上午，社区工作人员入户走访",
        "每月第一周星期五组织集中学习",
        "咨询电话：20240307",
        "“21世纪海上丝绸之路”建设稳步推进",
        "嫦娥四号实现世界首次月球背面软着陆",
        "春节晚会的节目单已经公布",
        "营造风清气正、政治清明的良好环境",
        "该药一周一次，连续服用",
        "日本周增新冠确诊病例数创新高",
        "总台《2023年春节联欢晚会》节目单公布",
    ],
)
def test_not_dates(text):
    assert not dates(text, P)
