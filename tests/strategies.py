"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

import re

from hypothesis import strategies as st

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
VALUES = ["", " 0", " -1", " 101", " 3.5", " abc", " 2021-02-29", " 31/12/2021", " [a, b]", " {x: 1}", " null",
          " yes", " .inf", " 'quoted'", ' "<script>alert(1)</script>"', " done", " xong", " ~", " 9999999999"]


@st.composite
def mutated(draw, lines: list[str]) -> str:
    lines = list(lines)
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "retype", "shuffle_date", "swap_ids"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "retype" and ":" in lines[i]:
            lines[i] = lines[i].split(":", 1)[0] + ":" + draw(st.sampled_from(VALUES))
        elif op == "shuffle_date":
            dates = [d for line in lines for d in DATE.findall(line)]
            if dates and DATE.search(lines[i]):
                lines[i] = DATE.sub(draw(st.sampled_from(dates)), lines[i], count=1)
        elif op == "swap_ids":
            ids = [k for k, line in enumerate(lines) if line.startswith("  - id: ")]
            if len(ids) > 1:
                a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
                lines[a], lines[b] = lines[b], lines[a]
        if not lines:
            break
    return "\n".join(lines) + "\n"


# --- whole registers, as the model (for the derived figures' properties) ----------------------
STATUSES = ("not_started", "in_progress", "paused", "done", "cancelled")


@st.composite
def registers(draw, max_tasks: int = 12):
    """A small register built straight as the model: a few agencies in two blocs, tasks with
    deadlines and reports scattered around 2021, any status in any order."""
    import datetime as dt

    from generator.model import Agency, Bloc, Grade, Group, Meta, Register, Report, Task

    day = st.dates(dt.date(2020, 12, 1), dt.date(2022, 2, 1))
    agencies = {f"a{i}": Agency(f"a{i}", f"Cơ quan {i}", f"b{i % 2}") for i in range(draw(st.integers(1, 4)))}
    tasks = []
    for i in range(1, draw(st.integers(0, max_tasks)) + 1):
        reports = tuple(
            Report(date=draw(day), status=draw(st.sampled_from(STATUSES)), index=k, line=k + 1,
                   progress=draw(st.none() | st.integers(0, 100)))
            for k in range(draw(st.integers(0, 4))))
        tasks.append(Task(id=i, title=f"Việc {i}", group="g", lead=draw(st.sampled_from(sorted(agencies))),
                          deadline=draw(day), line=i, reports=reports))
    meta = Meta(title="Sổ thử", start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31),
                min_due=draw(st.integers(0, 4)), late_credit=draw(st.sampled_from((0, 0.5, 1))),
                grading=(Grade("A", 90), Grade("B", 50), Grade("C", 0)))
    return Register(meta=meta, blocs={"b0": Bloc("b0", "Khối 0"), "b1": Bloc("b1", "Khối 1")},
                    agencies=agencies, groups={"g": Group("g", "Nhóm")}, tasks=tuple(tasks))

# --- valid registers, as an editor might write them (issue 13: the JSON Schema never cries wolf) ---

import datetime as _dt  # noqa: E402

import yaml as _yaml  # noqa: E402


class _EditorsDumper(_yaml.SafeDumper):
    """PyYAML's writer, which quotes what YAML 1.1 would read otherwise; and, as an editor must, an id that
    YAML 1.2 reads as a number (1e5, 0e0: the validator refuses it unquoted, ``shapes.check_key``)."""


