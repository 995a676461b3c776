"""The translation table and the Vietnamese formats."""

from __future__ import annotations

import datetime as dt
import string

from generator import i18n


def test_every_entry_has_both_languages_with_the_same_placeholders():
    fields = string.Formatter()
    for key, entry in i18n.table().items():
        assert set(entry) == {"vi", "en"}, key
        names = [{f for _, f, _, _ in fields.parse(entry[lang]) if f} for lang in ("vi", "en")]
        assert names[0] == names[1], key


def test_vietnamese_numbers_dates_and_quantities():
    assert i18n.number(1114, "vi") == "1.114"
    assert i18n.percent(87.7, "vi") == "87,7%"
    assert i18n.quantity(7254, "tỷ đồng", "vi") == "7.254 tỷ đồng"
    assert i18n.quantity(91.4, "%", "vi") == "91,4%"
    assert i18n.date(dt.date(2021, 5, 31), "vi") == "31/05/2021"
    assert i18n.number(1114.5, "en") == "1,114.5"
