"""The translation table and the Vietnamese formats."""

from __future__ import annotations

import datetime as dt
import string

from generator import i18n


def _placeholders(text: str) -> set[str]:
    """The names a text uses, plural blocks (``{n, plural, one {# x} other {# xs}}``) included."""
    names = {m.group(1) for m in i18n.PLURAL.finditer(text)}
    plain = i18n.PLURAL.sub("", text)
    return names | {f for _, f, _, _ in string.Formatter().parse(plain) if f}


def test_every_entry_has_both_languages_with_the_same_placeholders():
    for key, entry in i18n.table().items():
        assert set(entry) == {"vi", "en"}, key
        assert _placeholders(entry["vi"]) == _placeholders(entry["en"]), key


def test_every_plural_block_is_well_formed_and_has_an_other_form():
    for key, entry in i18n.table().items():
        for lang in ("vi", "en"):
            text = entry[lang]
            assert text.count("plural,") == len(i18n.PLURAL.findall(text)), (key, lang)
            for match in i18n.PLURAL.finditer(text):
                assert "other" in dict(i18n.FORM.findall(match.group(2))), (key, lang)


def test_counts_take_the_plural_form_of_the_language():
    assert i18n.t("ui.overdue_days", "en", days=1) == "1 day overdue"
    assert i18n.t("ui.overdue_days", "en", days=2) == "2 days overdue"
    assert i18n.t("ui.overdue_days", "vi", days=1) == "Quá hạn 1 ngày"
    assert i18n.t("ui.overdue_days", "vi", days=2) == "Quá hạn 2 ngày"
    assert i18n.t("cli.invalid", "en", path="t.yaml", errors=1, warnings=0).startswith("t.yaml: 1 error, 0 warnings.")


def test_numbers_in_sentences_are_in_the_readers_format_but_task_numbers_are_names():
    assert i18n.t("ui.timing.remaining", "vi", days=1500) == "Còn 1.500 ngày"
    assert i18n.t("ui.timing.remaining", "en", days=1500) == "1,500 days left"
    assert i18n.t("msg.task_prefix", "vi", task=1234) == "nhiệm vụ số 1234: "


def test_vietnamese_numbers_dates_and_quantities():
    assert i18n.number(1114, "vi") == "1.114"
    assert i18n.percent(87.7, "vi") == "87,7%"
    assert i18n.quantity(7254, "tỷ đồng", "vi") == "7.254 tỷ đồng"
    assert i18n.quantity(91.4, "%", "vi") == "91,4%"
    assert i18n.date(dt.date(2021, 5, 31), "vi") == "31/05/2021"
    assert i18n.number(1114.5, "en") == "1,114.5"


def test_a_text_kept_for_one_value_is_not_given_for_an_equal_value_of_another_type():
    """``t`` keeps texts by their arguments; 2 and 2.5 and True differ, and 1 == 1.0 == True must not mix."""
    assert i18n.t("ui.overdue_days", "vi", days=2) == "Quá hạn 2 ngày"
    assert i18n.t("ui.overdue_days", "vi", days=2.5) == "Quá hạn 2,5 ngày"
    first = i18n.t("ui.overdue_days", "en", days=1)
    assert i18n.t("ui.overdue_days", "en", days=True) == i18n._filled("ui.overdue_days", "en", {"days": True})
    assert i18n.t("ui.overdue_days", "en", days=1) == first == "1 day overdue"
    assert i18n.t("ui.overdue_days", "en", days=[1]) == i18n._filled("ui.overdue_days", "en", {"days": [1]})
