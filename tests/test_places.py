"""Places in local news from across China: chains, villages missing from the gazetteer, banners."""

from __future__ import annotations

from pipeline import extract


def _places(text: str) -> dict[str, object]:
    return {e.text: e for e in extract(text) if e.type == "PLACE"}


def test_a_village_in_a_chain_stays_under_its_township_even_if_a_namesake_is_listed_elsewhere():
    # 新兴村 exists in the gazetteer under other townships of 双城区, not under 希勤满族乡.
    p = _places("黑龙江省哈尔滨市双城区希勤满族乡新兴村的村民领到了分红。")["新兴村"]
    assert (p.level, p.parent, p.code) == ("village", "希勤满族乡", None)


def test_long_transliterated_village_names_and_gacha_continue_a_chain():
    found = _places("喀什地区疏附县托克扎克镇阿亚格曼干村和兴安盟科右前旗额尔格图镇哈拉黑嘎查都通了自来水。")
    assert found["阿亚格曼干村"].parent == "托克扎克镇" and found["阿亚格曼干村"].code == "653121100202"
    assert found["科右前旗"].name == "科尔沁右翼前旗"
    assert (found["哈拉黑嘎查"].level, found["哈拉黑嘎查"].parent) == ("village", "额尔格图镇")


def test_a_street_scene_is_not_a_street_name():
    assert "太原" in _places("本报讯 近日，山西太原街头不少市民议论起社区食堂。")


def test_a_village_found_by_its_chain_is_found_again_alone():
    text = "湖南常德市石门县壶瓶山镇天坪村暴雨持续。目前，天坪村124人已全部转移到安全区域。"
    villages = [e for e in extract(text) if e.type == "PLACE" and e.text == "天坪村"]
    assert len(villages) == 2 and all(v.parent == "壶瓶山镇" for v in villages)


def test_a_scenic_area_named_after_a_lake_is_at_the_lake_but_a_street_is_not_at_its_city():
    found = _places("暑期到洱海景区和泸沽湖景区的游客明显增多，古城里的南昌路也完成了改造。")
    assert found["洱海"].level == "river" and found["泸沽湖"].level == "river"
    assert "南昌" not in found


def test_an_ethnic_township_is_named_without_its_nationalities():
    p = _places("在北京市怀柔区长哨营乡，抢修队伍连夜打通了进村道路。")["长哨营乡"]
    assert (p.name, p.parent, p.code) == ("长哨营满族乡", "怀柔区", "110116211000")


def test_a_chain_runs_downwards_so_a_county_short_form_inside_a_village_name_is_no_county():
    # 南康 is a county short form (赣州市南康区); after a township it starts a village name the gazetteer lacks.
    found = _places("云南省耿马县孟定镇南康河村的甘蔗开始收割，全村种植面积达3000亩。")
    assert "南康" not in found
    assert (found["南康河村"].level, found["南康河村"].parent) == ("village", "孟定镇")


def test_an_autonomous_county_by_its_name_with_xian_and_a_compass_region_by_its_landscape_word():
    found = _places("在四川绵阳北川县，冬桃开始采摘；西南山区和东部沿海地区降雨偏多，广西中部地区干旱，河南县域经济稳步发展。")
    assert found["北川县"].name == "北川羌族自治县"
    assert found["西南山区"].name == "西南地区" and found["东部沿海地区"].name == "东部地区"
    assert "中部地区" not in found and found["广西"].level == "province"  # a part of Guangxi, not the region
    assert found["河南"].name == "河南省" and "河南县" not in found


def test_a_village_named_with_its_suffix_is_a_place_even_when_its_namesakes_leave_it_unresolved():
    found = _places("遭受洪涝灾害的龙王庙村受损房屋已经基本完成修缮，村民发展村集体经济的劲头更足了。")
    assert (found["龙王庙村"].level, found["龙王庙村"].code) == ("village", None)
    assert not [t for t in found if t != "龙王庙村"]  # `发展村`: words run together


def test_a_township_by_its_bare_form_right_after_its_county_and_nowhere_else():
    found = _places("位于广东佛山顺德北滘的机器人智造城，吸引了大批企业。")
    assert (found["北滘"].name, found["北滘"].parent) == ("北滘镇", "顺德区")
    # 造成 + 平远县: a bare form (成平乡) never cuts a county out; 新场景 holds no 新场镇 without its county.
    found = _places("暴雨一度造成平远县泗水镇多个村成为孤岛，上海的消费新场景不断涌现。")
    assert found["平远县"].level == "county" and "成平" not in found and "新场" not in found


def test_a_county_or_island_abroad_continues_its_country_chain_and_is_found_again():
    found = [
        e
        for e in extract("根据美国夏威夷州毛伊县公布的数据，毛伊县已有96人遇难。日本政府强推福岛核污染水排海。")
        if e.type == "PLACE"
    ]
    maui = [e for e in found if e.text == "毛伊县"]
    assert len(maui) == 2 and all((e.level, e.parent) == ("foreign", "美国") for e in maui)
    assert not [e for e in found if "政府" in e.text]


def test_a_village_named_after_its_city_is_found_even_when_its_namesakes_there_leave_it_unresolved():
    found = [e for e in extract("浙江杭州的一些村庄发展起体育产业。记者来到新港村时，村里正举办骑行比赛。") if e.type == "PLACE"]
    village = next(e for e in found if e.text == "新港村")
    assert village.level == "village" and village.code is None and len(village.candidates) >= 2


def test_a_county_abroad_continues_a_chain_of_two_foreign_places_and_a_japanese_prefecture_is_known():
    found = {
        e.text: e
        for e in extract("当地时间29日晚，美国肯塔基州特里格县发生直升机坠毁事故。日本青森县东部海域发生地震。")
        if e.type == "PLACE"
    }
    assert found["特里格县"].parent == "美国" and found["青森县"].parent == "日本"
