"""Synthetic task registers for the benchmarks: N tasks, 12 monthly reports each, Vietnamese text.

Deterministic: the same ``n`` and ``seed`` give the same bytes (``random.Random(seed)``,
no clock, no hash order). A tenth of the tasks (ids divisible by 10) carry a measure and
report ``value``; the others report ``progress``. The register is valid against the format
and gives no warnings (``python -m generator validate``).

    python benchmarks/synth.py 1000 -o /tmp/tasks-1000.yaml

The text is written by hand here (no ``yaml.dump``: 10,000 tasks would take a minute) —
plain scalars where YAML reads them back as the same string, JSON-style double quotes
otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import unicodedata
from pathlib import Path

YEAR = 2025
REPORTS = 12
MEASURED_EVERY = 10  # tasks whose id is a multiple of this carry a measure

BLOCS = {
    "ubnd": "Khối Ủy ban nhân dân",
    "mttq": "Ủy ban MTTQ và các đoàn thể",
    "tham-muu": "Các cơ quan tham mưu, giúp việc",
    "xa-phuong": "Đảng ủy các xã, phường",
}

GROUPS = {
    "xay-dung-dang": "Xây dựng Đảng và hệ thống chính trị",
    "kinh-te": "Kinh tế, tài chính - ngân sách",
    "do-thi": "Quản lý đô thị, đất đai và hạ tầng",
    "nong-thon-moi": "Nông nghiệp và xây dựng nông thôn mới",
    "van-hoa-xa-hoi": "Văn hóa - xã hội, y tế và an sinh xã hội",
    "giao-duc": "Giáo dục và đào tạo",
    "quoc-phong-an-ninh": "Quốc phòng - an ninh và nội chính",
    "dan-van": "Dân vận, Mặt trận và các đoàn thể",
    "chuyen-doi-so": "Cải cách hành chính và chuyển đổi số",
    "moi-truong": "Tài nguyên, môi trường và phòng, chống thiên tai",
}

DEPARTMENTS = [
    ("ubnd", "Văn phòng HĐND và UBND"), ("ubnd", "Phòng Nội vụ"), ("ubnd", "Phòng Tài chính - Kế hoạch"),
    ("ubnd", "Phòng Kinh tế"), ("ubnd", "Phòng Quản lý đô thị"), ("ubnd", "Phòng Tài nguyên và Môi trường"),
    ("ubnd", "Phòng Giáo dục và Đào tạo"), ("ubnd", "Phòng Văn hóa và Thông tin"),
    ("ubnd", "Phòng Lao động - Thương binh và Xã hội"), ("ubnd", "Phòng Tư pháp"), ("ubnd", "Thanh tra"),
    ("ubnd", "Ban Quản lý dự án đầu tư xây dựng"), ("ubnd", "Trung tâm Y tế"), ("ubnd", "Chi cục Thuế"),
    ("ubnd", "Công an"), ("ubnd", "Ban Chỉ huy Quân sự"), ("ubnd", "Trung tâm Phát triển quỹ đất"),
    ("ubnd", "Phòng Y tế"), ("ubnd", "Hạt Kiểm lâm"), ("ubnd", "Trung tâm Dịch vụ nông nghiệp"),
    ("mttq", "Ủy ban MTTQ Việt Nam"), ("mttq", "Liên đoàn Lao động"), ("mttq", "Đoàn Thanh niên"),
    ("mttq", "Hội Liên hiệp Phụ nữ"), ("mttq", "Hội Nông dân"), ("mttq", "Hội Cựu chiến binh"),
    ("tham-muu", "Văn phòng Thành ủy"), ("tham-muu", "Ban Tổ chức Thành ủy"),
    ("tham-muu", "Ban Tuyên giáo Thành ủy"), ("tham-muu", "Ban Dân vận Thành ủy"),
    ("tham-muu", "Ủy ban Kiểm tra Thành ủy"), ("tham-muu", "Trung tâm Chính trị"),
]

PLACE_HEADS = ["Chiềng", "Mường", "Nà", "Huổi", "Phiêng", "Bản", "Hua", "Co", "Pá", "Tà", "Nậm", "Púng"]
PLACE_TAILS = ["Cọ", "Lề", "Xôm", "Ngần", "Đen", "Sinh", "Cơi", "An", "Mung", "Bú", "Khoang", "Lương", "Ban",
               "Hặc", "Muôn", "Pấc", "Sại", "Tòng", "Hiệu", "Chăn", "Kheo", "Lay", "Ót", "Sàng"]
WARDS = ["Tô Hiệu", "Chiềng Lề", "Quyết Thắng", "Quyết Tâm", "Chiềng An", "Chiềng Sinh", "Chiềng Cơi"]

ACTIONS = ["Đầu tư xây dựng", "Cải tạo, nâng cấp", "Triển khai thực hiện", "Tổ chức tuyên truyền, phổ biến",
           "Rà soát, cập nhật", "Hoàn thiện hồ sơ", "Xây dựng kế hoạch", "Tập huấn, bồi dưỡng về",
           "Kiểm tra, giám sát việc thực hiện", "Hỗ trợ", "Duy trì và nâng cao chất lượng", "Phát triển",
           "Số hóa", "Giải phóng mặt bằng", "Sửa chữa, bảo trì", "Nhân rộng"]
OBJECTS = ["tuyến đường giao thông nông thôn", "hệ thống thoát nước đô thị", "trường mầm non",
           "nhà văn hóa bản", "hệ thống chiếu sáng công cộng", "mô hình sản xuất cà phê chất lượng cao",
           "vùng trồng cây ăn quả theo tiêu chuẩn VietGAP", "dịch vụ công trực tuyến toàn trình",
           "hồ sơ địa chính", "tiêu chí xã nông thôn mới nâng cao", "cơ sở dữ liệu dân cư",
           "công tác phòng, chống cháy rừng", "chính sách hỗ trợ hộ nghèo, hộ cận nghèo",
           "bếp ăn bán trú cho học sinh", "kè chống sạt lở bờ suối", "nước sạch sinh hoạt",
           "chợ nông sản", "điểm tập kết rác thải", "quy chế dân chủ ở cơ sở", "sân thể thao đa năng",
           "công tác kết nạp đảng viên mới", "phong trào toàn dân bảo vệ an ninh Tổ quốc"]
PARTS = ["nền đường", "mặt đường bê tông", "rãnh thoát nước", "tường rào", "hạng mục phụ trợ",
         "phần móng", "phần thân", "hệ thống điện", "khu vệ sinh", "cống qua đường"]
DIFFICULTIES = [
    "Thời tiết mưa nhiều kéo dài làm chậm tiến độ thi công {part}.",
    "Còn {k} hộ dân chưa nhận tiền bồi thường, hỗ trợ giải phóng mặt bằng.",
    "Giá vật liệu xây dựng tăng cao so với dự toán được duyệt.",
    "Nguồn vốn được phân bổ chậm, mới giải ngân {p}% kế hoạch.",
    "Cán bộ chuyên môn ở cơ sở còn thiếu, kiêm nhiệm nhiều việc.",
    "Một bộ phận người dân chưa đồng thuận với phương án {obj}.",
    "Hạ tầng công nghệ thông tin ở {k} xã, phường chưa đáp ứng yêu cầu.",
]
PROPOSALS = [
    "Đề nghị UBND thành phố xem xét bố trí bổ sung {v} tỷ đồng để hoàn thành {part}.",
    "Kiến nghị Phòng Tài chính - Kế hoạch sớm thẩm định, phân bổ vốn cho {obj}.",
    "Đề nghị UBND {place} phối hợp vận động các hộ dân bàn giao mặt bằng trước ngày {day}/{month}/{year}.",
    "Đề xuất gia hạn thời gian hoàn thành đến hết tháng {month}/{year}.",
    "Đề nghị cấp trên tổ chức tập huấn chuyên sâu cho cán bộ phụ trách {obj}.",
]
NOTES = [
    "Đã hoàn thành {p}% khối lượng công việc theo kế hoạch; đang triển khai {part}.",
    "Tổ chức {k} hội nghị, lớp tập huấn cho {m} lượt cán bộ, người dân tại {place}.",
    "Nhà thầu huy động {k} máy móc, thiết bị và {m} nhân công thi công {part}.",
    "Đã giải ngân {v} tỷ đồng, đạt {p}% kế hoạch vốn được giao.",
    "Phối hợp với {agency} rà soát, thống nhất phương án; dự kiến hoàn thành trong tháng {month}.",
    "Kiểm tra thực tế tại {place}; {k} nội dung đã được khắc phục theo kết luận kiểm tra.",
    "Ban hành {k} văn bản hướng dẫn, đôn đốc các cơ quan, đơn vị triển khai thực hiện.",
    "Lũy kế đến nay đạt {p}% chỉ tiêu; {m} hộ gia đình được hưởng lợi trực tiếp.",
    "Tiếp nhận và giải quyết {m} hồ sơ, trong đó {k} hồ sơ giải quyết trước hạn.",
    "Đã nghiệm thu {part} giai đoạn {k}, chất lượng đạt yêu cầu thiết kế.",
]
DONE_NOTES = [
    "Đã hoàn thành toàn bộ khối lượng công việc, tổ chức nghiệm thu và bàn giao đưa vào sử dụng.",
    "Hoàn thành nhiệm vụ; báo cáo kết quả thực hiện đã gửi Văn phòng HĐND và UBND thành phố.",
    "Duy trì kết quả đạt được, tiếp tục theo dõi, đánh giá hiệu quả sau đầu tư.",
]
PAUSED_NOTES = ["Tạm dừng thực hiện để điều chỉnh chủ trương đầu tư theo ý kiến của Thường trực HĐND.",
                "Tạm dừng chờ kết quả thẩm định lại thiết kế kỹ thuật."]
CANCELLED_NOTES = ["Thôi thực hiện theo Kết luận của Ban Thường vụ; nguồn vốn chuyển sang nhiệm vụ khác."]
UNITS = [("km", 5, 40), ("tỷ đồng", 50, 900), ("hộ", 100, 2000), ("%", 60, 100), ("đảng viên", 50, 300),
         ("lớp", 5, 40), ("công trình", 3, 25)]

_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@`")


def slug(text: str) -> str:
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def scalar(text: str, flow: bool = False) -> str:
    """A YAML scalar that reads back as exactly ``text`` (a string); ``flow``: inside ``{...}`` or ``[...]``."""
    plain = (text and text[0] not in _PLAIN_BAD_START and not (flow and any(c in text for c in ",[]{}")) and text == text.strip() and "\n" not in text
             and ": " not in text and " #" not in text and not text.endswith(":")
             and not re.match(r"^[0-9.+\-]|^(?:true|false|yes|no|on|off|null|~)$", text, re.I))
    return text if plain else json.dumps(text, ensure_ascii=False)


def agencies_for(n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(id, name, bloc): the departments, then wards and communes, about 2·√N in all (at least 12)."""
    count = max(12, round(2 * math.sqrt(n)))
    found: list[tuple[str, str, str]] = []
    seen: set[str] = set()

    def add(bloc: str, name: str) -> None:
        ident = slug(name)
        if ident not in seen:
            seen.add(ident)
            found.append((ident, name, bloc))

    for bloc, name in DEPARTMENTS:
        if len(found) >= count:
            break
        add(bloc, name)
    for ward in WARDS:
        if len(found) >= count:
            break
        add("xa-phuong", f"Đảng ủy phường {ward}")
    combos = [f"{h} {t}" for h in PLACE_HEADS for t in PLACE_TAILS]
    rng.shuffle(combos)
    for place in combos:
        if len(found) >= count:
            break
        add("xa-phuong", f"Đảng ủy xã {place}")
    return found


