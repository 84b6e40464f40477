"""The pure mainland rules that the emulator applies and that ``check`` can apply offline."""

from datetime import date

import pytest

from pulumi_alisms.cli import emulator as emulator_cli
from pulumi_alisms.emulator import admin
from pulumi_alisms.rules.mainland import in_promotional_quiet_hours, mainland_mobile
from pulumi_alisms.rules.qualifications import qualification_problems, qualification_rejection, validity_period
from pulumi_alisms.rules.signatures import (
    matches_company,
    signature_name_problems,
    signature_rejection,
    source_problems,
)


@pytest.mark.parametrize(
    ("text", "national"),
    [
        ("13900001234", "13900001234"),
        ("+8613900001234", "13900001234"),
        ("008613900001234", "13900001234"),
        ("8613900001234", "13900001234"),
        (" +13900001234 ", "13900001234"),
        ("12900001234", None),
        ("1390000123", None),
        ("+85291234567", None),
        ("1390000\uff11234", None),
        ("", None),
    ],
)
def test_mainland_mobile_numbers(text: str, national: str | None) -> None:
    assert mainland_mobile(text) == national


def test_the_quiet_hours_are_beijing_time() -> None:
    utc_noon = 1_767_268_800  # 2026-01-01 12:00 UTC = 20:00 Beijing
    assert in_promotional_quiet_hours(utc_noon)
    assert not in_promotional_quiet_hours(utc_noon - 1)  # 19:59:59
    assert in_promotional_quiet_hours(utc_noon + 11 * 3600 + 59 * 60)  # 07:59
    assert not in_promotional_quiet_hours(utc_noon + 12 * 3600)  # 08:00


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("阿", "must be 2-12 characters, got 1"),
        ("阿里巴巴云计算通信服务平台", "got 13"),
        ("Acme Cloud", "(space)"),
        ("【阿里云】", "'【', '】'"),
        ("Test中心", "generic word 'test'"),
        ("阿里云客服", "generic word '客服'"),
        ("Acme😀", "'😀'"),
    ],
)
def test_signature_names_follow_the_specification(name: str, fragment: str) -> None:
    problems = signature_name_problems("name", name)
    assert problems and all(p.field == "name" for p in problems)
    assert any(fragment in p.message for p in problems), problems


def test_good_signature_names_pass() -> None:
    for name in ("阿里云", "Acme", "12306", "Acme云通信"):
        assert signature_name_problems("name", name) == []


def test_a_company_signature_is_part_of_the_company_name() -> None:
    assert matches_company("示例科技", "杭州示例科技有限公司")
    assert matches_company("Example", "Example Technology (Hangzhou) Co., Ltd.")
    assert not matches_company("星光", "杭州示例科技有限公司")
    reason = signature_rejection(
        "星光", source="company", company_name="杭州示例科技有限公司", third_party=False, authorized_signatures=None
    )
    assert reason is not None and "杭州示例科技有限公司" in reason
    assert (
        signature_rejection(
            "星光",
            source="trademark",
            company_name="杭州示例科技有限公司",
            third_party=False,
            authorized_signatures=None,
        )
        is None
    )


@pytest.mark.parametrize(
    ("source", "kwargs", "fields"),
    [
        ("company", {}, []),
        ("trademark", {}, ["trademark_id"]),
        ("trademark", {"trademark_id": 1}, []),
        ("app", {}, ["apply_scene", "app_icp_record_id"]),
        ("app", {"apply_scene": "https://apps.example.com/acme", "app_icp_record_id": 2}, []),
        ("website", {"apply_scene": "www.example.com"}, ["apply_scene"]),
        ("official_account", {"apply_scene": "Acme"}, []),
        ("ecommerce_store", {}, ["apply_scene"]),
        ("radio", {}, ["source"]),
    ],
)
def test_sources_need_their_companions(source: str, kwargs: dict[str, object], fields: list[str]) -> None:
    values = {"apply_scene": None, "trademark_id": None, "app_icp_record_id": None, **kwargs}
    assert [p.field for p in source_problems(source, **values)] == fields  # type: ignore[arg-type]


def test_qualification_fields_are_checked_where_present() -> None:
    problems = qualification_problems(
        {
            "company_name": "Acme, Inc.",
            "qualification_name": "12345",
            "business_license_validity": "2030-01-01~2020-01-01",
            "admin_phone": "+442071234567",
            "company_type": "SHOP",
            "legal_person_name": None,
        }
    )
    assert [p.field for p in problems] == [
        "qualification_name",
        "company_name",
        "company_type",
        "business_license_validity",
        "admin_phone",
    ]
    assert qualification_problems({"company_name": "杭州示例\uff08集团\uff09有限公司"}) == []
    assert validity_period("2020-01-01~2099-12-31") == (date(2020, 1, 1), date(2099, 12, 31))


def test_the_qualification_review_rules() -> None:
    valid = {
        "organization_code": "91330100MA2AXXXX1Y",
        "business_license_validity": "2020-01-01~2099-12-31",
        "admin_id_validity": "2020-01-01~2026-06-30",
    }
    assert qualification_rejection(valid, date(2026, 6, 30)) is None
    assert "administrator's ID document expired on 2026-06-30" in str(qualification_rejection(valid, date(2026, 7, 1)))
    assert "unified social credit code" in str(
        qualification_rejection({**valid, "organization_code": "91330100"}, date(2026, 1, 1))
    )


def test_the_cli_offers_the_kinds_the_review_desk_knows() -> None:
    assert emulator_cli.KINDS == admin.KINDS
