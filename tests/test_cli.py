from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lalabot.cli import run_cli


def _env(tmp_path: Path, seeds: Path) -> dict[str, str]:
    return {
        "LALABOT_DB_PATH": str(tmp_path / "cli.db"),
        "LALABOT_SEEDS_DIR": str(seeds),
        "LALABOT_LOG_LEVEL": "WARNING",
    }


def _run(argv: list[str], env: dict[str, str]) -> tuple[int, str]:
    out = io.StringIO()
    code = run_cli(argv, env, out)
    return code, out.getvalue()


def test_fact_works_on_an_empty_database(tmp_path: Path, seeds_copy: Path) -> None:
    code, out = _run(["fact"], _env(tmp_path, seeds_copy))
    assert code == 0
    assert len(out.strip()) > 20


def test_facts_json_shape(tmp_path: Path, seeds_copy: Path) -> None:
    code, out = _run(["facts", "--json", "--topic", "awards"], _env(tmp_path, seeds_copy))
    assert code == 0
    facts = json.loads(out)
    assert facts
    for fact in facts:
        assert set(fact) == {"id", "text", "topics", "entities", "spoiler", "source"}
        assert "awards" in fact["topics"]
        assert isinstance(fact["entities"], list)
        assert isinstance(fact["spoiler"], bool)


def test_topics_json_lists_the_taxonomy(tmp_path: Path, seeds_copy: Path) -> None:
    code, out = _run(["topics", "--json"], _env(tmp_path, seeds_copy))
    assert code == 0
    topics = json.loads(out)
    assert len(topics) == 12
    assert sum(t["facts"] for t in topics) >= 250


def test_import_prints_a_summary_then_unchanged(tmp_path: Path, seeds_copy: Path) -> None:
    env = _env(tmp_path, seeds_copy)
    code, out = _run(["import"], env)
    assert code == 0
    assert "2 documents" in out
    assert "added" in out
    code, out = _run(["import"], env)
    assert code == 0
    assert out.count("unchanged") == 2
    assert "added 0, kept 0, removed 0" in out


def test_import_of_a_bad_file_fails_naming_it(
    tmp_path: Path, seeds_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "blob.txt"
    bad.write_bytes(b"\x00\x01\x02")
    code, _ = _run(["import", str(bad)], _env(tmp_path, seeds_copy))
    assert code != 0
    assert "blob.txt" in capsys.readouterr().err


def test_unknown_topic_is_a_clear_error(
    tmp_path: Path, seeds_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _run(["fact", "--topic", "nonsense"], _env(tmp_path, seeds_copy))
    assert code == 2
    assert "no topic" in capsys.readouterr().err


def test_invalid_setting_names_the_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _run(["fact"], {"LALABOT_LOG_LEVEL": "loud"})
    assert code == 2
    assert "LALABOT_LOG_LEVEL" in capsys.readouterr().err


def test_the_console_script_runs_as_a_module(tmp_path: Path, seeds_copy: Path) -> None:
    env = {**_env(tmp_path, seeds_copy), "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "lalabot", "fact"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_questions_json_shape_and_sources(tmp_path: Path, seeds_copy: Path) -> None:
    env = _env(tmp_path, seeds_copy)
    code, out = _run(["questions", "--json", "--source", "curated"], env)
    assert code == 0
    curated = json.loads(out)
    assert len(curated) >= 200
    keys = {
        "id",
        "question",
        "answer",
        "aliases",
        "choices",
        "topic",
        "difficulty",
        "spoiler",
        "fact_id",
        "source",
    }
    assert all(set(q) == keys for q in curated)
    assert {q["source"] for q in curated} == {"curated"}
    assert all(len(q["choices"]) == 4 and q["answer"] in q["choices"] for q in curated)
    code, out = _run(["questions", "--json", "--source", "generated"], env)
    assert code == 0
    assert {q["source"] for q in json.loads(out)} == {"generated"}


def test_questions_check_passes_on_the_shipped_bank(tmp_path: Path, seeds_copy: Path) -> None:
    code, out = _run(["questions", "--check"], _env(tmp_path, seeds_copy))
    assert code == 0, out
    assert out.strip().endswith("0 problems")


def test_questions_check_fails_when_a_source_fact_is_gone(tmp_path: Path, seeds_copy: Path) -> None:
    (seeds_copy / "la_la_land_ending_article.txt").unlink()
    code, out = _run(["questions", "--check"], _env(tmp_path, seeds_copy))
    assert code != 0
    assert "problems" in out


def test_play_in_a_terminal_with_no_input_ends_cleanly(tmp_path: Path, seeds_copy: Path) -> None:
    env = {**_env(tmp_path, seeds_copy), "PATH": ""}
    env.pop("LALABOT_LOG_LEVEL")
    result = subprocess.run(
        [sys.executable, "-m", "lalabot", "play", "--questions", "2"],
        input="",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Question 1 of 2" in result.stdout
    assert "Round over" in result.stdout
    assert "INFO" not in result.stderr


def test_search_json_is_best_first_with_scores(tmp_path: Path, seeds_copy: Path) -> None:
    env = _env(tmp_path, seeds_copy)
    code, out = _run(["search", "what", "car", "does", "sebastian", "drive", "--json"], env)
    assert code == 0
    facts = json.loads(out)
    assert 1 <= len(facts) <= 5
    assert all(
        set(f) == {"id", "text", "topics", "entities", "spoiler", "source", "score"} for f in facts
    )
    scores = [f["score"] for f in facts]
    assert scores == sorted(scores, reverse=True)
    assert "Buick" in facts[0]["text"] or "car" in facts[0]["text"].lower()
    code, out = _run(["search", "gossling", "piano", "--limit", "2", "--json"], env)
    assert code == 0
    found = json.loads(out)
    assert len(found) == 2
    assert "Gosling" in found[0]["text"]


def test_search_refuses_hostile_queries_clearly(
    tmp_path: Path, seeds_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = _env(tmp_path, seeds_copy)
    code, out = _run(["search", '"NEAR(piano', "text:*", "--json"], env)
    assert code == 0
    json.loads(out)
    code, _ = _run(["search", "x" * 4000], env)
    assert code == 2
    assert "at most 200" in capsys.readouterr().err


def test_the_bot_runs_on_uvloop_where_it_is_installed() -> None:
    from lalabot.cli import _loop_factory

    uvloop = pytest.importorskip("uvloop")
    assert _loop_factory("run") is uvloop.new_event_loop
    assert _loop_factory("import") is None  # short commands keep asyncio's own loop
