"""The command-line interface: argument parsing and plain-text or JSON output."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import sys
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from lalabot import __version__
from lalabot.config import Settings
from lalabot.core.facts import Fact
from lalabot.errors import UserFacingError
from lalabot.service import ImportSummary, LalaService

__all__ = ["build_parser", "run_cli"]

log = logging.getLogger("lalabot")

Command = Callable[[argparse.Namespace, Settings, TextIO], Coroutine[Any, Any, int]]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lalabot", description="La La Land trivia: facts, lookups and quiz rounds."
    )
    parser.add_argument("--version", action="version", version=f"lalabot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("import", help="import seeds/ (default) or the given files and folders")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    p.set_defaults(handler=_cmd_import)

    p = sub.add_parser("facts", help="list facts")
    p.add_argument("--topic", "-t")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(handler=_cmd_facts)

    p = sub.add_parser("fact", help="print one random fact")
    p.add_argument("--topic", "-t")
    p.set_defaults(handler=_cmd_fact)

    p = sub.add_parser("search", help="look facts up, best first")
    p.add_argument("query", nargs="+", metavar="QUERY")
    p.add_argument("--limit", "-n", type=_bounded(1, 50), default=5, metavar="N")
    p.add_argument("--json", action="store_true", help="print a JSON array with scores")
    p.set_defaults(handler=_cmd_search)

    p = sub.add_parser("topics", help="the topics with their fact counts")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(handler=_cmd_topics)

    p = sub.add_parser("questions", help="list quiz questions")
    p.add_argument("--source", choices=("all", "curated", "generated"), default="all")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--check", action="store_true", help="check the curated bank; exit 1 if bad")
    p.set_defaults(handler=_cmd_questions)

    p = sub.add_parser("play", help="play a quiz round in this terminal")
    p.add_argument("--questions", "-n", type=_bounded(1, 50), default=10, metavar="N")
    p.add_argument("--topic", "-t")
    p.add_argument("--difficulty", choices=("easy", "medium", "hard"))
    p.add_argument("--seconds", type=_bounded(10, 120), default=20, metavar="S")
    p.add_argument("--typed", action="store_true", help="type answers instead of A-D")
    p.set_defaults(handler=_cmd_play)

    p = sub.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    p.set_defaults(handler=_cmd_run)

    p = sub.add_parser("sync", help="sync the slash commands with Discord now")
    p.add_argument("--guild", type=_snowflake, metavar="ID", help="sync to this server only")
    p.set_defaults(handler=_cmd_sync)
    return parser


def _loop_factory(command: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop for the long-running bot where it is installed (not on Windows): the same
    asyncio API, about 5% less CPU per interaction in bench/load.py. Otherwise asyncio's own."""
    if command != "run":
        return None
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _bounded(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        if not raw.strip().isdigit() or not low <= int(raw) <= high:
            raise argparse.ArgumentTypeError(f"must be a whole number from {low} to {high}")
        return int(raw)

    return parse


def _snowflake(raw: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 2**64:
        raise argparse.ArgumentTypeError(f"not a server id: {raw[:40]!r}")
    return int(raw)


def run_cli(argv: Sequence[str], env: Mapping[str, str], out: TextIO | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    stdout = out or sys.stdout
    try:
        settings = Settings.from_env(env)
    except UserFacingError as exc:
        print(f"lalabot: {exc.message}", file=sys.stderr)
        return 2
    level = settings.log_level_number
    if args.command == "play" and not env.get("LALABOT_LOG_LEVEL"):
        level = logging.WARNING  # the terminal is the game board
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    handler: Command = args.handler
    try:
        with asyncio.Runner(loop_factory=_loop_factory(args.command)) as runner:
            return runner.run(handler(args, settings, stdout))
    except UserFacingError as exc:
        print(f"lalabot: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _with_service(settings: Settings, work: Callable[[LalaService], Awaitable[int]]) -> int:
    service = await LalaService.open(settings)
    try:
        return await work(service)
    finally:
        await service.close()


def _print_json(value: object, out: TextIO) -> None:
    json.dump(value, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _format_fact(fact: Fact) -> str:
    flags = " [spoiler]" if fact.spoiler else ""
    return f"{fact.text}\n  — {', '.join(fact.topics)}{flags} · {fact.source} · {fact.id}"


def _format_import(summary: ImportSummary) -> str:
    lines = []
    for doc in summary.documents:
        if doc.status == "unchanged":
            lines.append(f"  {doc.name}: unchanged")
            continue
        detail = f"{doc.facts} facts ({doc.kind})"
        if doc.kind == "article":
            dropped = ", ".join(f"{n} {why}" for why, n in sorted(doc.dropped.items()))
            detail += f", {doc.sentences_kept} of {doc.sentences_total} sentences kept"
            if dropped:
                detail += f"; dropped: {dropped}"
        elif doc.dropped:
            detail += "; merged: " + ", ".join(f"{n} {w}" for w, n in sorted(doc.dropped.items()))
        lines.append(f"  {doc.name}: {detail}")
    lines.append(
        f"{len(summary.documents)} documents; facts added {summary.added}, kept {summary.kept},"
        f" removed {summary.removed}"
        + (
            f", {summary.skipped_duplicates} duplicates of other documents skipped"
            if summary.skipped_duplicates
            else ""
        )
        + f"; {summary.seconds:.2f} s"
    )
    return "\n".join(lines)


async def _cmd_import(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    async def work(service: LalaService) -> int:
        summary = await service.import_documents(args.paths or None)
        print(_format_import(summary), file=out)
        return 0

    return await _with_service(settings, work)


async def _cmd_facts(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    async def work(service: LalaService) -> int:
        facts = await service.list_facts(args.topic)
        if args.json:
            _print_json([f.to_json() for f in facts], out)
        else:
            for fact in facts:
                print(_format_fact(fact), file=out)
            print(f"{len(facts)} facts", file=out)
        return 0

    return await _with_service(settings, work)


async def _cmd_fact(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    async def work(service: LalaService) -> int:
        fact = await service.random_fact(random.Random(), args.topic)
        print(_format_fact(fact), file=out)
        return 0

    return await _with_service(settings, work)


async def _cmd_topics(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    async def work(service: LalaService) -> int:
        topics = await service.topics()
        if args.json:
            _print_json(
                [
                    {"slug": t.slug, "name": t.name, "description": t.description, "facts": n}
                    for t, n in topics
                ],
                out,
            )
        else:
            width = max(len(t.name) for t, _ in topics)
            for topic, count in topics:
                print(f"{topic.name:<{width}}  {count:>4}  ({topic.slug})", file=out)
        return 0

    return await _with_service(settings, work)


async def _cmd_run(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from lalabot.bot.runner import run_bot  # discord.py is only imported for the bot

    return await run_bot(settings)


async def _cmd_sync(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from lalabot.bot.runner import force_sync

    print(await force_sync(settings, args.guild), file=out)
    return 0


async def _cmd_questions(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    async def work(service: LalaService) -> int:
        if args.check:
            problems = await service.check_questions()
            for problem in problems:
                print(problem, file=out)
            print(f"{len(problems)} problems", file=out)
            return 1 if problems else 0
        questions = await service.list_questions(args.source)
        if args.json:
            _print_json([q.to_json() for q in questions], out)
            return 0
        for q in questions:
            flag = ", spoiler" if q.spoiler else ""
            print(f"[{q.id}] ({q.topic}, {q.difficulty}{flag}) {q.question}", file=out)
            print(f"    -> {q.answer}   (choices: {' | '.join(q.choices)})", file=out)
        print(f"{len(questions)} questions", file=out)
        return 0

    return await _with_service(settings, work)


async def _cmd_play(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from lalabot.console import play, stdin_lines
    from lalabot.quiz_service import RoundOptions

    options = RoundOptions(
        questions=args.questions,
        topic=args.topic,
        difficulty=args.difficulty,
        seconds=args.seconds,
        mode="typed" if args.typed else "buttons",
    )

    async def work(service: LalaService) -> int:
        await play(service, options, lines=stdin_lines(), out=out)
        return 0

    return await _with_service(settings, work)


async def _cmd_search(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    query = " ".join(args.query)

    async def work(service: LalaService) -> int:
        result = await service.search(query, limit=args.limit)
        if args.json:
            _print_json(
                [{**s.fact.to_json(), "score": round(s.score, 4)} for s in result.facts], out
            )
            return 0
        if not result.facts:
            hint = f" Did you mean {', '.join(result.suggestions)}?" if result.suggestions else ""
            print(f"Nothing found for {query!r}.{hint}", file=out)
            return 0
        if result.corrected_query and result.corrected_query != query:
            print(f"(showing results for {result.corrected_query!r})", file=out)
        for scored in result.facts:
            print(f"[{scored.score:.2f}] {_format_fact(scored.fact)}", file=out)
        print(f"{len(result.facts)} of {result.total} facts", file=out)
        return 0

    return await _with_service(settings, work)
