"""The tables: markdown for docs/performance.md, JSON for --json."""

import statistics
from typing import Any

from measure import Results
from sharded import implied_rps


def markdown(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def report(results: Results, mode_name: str) -> str:
    out = [f"## mockserver benchmark ({mode_name})", ""]
    if results.load_before > 1.0:
        out += [(f"**The machine was busy before the run (load average {results.load_before:.2f}): "
                 "every number below is lower than on a quiet machine.**"), ""]
    out.append(markdown(["fact", "value"], [[k, v] for k, v in results.facts.items()]))
    if results.floor or results.rows:
        out += ["", "### Load (each server alone on 127.0.0.1)", ""]  # the table follows
    floor = results.floor_rps
    rows = []
    for i, load in enumerate(results.floor):
        rows.append([f"floor: bare Starlette + uvicorn ({'before' if i == 0 else 'after'})", f"{load.rps:.0f}",
                     f"{load.p50_ms:.2f}", f"{load.p99_ms:.2f}", f"{load.cpu_us:.0f}", f"{results.floor_peak_mb:.1f}",
                     f"{load.rps / floor:.2f}", str(load.non_2xx), "", ""])
    for row in results.rows:
        if row.load is None:
            rows.append([row.scenario.name, "-", "-", "-", "-", f"{row.peak_mb:.1f}" if row.peak_mb else "-", "-", "-",
                         "-", row.note])
            continue
        load = row.load
        note = "; ".join(filter(None, [row.note, f"{load.socket_errors} socket errors" if load.socket_errors else "",
                                       f"{row.seeded:,} seeded" if row.scenario.walks else ""]))
        rows.append([row.scenario.name, f"{load.rps:.0f}", f"{load.p50_ms:.2f}", f"{load.p99_ms:.2f}",
                     f"{load.cpu_us:.0f}", f"{row.peak_mb:.1f}", f"{load.rps / floor:.2f}" if floor else "-", str(load.non_2xx),
                     row.moved or "n/a", note])
    if rows:
        out.append(markdown(["scenario", "req/s", "p50 ms", "p99 ms", "server CPU µs/req", "peak RSS MB", "x floor",
                             "non-2xx", "state moved", "note"], rows))
    scale = results.scale
    facts = [
        [f"ready: process start to first 200 from /__mock/health (median of {len(results.ready_s)})",
         f"{statistics.median(results.ready_s):.3f} s"],
        ["RSS idle (ready, no tenant loaded)", f"{results.idle_mb:.1f} MB"],
    ] if results.ready_s else []
    if scale:
        n = scale["campaigns"]
        facts += [
            [f"ready with a {n}-campaign fixture", f"{scale['ready_s']:.3f} s"],
            [f"RSS with the {n}-campaign fixture, no tenant yet", f"{scale['before_tenant_mb']:.1f} MB"],
            [f"first call of a tenant: loads {n} campaigns", f"{scale['tenant_load_s']:.3f} s"],
            [f"first call of another new tenant ({n} fixture campaigns, shared)",
             f"{scale['second_tenant_load_s'] * 1000:.1f} ms, +{scale['second_tenant_mb']:.1f} MB RSS"],
            [f"RSS holding {n} campaigns (one tenant)",
             f"{scale['holding_mb']:.1f} MB (peak {scale['holding_peak_mb']:.1f} MB)"],
            [f"GET one campaign (control plane), median: 200 vs {n} campaigns",
             f"{scale['get_small_ms']:.2f} ms vs {scale['get_big_ms']:.2f} ms"],
            [f"cancel one campaign, median: 200 vs {n} campaigns",
             f"{scale['cancel_small_ms']:.2f} ms vs {scale['cancel_big_ms']:.2f} ms"],
        ]
        for label, status, seconds, size, *few in scale["calls"]:
            value = "-" if status is None else f"{seconds * 1000:,.2f} ms (status {status}, {size / 1e3:,.0f} kB)"
            facts.append([label, f"{few[0] * 1000:,.2f} ms vs {value}" if few and status is not None else value])
        facts.append(["peak RSS after those calls", f"{scale['after_calls_peak_mb']:.1f} MB"])
        if "send_kib" in scale:
            facts.append([f"memory per live multistep commcom send after an hour of steps (tracemalloc, "
                          f"{scale['sends']} sends; target <= 8 KiB)", f"{scale['send_kib']:.2f} KiB"])
        across = scale.get("across")
        if across:
            facts.append([f"RSS holding {across['campaigns']} campaigns, a quarter in each provider (one tenant; "
                          f"target <= 150 MB)", f"{across['holding_mb']:.1f} MB (peak {across['peak_mb']:.1f} MB; "
                          f"{across['before_tenant_mb']:.1f} MB before; another tenant "
                          f"+{across['second_tenant_mb']:.1f} MB)"])
    if facts or not results.sharded:  # (a smoke run shows the empty table: it ran, measured nothing here)
        out += ["", "### Start-up and memory", "", markdown(["measure", "value"], facts)]
    if results.sharded:
        out += ["", *sharded_report(results.sharded)]
    return "\n".join(out)


def sharded_report(sharded: dict[str, Any]) -> list[str]:
    out = ["### Sharded: many tenants, one process against `--shards 2`", ""]
    if "skipped" in sharded:
        return [*out, f"skipped: {sharded['skipped']}"]
    layouts = sharded["layouts"]
    one = layouts[0].load.rps if layouts[0].load else 0.0
    rows = [[layout.name, f"{layout.load.rps:.0f}", f"{layout.load.p50_ms:.2f}", f"{layout.load.p99_ms:.2f}",
             f"{layout.shard_cpu_us:.0f}", f"{layout.haproxy_cpu_us:.0f}" if layout.haproxy_cpu_us else "-",
             f"{layout.load.rps / one:.2f}" if one else "-", str(layout.load.non_2xx)]
            for layout in layouts if layout.load]
    out.append(markdown(["layout", "req/s", "p50 ms", "p99 ms", "mockserver CPU µs/req", "HAProxy CPU µs/req",
                         "x one process", "non-2xx"], rows))
    out += ["", (f"{sharded['tenants']} tenants take turns (`{sharded['call']}`), wrk -t2 -c32, on the same "
                 f"cores as every server process: wrk, HAProxy and the shards share them.")]
    sharded_layout = layouts[-1]
    if sharded_layout.load:
        implied = ", ".join(f"{n} cores ≈ {implied_rps(sharded_layout, n):,.0f} req/s" for n in (2, 4, 8, 16))
        out.append(f"Implied with the load generator elsewhere and one shard per core (from CPU per request, "
                   f"not measured): {implied}.")
    return out


def as_json(results: Results) -> dict[str, Any]:
    return {
        "facts": results.facts, "ready_s": results.ready_s, "idle_mb": results.idle_mb,
        "floor": [vars(load) | {"rps": load.rps} for load in results.floor], "floor_rps": results.floor_rps,
        "rows": [{"scenario": row.scenario.name, "note": row.note, "peak_mb": row.peak_mb, "moved": row.moved,
                  "seeded": row.seeded, "load": None if row.load is None else vars(row.load) | {"rps": row.load.rps}}
                 for row in results.rows],
        "scale": results.scale,
        "sharded": {key: [vars(layout) | {"load": vars(layout.load) if layout.load else None}
                          for layout in value] if key == "layouts" else value
                    for key, value in results.sharded.items()},
    }