def _fill(template: str, rng: random.Random, agency_names: list[str]) -> str:
    return template.format(
        p=rng.randint(10, 95), k=rng.randint(2, 15), m=rng.randint(20, 900), v=f"{rng.randint(1, 40)},{rng.randint(1, 9)}",
        part=rng.choice(PARTS), obj=rng.choice(OBJECTS), agency=rng.choice(agency_names),
        place=_place(rng), month=rng.randint(1, 12), day=rng.randint(1, 28), year=YEAR,
    )


def _place(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return f"tổ {rng.randint(1, 12)}, phường {rng.choice(WARDS)}"
    return f"bản {rng.choice(PLACE_HEADS)} {rng.choice(PLACE_TAILS)}, xã {rng.choice(PLACE_HEADS)} {rng.choice(PLACE_TAILS)}"


def _report_date(month: int, rng: random.Random) -> str:
    return f"{YEAR}-{month:02d}-{rng.randint(20, 28):02d}"


def _task(task_id: int, rng: random.Random, agencies: list[tuple[str, str, str]], names: list[str]) -> list[str]:
    lead = rng.choice(agencies)[0]
    obj = rng.choice(OBJECTS)
    title = f"{rng.choice(ACTIONS)} {obj} tại {_place(rng)}"
    if rng.random() < 0.3:
        title += f" theo Nghị quyết số {rng.randint(10, 250)}/NQ-HĐND"
    lines = [f"  - id: {task_id}", f"    title: {scalar(title)}", f"    group: {rng.choice(list(GROUPS))}",
             f"    lead: {lead}"]
    if rng.random() < 0.4:
        partners = sorted({a[0] for a in rng.sample(agencies, 2)} - {lead})
        if partners:
            lines.append(f"    partners: [{', '.join(partners)}]")
    target = f"Hoàn thành {obj} đạt **{rng.choice([80, 90, 95, 100])}%** kế hoạch năm {YEAR}, bảo đảm chất lượng, " \
             f"hiệu quả và đúng quy định."
    lines.append(f"    target: {scalar(target)}")
    # the story of the task: when it starts, whether it finishes, pauses or is cancelled
    fate = rng.random()
    start_month = 1 if rng.random() < 0.85 else rng.randint(2, 4)
    done_month = rng.randint(max(start_month + 2, 4), 12) if fate < 0.45 else None
    paused_from = rng.randint(7, 11) if 0.80 <= fate < 0.88 else None
    cancelled_from = rng.randint(9, 12) if 0.88 <= fate < 0.93 else None
    deadline_month = min(12, max(3, (done_month or rng.randint(6, 14)) + rng.randint(-2, 2)))
    lines.append(f"    deadline: {YEAR}-{deadline_month:02d}-{28 if deadline_month == 2 else 30}")
    measured = task_id % MEASURED_EVERY == 0
    if measured:
        unit, lo, hi = rng.choice(UNITS)
        goal = rng.randint(lo, hi)
        baseline = 0 if unit != "%" else rng.randint(20, 50)
        goal = max(goal, baseline + 10)
        lines.append(f"    measure: {{unit: {scalar(unit, True)}, target: {goal}, baseline: {baseline}}}")
        reach = goal * (1 if done_month else rng.uniform(0.4, 0.95))
    if rng.random() < 0.15:
        lines += ["    links:",
                  f"      - {{title: {scalar('Kế hoạch triển khai ' + obj, True)}, "
                  f"url: https://thanhpho.example.gov.vn/van-ban/{task_id}-{slug(obj)[:40]}}}"]
    lines.append("    reports:")
    final = rng.randint(40, 95)
    for month in range(1, REPORTS + 1):
        share = min(1.0, max(0.0, (month - start_month + 1) / ((done_month or 12) - start_month + 1)))
        if month < start_month:
            status, note = "not_started", "Đang chuẩn bị hồ sơ, thủ tục; chưa triển khai thực hiện."
        elif done_month and month >= done_month:
            status, note = "done", rng.choice(DONE_NOTES)
        elif cancelled_from and month >= cancelled_from:
            status, note = "cancelled", rng.choice(CANCELLED_NOTES)
        elif paused_from and month >= paused_from:
            status, note = "paused", rng.choice(PAUSED_NOTES)
        else:
            status = "in_progress"
            note = " ".join(_fill(rng.choice(NOTES), rng, names) for _ in range(rng.randint(1, 3)))
        lines += [f"      - date: {_report_date(month, rng)}", f"        status: {status}"]
        if status != "cancelled":
            if measured:
                amount = goal if status == "done" else baseline + (reach - baseline) * min(share, 0.99)
                lines.append(f"        value: {round(amount) if unit != 'tỷ đồng' else round(amount, 1)}")
            else:
                progress = 100 if status == "done" else 0 if status == "not_started" else \
                    min(99, round(final * (share if not done_month else share * 100 / final)))
                lines.append(f"        progress: {progress}")
        lines.append(f"        note: {scalar(note)}")
        if status == "in_progress" and rng.random() < 0.25:
            lines.append(f"        difficulties: {scalar(_fill(rng.choice(DIFFICULTIES), rng, names))}")
        if status == "in_progress" and rng.random() < 0.15:
            lines.append(f"        proposals: {scalar(_fill(rng.choice(PROPOSALS), rng, names))}")
    return lines


def generate(n: int, seed: int = 0) -> str:
    """The register text for ``n`` tasks."""
    rng = random.Random(seed)
    agencies = agencies_for(n, rng)
    names = [a[1] for a in agencies]
    out = [
        "# Sổ nhiệm vụ tổng hợp để đo hiệu năng (benchmarks/synth.py) — dữ liệu giả định.",
        "register:",
        f"  title: Chương trình công tác trọng tâm năm {YEAR} ({n:,} nhiệm vụ, dữ liệu giả định)".replace(",", "."),
        "  issuer: Ban Chấp hành Đảng bộ Thành phố",
        f"  issued: {YEAR - 1}-12-15",
        f"  start: {YEAR}-01-01",
        f"  end: {YEAR}-12-31",
        f"  as_of: {YEAR}-12-31",
        "  timezone: Asia/Ho_Chi_Minh",
        "  language: vi",
        "  description: |",
        "    **Dữ liệu giả định để đo hiệu năng — không phải số liệu thật.**",
        "",
        "    Các đơn vị báo cáo tiến độ hằng tháng, nêu rõ khó khăn, kiến nghị, đề xuất; cuối năm đánh giá,",
        "    xếp loại mức độ hoàn thành làm căn cứ thi đua, khen thưởng.",
        "  grading:",
        "    - {name: Hoàn thành xuất sắc, min: 90}",
        "    - {name: Hoàn thành tốt, min: 70}",
        "    - {name: Hoàn thành, min: 50}",
        "    - {name: Không hoàn thành, min: 0}",
        "",
        "blocs:",
        *(f"  {k}: {scalar(v)}" for k, v in BLOCS.items()),
        "",
        "agencies:",
        *(f"  {ident}: {{name: {scalar(name, True)}, bloc: {bloc}}}" for ident, name, bloc in agencies),
        "",
        "groups:",
        *(f"  {k}: {scalar(v)}" for k, v in GROUPS.items()),
        "",
        "tasks:",
    ]
    for task_id in range(1, n + 1):
        out += _task(task_id, rng, agencies, names)
    return "\n".join(out) + "\n"


def edit_one_report(text: str, task_id: int, report: int = 6) -> str:
    """The register with one report's ``progress`` of one task changed (by one point, staying below 100).

    ``task_id`` must not carry a measure and the report must be an open one (progress < 100).
    """
    start = text.index(f"\n  - id: {task_id}\n")
    end = text.find("\n  - id: ", start + 1)
    end = len(text) if end < 0 else end
    block = text[start:end]
    matches = list(re.finditer(r"\n        progress: (\d+)\n", block))
    if task_id % MEASURED_EVERY == 0 or not matches:
        raise ValueError(f"task {task_id} has no progress to edit")
    candidates = [m for m in matches if int(m.group(1)) < 99] or matches
    m = candidates[min(report, len(candidates) - 1)]
    old = int(m.group(1))
    new = old + 1 if old < 98 else old - 1
    edited = block[:m.start(1)] + str(new) + block[m.end(1):]
    return text[:start] + edited + text[end:]


def editable_task(n: int) -> int:
    """A task in the middle of the register without a measure."""
    task_id = max(1, n // 2 + 1)
    return task_id + 1 if task_id % MEASURED_EVERY == 0 else task_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("-o", "--out", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    text = generate(args.n, args.seed)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        size = len(text.encode("utf-8"))
        print(f"{args.out}: {args.n} tasks, {size:,} bytes ({size / 1048576:.1f} MiB)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
