"""The performance benchmark: mockserver (strict contract validation on) against the floor of its own
stack (a bare Starlette app on uvicorn), both loaded by wrk on 127.0.0.1, each alone.

    python benchmarks/run.py            # the full run, about 2-3 minutes
    python benchmarks/run.py --quick    # about 1 s a scenario: proves it works, numbers are rough
    python benchmarks/run.py --smoke    # one tiny scenario, no warm-up, floor or scale: the test suite's check

It installs wrk (Debian's package) if missing, then prints: the machine; start-up time and idle memory;
one row per scenario (req/s, p50, p99, peak RSS of the server, ratio to the floor measured in the same
run, non-2xx answers, proof that state moved); memory and timings with 100,000 campaigns. The scenarios
are data in benchmarks/scenarios.py. See docs/performance.md for the latest results.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyspy_summary
from load import WRK_MISSING, ensure_wrk
from measure import FLOOR, Results, machine_facts, measure_floor, measure_scenario, measure_startup, profile_file, pyspy
from modes import FULL, QUICK, SMOKE, SMOKE_SCENARIO
from report import as_json, report
from scale import measure_scale
from sharded import measure_sharded
from scenarios import SCENARIOS
from servers import LAUNCHER, PIN, discovered
from servers import Client, free_port, mockserver, serve, write_fixtures  # noqa: F401 - benchmarks/ui_first_page.py imports them from here


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="about 1 s a scenario, few campaigns: a smoke run")
    parser.add_argument("--smoke", action="store_true",
                        help=f"only '{SMOKE_SCENARIO}' for 1 s: no warm-up, start-up, floor or scale (a few seconds)")
    parser.add_argument("--only", action="append", default=[],
                        help="run only scenarios whose name contains this text (repeatable)")
    parser.add_argument("--no-scale", action="store_true", help="skip the 100,000-campaign measurements")
    parser.add_argument("--no-sharded", action="store_true",
                        help="skip the sharded figure (many tenants through --shards 2 against one process)")
    parser.add_argument("--sharded", action="store_true",
                        help="only the sharded figure (with --quick: 1 s a layout)")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--profile", type=Path, metavar="DIR",
                        help="record each measured mockserver run with py-spy (not a project dependency: "
                             "pip install py-spy) into DIR, and print where the time goes")
    parser.add_argument("--launcher", type=Path, metavar="FILE",
                        help="run this Python file instead of `-m mockserver` (same arguments): to measure an "
                             "experiment, e.g. one that patches a function before calling mockserver.cli.main")
    parser.add_argument("--pin", action="store_true",
                        help="pin each server to CPU 0 and wrk to the other CPUs (default: they share all cores)")
    parser.add_argument("--ensure-wrk", action="store_true",
                        help=f"only make sure wrk is installed; exit {WRK_MISSING} with the reason if it cannot be")
    args = parser.parse_args(argv)
    missing = ensure_wrk()
    if missing:
        print(f"cannot benchmark: {missing}", file=sys.stderr)
        return WRK_MISSING
    if args.ensure_wrk:
        return 0
    mode = SMOKE if args.smoke else QUICK if args.quick else FULL
    if args.launcher:
        LAUNCHER[:] = [str(args.launcher.resolve())]
    if args.pin:
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            print("--pin needs 2 CPUs", file=sys.stderr)
            return 1
        PIN.update(server={cpus[0]}, wrk=set(cpus[1:]))
    if args.profile:
        if not pyspy():
            print("--profile needs py-spy: pip install py-spy", file=sys.stderr)
            return 1
        args.profile.mkdir(parents=True, exist_ok=True)
        mode = replace(mode, profile=args.profile.resolve())
    providers, problem = discovered()
    if problem:
        print(f"cannot discover the providers: {problem}", file=sys.stderr)
        return 1
    chosen = [s for s in SCENARIOS if not args.only or any(text in s.name for text in args.only)]
    if args.smoke and not args.only:
        chosen = [s for s in SCENARIOS if s.name == SMOKE_SCENARIO]
    if args.sharded:
        chosen = []
    results = Results(machine_facts())
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mockserver-bench-") as tmp_name:
        tmp = Path(tmp_name)
        log = lambda text: print(f"# {time.perf_counter() - started:6.1f} s  {text}", file=sys.stderr, flush=True)
        if not args.smoke and not args.sharded:
            log("start-up and idle memory")
            payload = measure_startup(mode, tmp, results)
            log(f"floor (answers {len(payload)} bytes, the size of a real cancel answer; access log "
                f"{'on' if results.access_log else 'off'}, as mockserver)")
            results.facts["floor's access log"] = ("on: mockserver writes an access line per request"
                                                   if results.access_log else "off: mockserver writes no access line")
            load, peak = measure_floor(mode, tmp, payload, mode.entities, results.access_log)
            results.floor.append(load)
            results.floor_peak_mb = peak
        for scenario in chosen:
            log(scenario.name)
            results.rows.append(measure_scenario(scenario, mode, tmp, providers))
        if not args.smoke and not args.sharded:
            log("floor again")
            load, peak = measure_floor(mode, tmp, payload, mode.entities, results.access_log)
            results.floor.append(load)
            results.floor_peak_mb = max(results.floor_peak_mb, peak)
        if args.sharded or (not args.no_sharded and not args.smoke and not args.only):
            log("many tenants: one process, then --shards 2 behind HAProxy")
            results.sharded = measure_sharded(mode, tmp)
        if not args.no_scale and not args.smoke and not args.sharded:
            log(f"{mode.scale} campaigns")
            measure_scale(mode, tmp, providers, results)
        log("done")
    text = report(results, "smoke: proves it runs, numbers mean nothing" if args.smoke
                  else "quick: numbers are rough" if args.quick else "full")
    if mode.profile:
        text += "\n\n## Profiles (py-spy; profiled runs are slower than unprofiled ones)\n"
        if profile_file(mode, FLOOR).is_file():
            last = results.floor[-1].cpu_us if results.floor else None
            text += f"\n### floor (the last floor run)\n\n{pyspy_summary.summary(profile_file(mode, FLOOR), last)}\n"
        for row in results.rows:
            if row.load is not None and profile_file(mode, row.scenario).is_file():
                summary = pyspy_summary.summary(profile_file(mode, row.scenario), row.load.cpu_us)
                text += f"\n### {row.scenario.name}\n\n{summary}\n"
    print(text, flush=True)
    if args.json:
        args.json.write_text(json.dumps(as_json(results), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
