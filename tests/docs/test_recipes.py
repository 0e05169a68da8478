"""The recipes in README.md and docs/*.md run as pasted. Every `sh` block there is marked, in the Markdown
itself, `<!-- recipe -->` (run here) or `<!-- not a recipe: why -->` (an install command, a long run), so
a doc writer sees which blocks this test runs. The recipes run against one real `mockserver` on a free
loopback port (only the base URL is rewritten), each with `bash -euo pipefail`, in a shuffled order: each
has a token of its own and starts its tenant from the fixtures, so none depends on another. A recipe checks
its own promises (`| grep -o '"status":"stopped"'` fails when the promised result is not there), so a
recipe that stops being true fails here, and fails for the reader who pastes it too."""

import os
import random
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DOCUMENTED_BASE = "http://127.0.0.1:8080"
RECIPE = "<!-- recipe -->"
NOT_A_RECIPE = re.compile(r"<!-- not a recipe: \S.* -->")
FENCE = re.compile(r"^```(sh|bash|shell|console)\s*$")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # 1-based line of the opening fence
    marker: str  # the last non-blank line before the fence
    text: str

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def shell_blocks() -> list[Block]:
    found = []
    for path in DOCUMENTS:
        lines = path.read_text().splitlines()
        i = 0
        while i < len(lines):
            if FENCE.match(lines[i]):
                end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
                before = next((lines[k].strip() for k in range(i - 1, -1, -1) if lines[k].strip()), "")
                found.append(Block(path, i + 1, before, "\n".join(lines[i + 1:end]) + "\n"))
                i = end
            i += 1
    return found


BLOCKS = shell_blocks()
RECIPES = [block for block in BLOCKS if block.marker == RECIPE]


def test_every_shell_block_says_whether_it_is_a_recipe():
    unmarked = [block.name for block in BLOCKS if block.marker != RECIPE and not NOT_A_RECIPE.fullmatch(block.marker)]
    assert not unmarked, f"mark each with {RECIPE} or <!-- not a recipe: why -->: {unmarked}"
    assert len(RECIPES) >= 8


def credentials(block: Block) -> set[str]:
    """The bearer tokens and BSG api keys (each api key logs in as a tenant of its own) a recipe uses."""
    return set(re.findall(r"Bearer ([^\s'\"$]+)", block.text)) | set(re.findall(r'"api_key":\s*"([^"]+)"', block.text))


def test_each_recipe_has_its_own_tenant_and_checks_itself():
    owners: dict[str, str] = {}
    for block in RECIPES:
        used = credentials(block)
        assert used, f"{block.name}: no token of its own"
        for credential in used:
            assert owners.setdefault(credential, block.name) == block.name, (
                f"{block.name} and {owners[credential]} share {credential!r}: one recipe would see the other's state")
        assert "/__mock/reset" in block.text, f"{block.name}: start the tenant from its fixtures, so it can run again"
        assert re.search(r"\| *grep ", block.text), f"{block.name}: no line checks what the recipe promises"


@pytest.fixture(scope="module")
def server():
    with ServerProcess() as running:
        yield running


def test_the_recipes_run_as_pasted_in_any_order(server):
    seed = int(os.environ.get("RECIPE_ORDER_SEED", random.randrange(10**6)))
    order = RECIPES[:]
    random.Random(seed).shuffle(order)
    for block in order:
        script = block.text.replace(DOCUMENTED_BASE, server.base_url)
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=60,
                              cwd=ROOT)
        assert done.returncode == 0, (
            f"{block.name} failed (exit {done.returncode}; order {[b.name for b in order]}, "
            f"RECIPE_ORDER_SEED={seed}):\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")