def _text(dumper: _yaml.SafeDumper, value: str) -> _yaml.ScalarNode:
    if re.fullmatch(r"[0-9]+e-?[0-9]+", value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_str(value)


_EditorsDumper.add_representer(str, _text)

_ID = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
_WORDS = st.text(st.characters(categories=["L", "N", "P", "S", "Zs"], exclude_characters="\x85\xa0\u1680\u2000"
                               "\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"),
                 min_size=1, max_size=30).filter(lambda s: s.strip() == s and s)
_VIETNAMESE = st.sampled_from(["Phối hợp tổ chức hội nghị", "Thảm nhựa 3 tuyến phố", "Kè suối Nặm La",
                               "Hỗ trợ 20 học sinh", "Đường nội bản Hùn 2,9 km", "yes", "no", "on", "2021",
                               "87.7", "~ không rõ", "#1 ưu tiên", "- gạch đầu dòng", "=SUM(A1)", "'trích'"])
_TEXT = st.one_of(_WORDS, _VIETNAMESE, st.integers(0, 10**6), st.booleans(),
                  st.floats(0, 1000, allow_nan=False, allow_infinity=False))
_MARKDOWN = st.one_of(_TEXT, st.sampled_from(["**Đã xong** 3 tuyến", "Dòng 1\n\nDòng 2\n", "- một\n- hai\n",
                                              "[Báo cáo](https://sonla.gov.vn/bc)", "Tab\tở giữa"]))


def _date_text(draw, day: _dt.date) -> str:
    form = draw(st.sampled_from(["iso", "iso_short", "vn", "vn_short"]))
    return {"iso": day.isoformat(), "iso_short": f"{day.year}-{day.month}-{day.day}",
            "vn": day.strftime("%d/%m/%Y"), "vn_short": f"{day.day}/{day.month}/{day.year}"}[form]


def _maybe(draw, key: str, value: object, into: dict) -> None:
    if draw(st.booleans()):
        into[key] = value


@st.composite
def valid_registers(draw) -> str:
    """The text of a register that ``validate`` accepts (no errors; warnings may remain)."""
    start = draw(st.dates(_dt.date(2000, 1, 1), _dt.date(2030, 12, 31)))
    end = start + _dt.timedelta(days=draw(st.integers(0, 1000)))
    as_of = start + _dt.timedelta(days=draw(st.integers(0, 800)))
    meta: dict = {"title": draw(_TEXT), "start": _date_text(draw, start), "end": _date_text(draw, end),
                  "as_of": _date_text(draw, as_of)}
    _maybe(draw, "issuer", draw(_TEXT), meta)
    _maybe(draw, "issued", _date_text(draw, draw(st.dates(_dt.date(1990, 1, 1), start))), meta)
    _maybe(draw, "language", draw(st.sampled_from(["vi", "en"])), meta)
    _maybe(draw, "timezone", "Asia/Ho_Chi_Minh", meta)
    _maybe(draw, "description", draw(_MARKDOWN), meta)
    _maybe(draw, "repo_url", draw(st.sampled_from(["https://github.com/son-la/so-55", "HTTPS://Example.ORG/so"])), meta)
    _maybe(draw, "site_url", draw(st.sampled_from(["https://son-la.github.io/so-55/", "HTTPS://Example.ORG/so",
                                                   "http://sonla.gov.vn"])), meta)
    if draw(st.booleans()):
        mins = sorted(draw(st.sets(st.integers(0, 100), min_size=1, max_size=4)), reverse=True)
        meta["grading"] = [{"name": draw(_TEXT), "min": m} for m in mins]
    blocs = {k: draw(_TEXT) for k in draw(st.sets(_ID, min_size=1, max_size=3))}
    agencies = {k: {"name": draw(_TEXT), "bloc": draw(st.sampled_from(sorted(blocs)))}
                for k in draw(st.sets(_ID, min_size=1, max_size=4))}
    groups = {k: draw(_TEXT) for k in draw(st.sets(_ID, min_size=1, max_size=3))}
    ids = draw(st.sets(st.integers(1, 999_999), max_size=5))  # task numbers have at most six digits (#18)
    tasks = [_task(draw, number, sorted(agencies), sorted(groups), start, as_of) for number in ids]
    register = {"register": meta, "blocs": blocs, "agencies": agencies, "groups": groups, "tasks": tasks}
    return _yaml.dump(register, Dumper=_EditorsDumper, allow_unicode=True, sort_keys=False, width=200)


def _task(draw, number: int, agencies: list[str], groups: list[str], start: _dt.date, as_of: _dt.date) -> dict:
    task: dict = {"id": number, "title": draw(_TEXT), "group": draw(st.sampled_from(groups)),
                  "lead": draw(st.sampled_from(agencies)),
                  "deadline": _date_text(draw, draw(st.dates(_dt.date(2000, 1, 1), _dt.date(2035, 12, 31))))}
    partners = draw(st.sampled_from(["absent", "null", "empty", "some"]))
    if partners != "absent":
        task["partners"] = {"null": None, "empty": []}.get(partners) if partners != "some" else \
            draw(st.lists(st.sampled_from(agencies), max_size=2, unique=True))
    _maybe(draw, "target", draw(_MARKDOWN), task)
    measured = draw(st.booleans())
    if measured:
        baseline = draw(st.integers(0, 100))
        task["measure"] = {"unit": draw(st.sampled_from(["km", "tỷ đồng", "%", "học sinh"])),
                           "target": baseline + draw(st.integers(1, 1000))}
        _maybe(draw, "baseline", baseline, task["measure"])
        if "baseline" not in task["measure"]:
            task["measure"]["target"] = draw(st.integers(1, 1000))
    if draw(st.booleans()):
        task["links"] = [{"title": draw(_TEXT), "url": draw(st.sampled_from(
            ["https://sonla.gov.vn/vb/55", "HTTPS://SONLA.GOV.VN/A", "mailto:vanphong@sonla.gov.vn"]))}]
    reports = draw(st.sampled_from(["absent", "null", "empty", "some"]))
    if reports != "absent":
        task["reports"] = [] if reports == "empty" else None if reports == "null" else [
            _report(draw, measured, start, as_of) for _ in range(draw(st.integers(1, 3)))]
    return task


def _report(draw, measured: bool, start: _dt.date, as_of: _dt.date) -> dict:
    day = draw(st.dates(start, max(start, as_of)))
    report: dict = {"date": _date_text(draw, day),
                    "status": draw(st.sampled_from(["not_started", "in_progress", "paused", "done", "cancelled"]))}
    if measured:
        _maybe(draw, "value", draw(st.one_of(st.integers(0, 10**5), st.floats(0, 10**5, allow_nan=False))), report)
    else:
        _maybe(draw, "progress", draw(st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False))), report)
    for key in ("note", "difficulties", "proposals"):
        _maybe(draw, key, draw(_MARKDOWN), report)
    return report
