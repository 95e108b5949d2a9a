"""docs/assistance.md cannot drift from the code: every published example is run through the real ``minzheng assess``
console script (a subprocess, against a freshly migrated database holding the policy app's demo parameters) and
its output must equal the document's; the reason-code table must equal ``reasons.LABELS``."""

from __future__ import annotations

import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from minzheng.assistance.determination import PROGRAMS
from minzheng.assistance.reasons import LABELS
from minzheng.assistance.tests.test_assess_command import ROOT, console_script, script_env

DOC = ROOT / "docs" / "assistance.md"
_EXAMPLE = re.compile(r"<!-- example: (?P<name>[a-z0-9-]+) -->(?P<body>.*?)(?=<!-- example:|\n## |\Z)", re.S)
_JSON_BLOCK = re.compile(r"```json\n(.*?)\n```", re.S)


def published_examples() -> dict[str, tuple[dict, dict]]:
    """{name: (input, expected output)}: the two JSON blocks following each ``<!-- example: name -->``."""
    examples = {}
    for match in _EXAMPLE.finditer(DOC.read_text(encoding="utf-8")):
        blocks = _JSON_BLOCK.findall(match["body"])
        assert len(blocks) == 2, f"example {match['name']} needs an input and an output block"
        examples[match["name"]] = (json.loads(blocks[0]), json.loads(blocks[1]))
    return examples


EXAMPLES = published_examples()


@pytest.fixture(scope="module")
def script_runs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """Every example run through ``minzheng assess FILE.json`` (the real console script, one process per example,
    several at a time) against a throwaway SQLite database that the console script migrated: the policy
    migrations load the demo parameter values."""
    directory = tmp_path_factory.mktemp("assess-examples")
    env = script_env(DATABASE_URL=f"sqlite:///{directory / 'demo.sqlite3'}")
    subprocess.run([str(console_script()), "migrate", "-v", "0"], env=env, cwd=ROOT, check=True, timeout=300,
                   capture_output=True)

    def run(name: str) -> subprocess.CompletedProcess:
        path = directory / f"{name}.json"
        path.write_text(json.dumps(EXAMPLES[name][0], ensure_ascii=False), encoding="utf-8")
        return subprocess.run([str(console_script()), "assess", str(path)], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return dict(zip(EXAMPLES, pool.map(run, EXAMPLES), strict=True))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_published_example_matches_the_console_script(name, script_runs):
    """Given a published example's input, when ``minzheng assess FILE.json`` runs, then it exits 0 and prints
    exactly the published output, indented with Chinese unescaped."""
    completed = script_runs[name]
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == EXAMPLES[name][1]
    assert completed.stdout.startswith('{\n  "as_of"')


def test_there_is_an_example_for_every_program():
    """At least ten examples, and every program is granted in at least one of them."""
    assert len(EXAMPLES) >= 10
    granted = {decision["program"] for _, output in EXAMPLES.values()
               for decision in output["decisions"] if decision["eligible"]}
    assert granted == set(PROGRAMS)


def test_reason_code_table_matches_the_labels():
    """The document's reason-code table lists every code with its label, and nothing else."""
    rows = re.findall(r"^\| `([a-z0-9_]+)` \| ([^|]+?) \|$", DOC.read_text(encoding="utf-8"), re.M)
    assert dict(rows) == {str(code): label for code, label in LABELS.items()}
