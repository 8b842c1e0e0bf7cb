"""`ssj --help` and every subcommand and option of every command explain themselves in Chinese."""

from __future__ import annotations

import argparse
import re

import pytest

from shuangsuiji import cli

HAN = re.compile(r"[\u4e00-\u9fff]")


def _parsers(parser: argparse.ArgumentParser, prog: str):
    yield prog, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, f"{prog} {name}")


def _undocumented(parser: argparse.ArgumentParser, prog: str) -> list[str]:
    missing = []
    for prog_name, p in _parsers(parser, prog):
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    if not HAN.search(choice.help or ""):
                        missing.append(f"{prog_name} {choice.dest}")
                continue
            if not HAN.search(action.help or ""):
                missing.append(f"{prog_name} {'/'.join(action.option_strings) or action.dest}")
    return missing


def all_parsers():
    from shuangsuiji.drawengine.cli import _parser as draw_parser

    cli.chinese_argparse()
    yield "ssj serve", cli.serve_parser()
    yield "ssj draw", cli.localise_parser(draw_parser())
    for name in cli.SHORTCUTS:
        yield f"ssj {name}", cli.command_parser(name)[1]


def test_the_top_level_help_is_chinese(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "用法" in out
    for name in ["serve", "draw", *cli.SHORTCUTS]:
        assert re.search(rf"^  {re.escape(name)}\s+\S*[\u4e00-\u9fff]", out, re.M), name


@pytest.mark.django_db
def test_every_option_of_every_command_has_chinese_help():
    missing = []
    for prog, parser in all_parsers():
        missing += _undocumented(parser, prog)
    assert missing == []


@pytest.mark.django_db
def test_a_command_help_page_has_chinese_headings(capsys):
    with pytest.raises(SystemExit):
        cli.main(["plan", "import", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：ssj plan import")
    assert "选项" in out and "显示帮助并退出" in out
    assert "show this help" not in out and "usage:" not in out
