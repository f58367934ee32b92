"""Customer personal data never stays in a case (个人信息保护法)."""

import pytest

from cases.pii import describe, mask_pii


@pytest.mark.parametrize(
    ("text", "kind", "masked"),
    [
        ("客户手机13812345678，请回电", "mobile", "138****5678"),
        ("客户电话 +86 139-1234-5678", "mobile", "139****5678"),
        ("座机010-62345678转客服", "landline", "010-****"),
        ("身份证号110105199003071234核对", "id_card", "**************1234"),
        ("身份证 11010519900307123X", "id_card", "**************123X"),
        ("退款到卡6222021234567890128", "bank_card", "***************0128"),
        ("退款到卡 6222 0212 3456 7890 128", "bank_card", "***************0128"),
        ("邮箱 wang.customer@example.com 已登记", "email", "w***@example.com"),
        ("寄到朝阳区建国路88号3号楼2单元", "address", "【地址已遮盖】"),
    ],
)
def test_each_kind_of_personal_data_is_masked(text, kind, masked):
    result, found = mask_pii(text)
    assert found[kind] == 1
    assert masked in result
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 7:
        assert digits not in "".join(ch for ch in result if ch.isdigit())


@pytest.mark.parametrize(
    ("text", "kind", "masked"),
    [
        ("客户：我电话１３８１２３４５６７８，尽快处理", "mobile", "138****5678"),
        ("电话 １３８　１２３４　５６７８", "mobile", "138****5678"),
        ("座机０１０－６２３４５６７８", "landline", "010-****"),
        ("身份证１１０１０５１９９００３０７１２３４", "id_card", "**************1234"),
        ("退款到卡６２２２０２１２３４５６７８９０１２８", "bank_card", "***************0128"),
        ("邮箱 ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "email", "w***@example.com"),
    ],
)
def test_personal_data_typed_in_full_width_digits_is_masked_too(text, kind, masked):
    """A Chinese input method's full-width mode types １３８…; it is the same number."""
    result, found = mask_pii(text)
    assert found[kind] == 1
    assert masked in result
    assert not any("\uff10" <= ch <= "\uff19" for ch in result)


def test_full_width_text_around_what_is_masked_stays_as_written():
    text = "客户：我电话１３８１２３４５６７８，订单号１２３４５。"
    assert mask_pii(text) == ("客户：我电话138****5678，订单号１２３４５。", {"mobile": 1})


def test_ordinary_numbers_are_left_alone():
    text = (
        "2026年11月23日下单，金额199.00元，等待30秒，满意度85%，快递3天未到，"
        "订单号20261123000012345，运单YT1234567890123，工单2026-1123-0001-2345"
    )
    assert mask_pii(text) == (text, {})


def test_what_was_masked_is_described_in_the_readers_language():
    from django.utils import translation

    _text, found = mask_pii("13812345678 和 13912345678，wang@example.com")
    with translation.override("zh-hans"):
        assert describe(found) == "手机号 × 2、邮箱地址 × 1"
