"""Which place a figure belongs to, on realistic news sentences (docs/ANNOTATION.md, "Attribution")."""

from __future__ import annotations

from datetime import date

from pipeline import extract

PUBLISHED = date(2023, 8, 10)


def _figures(text: str) -> dict[str, object]:
    return {e.text: e for e in extract(text, PUBLISHED) if e.type == "FIGURE"}


def test_a_figure_summed_over_listed_places_gets_no_place():
    text = "吉林省持续做好灾后重建工作。省应急厅调派民兵2500余人，赴舒兰、榆树、扶余等地执行抢险救灾任务。"
    f = _figures(text)["2500余人"]
    assert f.place is None and f.attribution["place"] == "list"


def test_a_figure_after_a_list_of_countries_keeps_the_article_place():
    text = (
        "成都大运会运动员村今天开村，各代表团陆续抵达入住。成都大运会运动员村举行了开村仪式。\n"
        "据介绍，巴西、德国、日本等国代表团也已陆续抵达。赛时，将有近8000人入住运动员村。"
    )
    f = _figures(text)["8000人"]
    assert f.place == "成都市"


def test_a_place_in_an_organisation_name_is_the_figure_place_when_its_sentence_names_no_other():
    text = "中国华能在北京召开供暖保障会议。\n华能大庆热电公司开展系统排查后，新增报修服务专线23部。"
    assert _figures(text)["23部"].place == "大庆市"


def test_a_place_named_in_the_sentence_outranks_an_organisation_name():
    text = "赣州百草健康管理有限公司在信丰县新建基地3个。"
    assert _figures(text)["3个"].place == "信丰县"


def test_the_base_of_a_multiple_is_not_the_figure_period():
    text = "2022年，全市粮食总产量达到52万吨，是2012年产量的1.3倍。"
    f = _figures(text)["1.3倍"]
    assert f.date == {"start": "2022-01-01", "end": "2022-12-31"}


def test_a_date_written_onto_one_figure_is_that_figure_alone():
    text = "今年一季度，全市规上工业增加值占比由去年的31.2%提升到了33.5%。"
    f = _figures(text)
    assert f["31.2%"].date == {"start": "2022-01-01", "end": "2022-12-31"}
    assert f["33.5%"].date == {"start": "2023-01-01", "end": "2023-03-31"}


def test_a_figure_stated_for_a_five_year_plan_gets_the_plan_years():
    text = "“十四五”时期，全省累计改造城镇老旧小区2.4万个。“十三五”期间，全省新建农村公路3.1万公里。"
    f = _figures(text)
    assert f["2.4万个"].date == {"start": "2021-01-01", "end": "2025-12-31"}
    assert f["3.1万公里"].date == {"start": "2016-01-01", "end": "2020-12-31"}
    assert not [e for e in extract(text, PUBLISHED) if e.type == "DATE"]  # a plan is never a DATE


def test_a_running_total_in_a_closed_period_counts_up_to_its_end():
    text = "2022年，全省农村居民人均可支配收入增长6.3%。累计培育县级以上龙头企业1.2万家。"
    f = _figures(text)
    assert f["6.3%"].date == {"start": "2022-01-01", "end": "2022-12-31"}
    assert f["1.2万家"].date == {"start": None, "end": "2022-12-31"}


def test_a_running_total_in_a_period_up_to_now_keeps_that_period():
    text = "今年以来，全区累计开展志愿活动1.2万余次。"
    assert _figures(text)["1.2万余次"].date == {"start": "2023-01-01", "end": "2023-08-10"}


def test_a_period_after_a_date_runs_to_publication():
    text = "立夏之后，全县已收获小麦12万亩。"
    assert _figures(text)["12万亩"].date == {"start": "2023-05-06", "end": "2023-08-10"}


def test_the_place_nearest_before_a_figure_is_the_one_that_modifies_it():
    text = "西藏形成以拉萨为中心的经济圈，西藏公路通车里程超过了12万公里。"
    assert _figures(text)["12万公里"].place == "西藏自治区"


def test_a_whole_county_deictic_is_the_county_of_its_paragraph():
    text = (
        "吉林大安市今年水稻长势良好，全市新增高标准农田20万亩。\n在安徽肥西县，水稻收割过半，预计全县水稻平均亩产可达1100斤以上。"
    )
    assert _figures(text)["1100斤以上"].place == "肥西县"


def test_in_the_village_means_the_village_named_before():
    text = "湖南石门县壶瓶山镇天坪村暴雨持续。救援正在进行，村里15名党员干部忙着为村民调配物资。"
    assert _figures(text)["15名"].place == "天坪村"


def test_a_police_unit_named_after_a_province_does_not_take_the_village_s_figure():
    text = (
        "8月1日傍晚，河北省涿州市码头镇东仙坡村险情告急，200名群众被困。武警河北总队救援分队迅速出动，用3小时将群众全部安全转移。"
    )
    f = _figures(text)["3小时"]
    assert f.place == "东仙坡村" and f.attribution["place"] == "paragraph"


def test_a_paragraph_without_a_place_takes_the_last_place_named_before_it_not_the_page_s_most_named():
    text = (
        "南方多地出现强降雨，各地党员干部冲锋在前。\n"
        "在湖南，强降雨导致资水出现洪峰，益阳多地出现内涝，武警救援官兵及时出动。\n"
        "连续奋战三天，救援官兵共转移被困群众1200多名。\n"
        "在江西九江，修水县、武宁县多个乡镇受灾，修水县组织干部连夜转移群众，武宁县开放了安置点。"
    )
    f = _figures(text)["1200多名"]
    assert f.place == "益阳市" and f.attribution["place"] == "article"


def test_a_report_year_stays_the_period_past_the_years_it_is_compared_with_and_built_on():
    text = "2019年全省粮食产量比2018年增长3.1%。油料产量210万吨，比上年增加12万吨，这是在2018年油料丰收的基础上取得的。"
    found = extract(text, date(2020, 3, 5))
    figures = {e.text: e for e in found if e.type == "FIGURE"}
    for mention in ("3.1%", "210万吨", "12万吨"):
        assert figures[mention].date == {"start": "2019-01-01", "end": "2019-12-31"}, mention
    last_year = next(e for e in found if e.type == "DATE" and e.text == "上年")
    assert last_year.date_start == date(2018, 1, 1)  # the year before 2019, not before the base 2018


def test_a_holiday_the_lead_opens_with_frames_the_figures_of_later_paragraphs():
    text = (
        "“五一”假期，丰富的文旅活动、多样的消费场景吸引众多游客，各地消费市场持续涌动着新活力。\n"
        "文旅部门介绍，今年以来，全国新开通旅游专线多条。\n"
        "全国1000多个县城的酒店预订量同比增长超三成。"
    )
    f = {e.text: e for e in extract(text, date(2025, 5, 6)) if e.type == "FIGURE"}["1000多个"]
    assert f.date == {"start": "2025-05-01", "end": "2025-05-05"}
