"""benchmarks/external.py scores hand-made cases written in the external suites' formats.

The cases are made up here (none comes from ../shared), and the extractor is a stub, so
these tests check the scorer's scope decisions, normalisations and matching, not the rules.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from pipeline.entities import Entity

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("external_benchmark", ROOT / "benchmarks" / "external.py")
ext = importlib.util.module_from_spec(_spec)
sys.modules["external_benchmark"] = ext  # dataclasses look their module up while the file runs
_spec.loader.exec_module(ext)


def figure(text: str, start: int, value: float, unit: str | None, kind: str | None = None, max_: float | None = None):
    return Entity("FIGURE", text, start, start + len(text), value=value, max=max_, unit=unit, kind=kind)


def date_entity(text: str, start: int, first: date | None, last: date | None):
    return Entity("DATE", text, start, start + len(text), date_start=first, date_end=last)


def stub(answers: dict[str, list[Entity]]):
    """An extractor that returns canned entities per input text."""
    return lambda text, published: answers.get(text, [])


def test_recognizers_currency_scope_and_agreement(tmp_path):
    spec = [
        {  # in scope: the spec scales 亿元 to yuan like the guideline
            "Input": "今年基金规模增至12.5亿元。",
            "Results": [
                {
                    "Text": "12.5亿元",
                    "TypeName": "currency",
                    "Resolution": {"isoCurrency": "CNY", "value": "1250000000", "unit": "Chinese yuan"},
                    "Start": 8,
                    "End": 13,
                }
            ],
        },
        {  # in scope, foreign currency stays unconverted; the stub says 元, so it fails on the unit
            "Input": "门票八美元",
            "Results": [
                {
                    "Text": "八美元",
                    "TypeName": "currency",
                    "Resolution": {"isoCurrency": "USD", "value": "8", "unit": "United States dollar"},
                    "Start": 2,
                    "End": 4,
                }
            ],
        },
        {  # out: compound amount
            "Input": "找零七元五角",
            "Results": [
                {
                    "Text": "七元五角",
                    "TypeName": "currency",
                    "Resolution": {"isoCurrency": "CNY", "value": "7.5", "unit": "Chinese yuan"},
                    "Start": 2,
                    "End": 5,
                }
            ],
        },
        {"Input": "欧元走强", "Results": []},  # out: negative case
    ]
    path = tmp_path / "CurrencyModel.json"
    path.write_text("\ufeff" + json.dumps(spec, ensure_ascii=False), encoding="utf-8")  # some spec files carry a BOM
    cases = ext.rt_currency_cases(path)
    assert [c.out for c in cases] == [None, None, ext.OUT_COMPOUND, ext.OUT_NEGATIVE]

    fn = stub(
        {
            "今年基金规模增至12.5亿元。": [figure("12.5亿元", 8, 1250000000, "元", "money")],
            "门票八美元": [figure("八美元", 2, 8, "元", "money")],
        }
    )
    res = ext.run_cases("currency", cases, fn)
    assert (res.in_scope, res.agreed, res.out_total) == (2, 1, 2)
    assert res.failures[0]["category"] == "unit differs"


def test_recognizers_numbers_follow_the_guideline_scope(tmp_path):
    spec = [
        {"Input": "三百二十", "Results": [{"Text": "三百二十", "Resolution": {"value": "320"}, "Start": 0, "End": 3}]},
        {"Input": "第五", "Results": [{"Text": "五", "Resolution": {"value": "5"}, "Start": 1, "End": 1}]},
        {"Input": "八十打鸡蛋", "Results": [{"Text": "八十打", "Resolution": {"value": "960"}, "Start": 0, "End": 2}]},
        {"Input": "九十多万", "Results": [{"Text": "九十多万", "Resolution": {"value": "900000"}, "Start": 0, "End": 3}]},
        {"Input": "四分之三", "Results": [{"Text": "四分之三", "Resolution": {"value": "0.75"}, "Start": 0, "End": 3}]},
    ]
    path = tmp_path / "NumberModel.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    cases = ext.rt_number_cases(path)
    assert cases[0].out == ext.OUT_BARE
    assert cases[1].out == ext.OUT_ORDINAL
    assert cases[2].expects[0].value == 80  # 打 kept as the measure word: 80, not the spec's 960
    assert cases[3].expects[0].value == 900000 and cases[3].expects[0].unit is None  # bare 万 count
    assert (cases[4].expects[0].value, cases[4].expects[0].unit) == (75, "%")  # fraction → percentage


def test_recognizers_dates_normalise_exclusive_ends_and_ranges(tmp_path):
    ref = {"ReferenceDateTime": "2019-05-20T00:00:00"}
    spec = [
        {
            "Input": "2018年10月的数据",
            "Context": ref,
            "Results": [
                {
                    "Text": "2018年10月",
                    "TypeName": "datetimeV2.daterange",
                    "Resolution": {
                        "values": [{"timex": "2018-10", "type": "daterange", "start": "2018-10-01", "end": "2018-11-01"}]
                    },
                    "Start": 0,
                    "End": 7,
                }
            ],
        },
        {
            "Input": "从三月到五月",
            "Context": ref,
            "Results": [
                {
                    "Text": "从三月到五月",
                    "TypeName": "datetimeV2.daterange",
                    "Resolution": {
                        "values": [
                            {
                                "timex": "(XXXX-03-01,XXXX-05-01,P2M)",
                                "type": "daterange",
                                "start": "2019-03-01",
                                "end": "2019-05-01",
                            }
                        ]
                    },
                    "Start": 0,
                    "End": 5,
                }
            ],
        },
        {
            "Input": "下午5:00",
            "Context": ref,
            "Results": [
                {
                    "Text": "下午5:00",
                    "TypeName": "datetimeV2.time",
                    "Resolution": {"values": [{"timex": "T17:00", "type": "time", "value": "17:00:00"}]},
                    "Start": 0,
                    "End": 5,
                }
            ],
        },
    ]
    (tmp_path / "DateTimeModel.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    cases = ext.rt_datetime_cases(tmp_path)
    assert cases[0].published == date(2019, 5, 20)
    assert cases[0].expects[0].dates == [(date(2018, 10, 1), date(2018, 10, 31))]
    assert cases[1].expects[0].dates == [(date(2019, 3, 1), date(2019, 5, 31))]
    assert cases[2].out == ext.OUT_TIME

    fn = stub(
        {
            "2018年10月的数据": [date_entity("2018年10月", 0, date(2018, 10, 1), date(2018, 10, 31))],
            "从三月到五月": [
                date_entity("三月", 1, date(2019, 3, 1), date(2019, 3, 31)),
                date_entity("五月", 4, date(2019, 5, 1), date(2019, 5, 31)),
            ],
        }
    )
    res = ext.run_cases("datetime", cases, fn)
    assert (res.in_scope, res.agreed) == (2, 1)
    assert res.failures[0]["category"] == "split into 2 DATEs"


def test_jionlp_money_and_time_cases():
    data = {
        "files": {
            "test/test_money_parser.py": [
                {
                    "line": 1,
                    "call": "jio.parse_money(text)",
                    "cases": [
                        {"text": "两千多港元", "expected": {"num": ["2000.00", "3000.00"], "case": "港元", "definition": "blur"}},
                        {"text": "三到五万元", "expected": {"num": ["30000.00", "50000.00"], "case": "元", "definition": "blur"}},
                        {"text": "六十万", "expected": {"num": "600000.00", "case": "元", "definition": "accurate"}},
                    ],
                }
            ],
            "test/test_time_parser.py": [
                {
                    "line": 2,
                    "call": "jio.parse_time(text, time_base=ts)",
                    "cases": [
                        {
                            "text": "明年年底",
                            "time_base": 1623604000,
                            "expected": {
                                "type": "time_span",
                                "definition": "blur",
                                "time": ["2022-11-01 00:00:00", "2022-12-31 23:59:59"],
                            },
                        },
                        {
                            "text": "5天后",
                            "time_base": 1623604000,
                            "expected": {
                                "type": "time_point",
                                "definition": "accurate",
                                "time": ["2021-06-19 00:00:00", "2021-06-19 23:59:59"],
                            },
                        },
                    ],
                }
            ],
        }
    }
    vague, rng, bare = ext.jio_money_parser_cases(data)
    assert (vague.expects[0].value, vague.expects[0].max, vague.expects[0].unit) == (2000, None, "foreign")
    assert (rng.expects[0].value, rng.expects[0].max, rng.expects[0].unit) == (30000, 50000, "元")
    assert bare.out == ext.OUT_NO_CURRENCY

    year_end, relative = ext.jio_time_parser_cases(data)
    assert year_end.published == date(2021, 6, 14)  # unix seconds read as Beijing time
    x = year_end.expects[0]
    assert x.dates == [(ext.ANY, date(2022, 12, 31))] and x.cover == 3  # 年底: only the end, and the DATE must hold 底
    assert relative.out == ext.OUT_RELATIVE

    fn = stub({"明年年底": [date_entity("明年", 0, date(2022, 1, 1), date(2022, 12, 31))]})
    res = ext.run_cases("time", [year_end, relative], fn)
    assert (res.in_scope, res.agreed, res.failures[0]["category"]) == (1, 0, "初/底 left out of the DATE")


def test_place_recall_on_a_peoples_daily_sentence(tmp_path):
    sentence = "赣州市民赴德国考察，《赣州日报》报道。"
    tags = ["B-LOC", "I-LOC", "O", "O", "O", "B-LOC", "I-LOC"] + ["O"] * 4 + ["B-LOC", "I-LOC"] + ["O"] * 6
    path = tmp_path / "example.test"
    path.write_text("\n".join(f"{c} {t}" for c, t in zip(sentence, tags, strict=True)) + "\n\n", encoding="utf-8")
    sents = ext.read_peoples_daily(path)
    assert [sents[0].text[s:t] for s, t in sents[0].locs] == ["赣州", "德国", "赣州"]

    units = {"360700": SimpleNamespace(level="city"), "foreign:德国": SimpleNamespace(level="foreign")}
    gaz = SimpleNamespace(surfaces={"赣州": ["360700"], "德国": ["foreign:德国"]}, units=units)
    fn = stub({sentence: [Entity("PLACE", "赣州", 0, 2), Entity("PLACE", "德国", 5, 7)]})
    res = ext.place_recall("pd", sents, fn, gaz)
    assert (res.in_scope, res.agreed) == (1, 1)
    assert res.out == {"gazetteer level foreign": 1, ext.OUT_TITLE: 1}


def test_a_crash_of_the_extractor_is_a_failed_case():
    def broken(text, published):
        raise ValueError("cannot read numeral")

    case = ext.Case("x#0", "增长三成", None, [ext.Expect("FIGURE", (2, 4), 30, unit="%")])
    res = ext.run_cases("crash", [case], broken)
    assert (res.in_scope, res.agreed) == (1, 0)
    assert res.failures[0]["category"].startswith("extractor error: ValueError")


def test_missing_suites_folder_exits_1(tmp_path, capsys):
    assert ext.main(["--external", str(tmp_path / "absent")]) == 1
    assert "external suites not found" in capsys.readouterr().err
