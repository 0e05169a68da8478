"""Where a server's time goes under load: summarise a py-spy `--format raw` recording (collapsed stacks,
one `frame;frame;...;leaf count` line per distinct stack) into the shares that matter for mockserver.

run.py --profile records one per measured scenario (py-spy is not a project dependency: install it where
you profile, e.g. `pip install py-spy`). Also usable alone: `python benchmarks/pyspy_summary.py FILE.txt`.

Each busy sample is given to one phase of a request: the phase of the frame nearest the leaf that names
one (so the access log inside the response send counts as logging, a tenant lookup inside the request
checks as the tenant lookup); only a sample in no phase falls back to the layer it is in (edge, Starlette,
uvicorn). The phases add up to 100%. Idle time (the event loop waiting) is not sampled.
py-spy writes frames as `Class.function (package/module.py:line)`.
"""

import re
import sys
from collections import Counter
from pathlib import Path

# (phase, a regex over one frame), most specific first.
PHASES: tuple[tuple[str, str], ...] = (
    ("access log (uvicorn -> logging)", r"\(logging/"),
    ("tenant lookup (Tenants.get)", r"^Tenants\.get \("),
    ("journal (control/journal)", r"^Journal\."),
    ("handler + provider state (providers/)", r"\(mockserver/providers/"),
    ("response contract check (edge.checked)", r"^ApiEndpoint\.checked \("),
    ("request checks: auth, params, body read + validation (edge.prepare)", r"^ApiEndpoint\.prepare \("),
    ("contract routing (Contract.match)", r"^Contract\.match \("),
    ("JSON encoding (json_response, orjson)", r"^json_response \("),
    # Mostly the socket write: on loopback the kernel wakes wrk inside it, and on 2 shared cores the
    # server then often waits there for a CPU (py-spy counts a runnable thread as busy).
    ("response send (socket write syscall: loopback TCP work is charged here; unpinned, also waiting for a CPU)",
     r"^(Response\.__call__ \(starlette/|RequestResponseCycle\.send \(uvicorn/)"),
)
# Where a sample goes when no phase above names any of its frames (again the frame nearest the leaf).
FALLBACKS: tuple[tuple[str, str], ...] = (
    ("mockserver edge, rest (ApiEndpoint)", r"\(mockserver/edge\.py"),
    ("mockserver app wrapper (app.py)", r"^MockServerApp\."),
    ("Starlette middleware + routing", r"\(starlette/"),
    ("uvicorn + httptools (parsing, protocol)", r"\(uvicorn/"),
)
_TIERS = tuple(tuple((label, re.compile(pattern)) for label, pattern in tier) for tier in (PHASES, FALLBACKS))


def read(path: Path) -> Counter[tuple[str, ...]]:
    stacks: Counter[tuple[str, ...]] = Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[tuple(stack.split(";"))] += int(count)
    return stacks


EVENT_LOOP = "event loop (uvloop C code under Runner.run: socket reads, callbacks, scheduling)"


def phase(stack: tuple[str, ...]) -> str:
    # uvloop is C: its own work shows as the Python frame that runs the loop, with nothing below it.
    if stack and stack[-1].startswith("Runner.run (asyncio/"):
        return EVENT_LOOP
    for tier in _TIERS:
        for frame in reversed(stack):
            for label, regex in tier:
                if regex.search(frame):
                    return label
    return "other"


def phases(stacks: Counter[tuple[str, ...]]) -> list[tuple[str, float]]:
    total = sum(stacks.values()) or 1
    found: Counter[str] = Counter()
    for stack, count in stacks.items():
        found[phase(stack)] += count
    return [(label, 100 * count / total) for label, count in found.most_common()]


def packages(stacks: Counter[tuple[str, ...]]) -> list[tuple[str, float]]:
    """Self time by the top-level package of the leaf frame."""
    total = sum(stacks.values()) or 1
    found: Counter[str] = Counter()
    for stack, count in stacks.items():
        match = re.search(r"\(([^/:<]+)[/.]", stack[-1])
        found[match.group(1) if match else stack[-1].split(" (")[-1].rstrip(")")] += count
    return [(name, 100 * count / total) for name, count in found.most_common(8)]


def _short(frame: str) -> str:
    """`function (…/package/module.py:line)` -> `function (package/module.py)`."""
    match = re.match(r"(.*) \((.*):\d+\)$", frame)
    if not match:
        return frame
    function, file = match.groups()
    parts = Path(file).parts
    return f"{function} ({'/'.join(parts[-2:])})"


def top_self(stacks: Counter[tuple[str, ...]], n: int = 12) -> list[tuple[str, float]]:
    """Where the CPU actually is: the leaf frames (self time), grouped by function and file."""
    total = sum(stacks.values()) or 1
    leaves: Counter[str] = Counter()
    for stack, count in stacks.items():
        leaves[_short(stack[-1])] += count
    return [(name, 100 * count / total) for name, count in leaves.most_common(n)]


def top_inclusive(stacks: Counter[tuple[str, ...]], n: int = 12, within: str = "(mockserver/") -> list[tuple[str, float]]:
    """Functions of `within` by inclusive time (counted once a sample even if recursive), leaving out the
    ones every request passes through (the entry points)."""
    total = sum(stacks.values()) or 1
    inclusive: Counter[str] = Counter()
    for stack, count in stacks.items():
        for name in {_short(frame) for frame in stack if within in frame}:
            inclusive[name] += count
    return [(name, 100 * count / total) for name, count in inclusive.most_common()
            if count < 0.85 * total][:n]


def summary(path: Path, cpu_us: float | None = None) -> str:
    """The tables; with the server's CPU time per request, each phase also in µs per request (a fair
    reading when the server had a core to itself: run.py --pin)."""
    stacks = read(path)
    lines = [f"{sum(stacks.values())} busy samples", ""]
    if cpu_us:
        lines += [f"| phase of a request | share of busy samples | ≈ µs of {cpu_us:.0f} µs/request |", "|---|---|---|"]
        lines += [f"| {label} | {share:.1f}% | {share * cpu_us / 100:.0f} |" for label, share in phases(stacks)]
    else:
        lines += ["| phase of a request | share of busy samples |", "|---|---|"]
        lines += [f"| {label} | {share:.1f}% |" for label, share in phases(stacks)]
    lines += ["", "| package (self time) | share |", "|---|---|"]
    lines += [f"| {name} | {share:.1f}% |" for name, share in packages(stacks)]
    lines += ["", "| self time (leaf frame) | share |", "|---|---|"]
    lines += [f"| {name} | {share:.1f}% |" for name, share in top_self(stacks)]
    lines += ["", "| mockserver function, inclusive | share |", "|---|---|"]
    lines += [f"| {name} | {share:.1f}% |" for name, share in top_inclusive(stacks)]
    return "\n".join(lines)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"### {name}\n\n{summary(Path(name))}\n")
