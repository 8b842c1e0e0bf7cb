"""The offline CLI announces, reveals and verifies without a database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from shuangsuiji.drawengine import DrawError
from shuangsuiji.drawengine.cli import main, parse_rates

from .helpers import codes

IDS = codes(120, 31)


def write_roster(path: Path, rows: list[tuple[str, str]], encoding: str = "utf-8") -> Path:
    text = "credit_code,risk_class\n" + "".join(f"{c},{r}\n" for c, r in rows)
    path.write_bytes(text.encode(encoding))
    return path


def roster_rows() -> list[tuple[str, str]]:
    return [(c, "ABC"[i % 3]) for i, c in enumerate(IDS)]


def write_lists(tmp: Path) -> tuple[Path, Path]:
    inspectors = tmp / "inspectors.csv"
    rows = ["certificate_no,department,may_lead,valid_from,valid_to,unavailable"]
    rows += [f"WL{i},WL,是,2020-01-01,2026-12-31," for i in range(4)]
    rows += [f"SC{i},SC,0,,,2023-09-01~2023-09-05" for i in range(3)]
    rows += ["SC9,SC,0,,,2023-07-15~2023-07-16"]  # unavailable in the window
    inspectors.write_text("\n".join(rows) + "\n", encoding="gbk")
    conflicts = tmp / "conflicts.csv"
    conflicts.write_text(f"certificate_no,credit_code\nWL0,{IDS[0]}\n", encoding="utf-8-sig")
    return inspectors, conflicts


def announce(tmp: Path, *extra: str, roster: Path | None = None) -> int:
    roster = roster or write_roster(tmp / "roster.csv", roster_rows())
    return main([
        "announce", "--roster", str(roster), "--rates", "A=1%,B=3%,C=10%", "--code", "2023-XH-01",
        "--beacon-source", "福利彩票 3D 第 2023172 期", "--announced-at",
        "2023-06-30T09:00:00+08:00", "--out", str(tmp / "announcement.json"), *extra,
    ])  # fmt: skip


def test_rates_are_parsed_to_basis_points():
    assert parse_rates("a=1%, B=3%，C=10%") == {"A": 100, "B": 300, "C": 1000}
    assert parse_rates("A=0.5%,B=25bp") == {"A": 50, "B": 25}
    for bad in ("A=1", "A=0.001%", "A=x%", "A=1%,A=2%"):
        with pytest.raises(DrawError):
            parse_rates(bad)


def test_announce_reveal_verify_round_trip(tmp_path, capsys):
    assert announce(tmp_path) == 0
    ann = tmp_path / "announcement.json"
    assert main(["reveal", str(ann), "--beacon", " 9319 / 2 5 8 10 12 ", "--beacon-kind",
                 "lottery", "--out", str(tmp_path / "record.json")]) == 0  # fmt: skip
    record = json.loads((tmp_path / "record.json").read_text(encoding="utf-8"))
    assert record["beacon"] == "9319./2.5.8.10.12./"
    capsys.readouterr()
    assert main(["verify", str(tmp_path / "record.json")]) == 0
    assert capsys.readouterr().out.strip() == "OK"


def test_verify_prints_the_first_mismatch_and_exits_one(tmp_path, capsys):
    announce(tmp_path)
    main(
        [
            "reveal",
            str(tmp_path / "announcement.json"),
            "--beacon",
            "x",
            "--out",
            str(tmp_path / "r.json"),
        ]
    )
    record = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    record["strata"]["C"]["selected"][0]["id"] = record["strata"]["C"]["substitute_order"][0]["id"]
    (tmp_path / "bad.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(tmp_path / "bad.json")]) == 1
    out = capsys.readouterr().out
    assert "selected" in out and "第 1 项" in out


def test_a_gbk_roster_with_inspectors_and_conflicts_works(tmp_path, capsys):
    roster = write_roster(tmp_path / "gbk.csv", roster_rows(), encoding="gbk")
    inspectors, conflicts = write_lists(tmp_path)
    lists = ["--inspectors", str(inspectors), "--conflicts", str(conflicts)]
    assert announce(tmp_path, *lists, "--leader-dept", "WL", "--member-dept", "SC",
                    "--window", "2023-07-10:2023-08-31", roster=roster) == 0  # fmt: skip
    ann = json.loads((tmp_path / "announcement.json").read_text(encoding="utf-8"))
    assert ann["inspectors"]["pool_size"] == 8 and ann["inspectors"]["conflicts_count"] == 1
    out = str(tmp_path / "record.json")
    assert (
        main(
            ["reveal", str(tmp_path / "announcement.json"), "--beacon", "42", *lists, "--out", out]
        )
        == 0
    )
    record = json.loads(Path(out).read_text(encoding="utf-8"))
    members = {m for t in record["assignment"]["teams"] for m in t["members"]["SC"]}
    assert "SC9" not in members
    assert main(["verify", out, *lists]) == 0
    assert main(["verify", out]) == 0  # assignment not checked without lists, says so
    assert "未核验" in capsys.readouterr().err


def test_reveal_refuses_lists_that_do_not_match_the_announcement(tmp_path, capsys):
    inspectors, conflicts = write_lists(tmp_path)
    announce(tmp_path, "--inspectors", str(inspectors), "--conflicts", str(conflicts),
             "--leader-dept", "WL", "--member-dept", "SC", "--window", "2023-07-10:2023-08-31")  # fmt: skip
    conflicts.write_text(f"certificate_no,credit_code\nWL1,{IDS[0]}\n", encoding="utf-8")
    code = main(["reveal", str(tmp_path / "announcement.json"), "--beacon", "1", "--inspectors",
                 str(inspectors), "--conflicts", str(conflicts), "--out", str(tmp_path / "r.json")])  # fmt: skip
    assert code == 2 and "conflicts_digest" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([(IDS[0], "A"), (IDS[0].lower(), "B")], "重复"),
        ([(IDS[0][:-1] + ("0" if IDS[0][-1] != "0" else "1"), "A")], "校验位"),
        ([("914104021", "A")], "18 位"),
    ],
)
def test_invalid_or_duplicate_codes_stop_announce(tmp_path, capsys, rows, message):
    roster = write_roster(tmp_path / "bad.csv", rows)
    assert announce(tmp_path, roster=roster) == 2
    err = capsys.readouterr().err
    assert message in err and ("第 2 行" in err or "第 3 行" in err)
    assert not (tmp_path / "announcement.json").exists()


def test_a_bom_roster_and_the_module_entry_point_work(tmp_path):
    roster = write_roster(tmp_path / "bom.csv", roster_rows(), encoding="utf-8-sig")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "shuangsuiji.drawengine.cli", "announce", "--roster", str(roster),
         "--rates", "A=1%,B=3%,C=10%", "--code", "X", "--beacon-source", "dice",
         "--out", str(tmp_path / "a.json")],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "公告摘要" in done.stdout


def test_the_engine_never_imports_django():
    root = Path(__file__).resolve().parents[2]
    code = "import sys, shuangsuiji.drawengine.cli; print(any(m.startswith('django') for m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
    for path in (root / "shuangsuiji" / "drawengine").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, path


def test_a_dice_draw_with_commitments_round_trips_through_the_cli(tmp_path, capsys):
    from shuangsuiji.drawengine import commitment_of, new_secret

    wl, sc = new_secret(), new_secret()
    assert announce(
        tmp_path, "--beacon-kind", "dice", "--beacon-not-before", "2023-07-01T10:00:00+08:00",
        "--commitment", f"WL={commitment_of(wl)}", "--commitment", f"SC={commitment_of(sc)}",
    ) == 0  # fmt: skip
    ann, out = str(tmp_path / "announcement.json"), str(tmp_path / "record.json")
    early = ["--revealed-at", "2023-07-01T09:59:00+08:00"]
    base = ["reveal", ann, "--beacon", "3 1 4 1 5", "--out", out]
    capsys.readouterr()
    assert main([*base, "--secret", f"WL={wl}", "--secret", f"SC={sc}", *early]) == 2
    assert "早于公告规定的最早揭晓时间" in capsys.readouterr().err
    on_time = ["--revealed-at", "2023-07-01T10:00:00+08:00"]
    assert main([*base, "--secret", f"WL={wl}", "--secret", f"SC={wl}", *on_time]) == 2
    assert "部门 SC 的承诺不符" in capsys.readouterr().err
    assert main([*base, "--secret", f"WL={wl}", *on_time]) == 2
    assert "部门 SC 尚未揭示秘密值" in capsys.readouterr().err
    assert main([*base, "--secret", f"SC={sc}", "--secret", f"WL={wl}", *on_time]) == 0
    record = json.loads(Path(out).read_text(encoding="utf-8"))
    assert record["beacon"] == "31415" and record["secrets"] == [wl, sc]
    assert main(["verify", out]) == 0


def test_the_secret_command_prints_a_secret_and_its_commitment(capsys):
    import hashlib

    assert main(["secret"]) == 0
    lines = capsys.readouterr().out.splitlines()
    secret, commitment = (line.rsplit(" ", 1)[1] for line in lines)
    assert len(secret) == 64 and hashlib.sha256(secret.encode()).hexdigest() == commitment


def test_ssj_draw_starts_without_django_threads_pools_or_multiprocessing():
    code = (
        "import sys; from shuangsuiji.cli import main; main(['draw', '--help']); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'django', 'multiprocessing', 'concurrent', 'secrets', 'pickle'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_revealed_record_carries_the_canonical_announcement_on_one_line(tmp_path):
    import hashlib

    assert announce(tmp_path) == 0
    out = tmp_path / "record.json"
    assert (
        main(["reveal", str(tmp_path / "announcement.json"), "--beacon", "x", "--out", str(out)])
        == 0
    )
    raw = out.read_bytes()
    line = raw.split(b"\n")[2]
    assert line.startswith(b' "announcement": {')
    record = json.loads(raw)
    assert (
        hashlib.sha256(line.split(b": ", 1)[1].rstrip(b",")).hexdigest()
        == record["announcement_digest"]
    )
    assert main(["verify", str(out)]) == 0
