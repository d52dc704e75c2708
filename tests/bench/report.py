#!/usr/bin/env python3
"""Turn the raw timings of tests/bench/run.sh into markdown tables.

  report.py OUT_DIR

OUT_DIR/raw/LABEL holds one line per timed run: "seconds maxrss_kib status";
OUT_DIR/raw/LABEL.check one line per correctness check ("ok" or what differed).
Each row compares hostnet (H) with a peer (P) measured in the same runs: the
ratio is median(H) / median(P).  Targets are printed for reference only:
nothing here fails on a time.
"""
import os
import statistics
import sys

# (case, hostnet label, what hostnet ran, peer label, what the peer ran, target)
# target: ("ratio<=", x) | ("ratio<", x) | ("abs<", seconds) | None
def n(x):
    return f"{x:,}"


# The sizes run.sh used (its defaults when not set).
A = int(os.environ.get("BENCH_ADAPTERS", 1000))
R = int(os.environ.get("BENCH_ROUTES", 100000))
R10 = R // 10
PAIRS = int(os.environ.get("BENCH_PAIRS", 500))
HOSTS = int(os.environ.get("BENCH_HOSTS", 10000))
IFU = int(os.environ.get("BENCH_IFUPDOWN", 100))

ROWS = [
    (f"1 observe: {n(2 * PAIRS)} links, {n(R)} routes", None, None, None, None, None),
    ("", "observe.hostnet-observe", "hostnet observe (new state db)",
     "observe.ip", "ip -d link show + ip route show table all", ("ratio<=", 0.5)),
    ("", "observe.hostnet-show", "hostnet show interfaces --json + show routes --json",
     "observe.ip", "ip -d link show + ip route show table all", ("ratio<=", 0.5)),
    ("2 apply from zero (switch over 2 uplinks, MTU 9000)", None, None, None, None, None),
    ("", f"apply.A{A}R0.hostnet", f"hostnet apply: {n(A)} adapters",
     f"apply.A{A}R0.ip", "ip -batch, same objects", None),
    ("", f"apply.A{A}R{R10}.hostnet", f"hostnet apply: {n(A)} adapters + {n(R10)} routes",
     f"apply.A{A}R{R10}.ip", "ip -batch, same objects", None),
    ("", f"apply.A{A}R{R}.hostnet", f"hostnet apply: {n(A)} adapters + {n(R)} routes",
     f"apply.A{A}R{R}.ip", "ip -batch, same objects", None),
    ("", f"apply.A1R{R10}.hostnet", f"hostnet apply: 1 adapter + {n(R10)} routes",
     f"apply.A1R{R10}.ip", "ip -batch, same objects", ("ratio<=", 0.5)),
    ("", f"apply.A1R{R}.hostnet", f"hostnet apply: 1 adapter + {n(R)} routes",
     f"apply.A1R{R}.ip", "ip -batch, same objects", ("ratio<=", 0.5)),
    (f"3 prune {n(A - 1)} of {n(A)} adapters", None, None, None, None, None),
    ("", "prune.hostnet", "hostnet apply (profile keeps a0)",
     "prune.ip", "ip -batch link del aK, one by one", ("abs<", 1.0)),
    (f"4 no-op reconcile: {n(A)} adapters + {n(R10)} routes applied", None, None, None, None, None),
    ("", "noop.plan", "hostnet plan (No changes)",
     "noop.observe", "hostnet observe", ("ratio<", 2.0)),
    ("", "noop.apply", "hostnet apply (No changes)",
     "noop.observe", "hostnet observe", ("ratio<", 2.0)),
    ("", "noop.drift", "hostnet drift",
     "noop.observe", "hostnet observe", None),
    (f"5 ifupdown2 3.0.0: 1 bridge, {n(IFU)} adapters (address, MTU 9000, route)", None, None, None, None, None),
    ("", "ifupdown2.hostnet.scratch", "hostnet apply from zero (creates the veths)",
     "ifupdown2.peer.scratch", "ifreload -a (veths pre-created)", ("ratio<=", 0.1)),
    ("", "ifupdown2.hostnet.noop", "hostnet apply, no-op",
     "ifupdown2.peer.noop", "ifreload -a, no-op", ("ratio<=", 0.1)),
    ("", "ifupdown2.hostnet.drift", "hostnet drift",
     "ifupdown2.peer.query", "ifquery --check -a", ("ratio<=", 0.1)),
    (f"6 fleet: repository of {n(HOSTS)} hosts vs 10 hosts (git, extends a site fragment)", None, None, None, None, None),
    ("", f"fleet.{HOSTS}.validate-all", f"validate --repo ({n(HOSTS)} hosts)",
     "fleet.10.validate-all", "validate --repo (10 hosts)", None),
    ("", f"fleet.{HOSTS}.validate-one", f"validate --repo --host h{HOSTS // 2} ({n(HOSTS)} hosts)",
     "fleet.10.validate-one", "validate --repo --host h5 (10 hosts)", ("ratio<=", 1.2)),
    ("", f"fleet.{HOSTS}.plan-one", f"plan --repo --host h{HOSTS // 2} ({n(HOSTS)} hosts)",
     "fleet.10.plan-one", "plan --repo --host h5 (10 hosts)", ("ratio<=", 1.2)),
]


def load(out, label):
    p = os.path.join(out, "raw", label)
    if not label or not os.path.exists(p):
        return None
    rows = [l.split() for l in open(p) if l.strip()]
    busy = os.path.join(out, "raw", label + ".busy")
    return {
        "busy": [int(l) for l in open(busy) if l.strip()] if os.path.exists(busy) else [],
        "t": [float(r[0]) for r in rows],
        "rss": [int(r[1]) for r in rows],
        "st": [int(r[2]) for r in rows],
        "cpu": [float(r[3]) for r in rows if len(r) > 3],
    }


def checks(out, *labels):
    """what the correctness checks of these labels (and of their case's
    setup, e.g. observe.setup, prune.setup.ip) found wrong"""
    bad = []
    raw = os.path.join(out, "raw")
    names = [l + ".check" for l in labels if l]
    prefix = labels[0].split(".")[0] + ".setup"
    names += [f for f in os.listdir(raw) if f.startswith(prefix) and f.endswith(".check")]
    for name in sorted(set(names)):
        p = os.path.join(raw, name)
        if os.path.exists(p):
            bad += [l.strip() for l in open(p) if l.strip() and l.strip() != "ok"]
    return bad


def fmt_t(d):
    t = d["t"]
    m = statistics.median(t)
    if m >= 10:
        f = "{:.1f}"
    elif m >= 1:
        f = "{:.2f}"
    else:
        f = "{:.3f}"
    return f"{f.format(m)} ({f.format(min(t))}–{f.format(max(t))})"


def fmt_cpu(d):
    return f"{statistics.median(d['cpu']):.3g}" if d["cpu"] else "—"


def fmt_rss(d):
    return f"{statistics.median(d['rss']) / 1024:.1f}"


def target_text(tg):
    if not tg:
        return "—"
    kind, x = tg
    if kind == "abs<":
        return f"< {x:g} s"
    return ("≤ " if kind == "ratio<=" else "< ") + f"{x:g}×"


def met(tg, h, p):
    if not tg:
        return ""
    kind, x = tg
    mh = statistics.median(h["t"])
    if kind == "abs<":
        return "met" if mh < x else "missed"
    r = mh / statistics.median(p["t"])
    ok = r <= x if kind == "ratio<=" else r < x
    return "met" if ok else "missed"


def main(out):
    title = ""
    print("| case | hostnet | wall s, median (min–max) | CPU s | RSS MiB | peer / baseline "
          "| wall s, median (min–max) | CPU s | RSS MiB | ratio | target | | checks | busy % |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for case, hl, hdesc, pl, pdesc, tg in ROWS:
        if hl is None:
            title = case
            continue
        h, p = load(out, hl), load(out, pl)
        if h is None:
            continue
        if title:
            print(f"| **{title}** | | | | | | | | | | | | | |")
            title = ""
        status = [s for s in h["st"] + (p["st"] if p else []) if s != 0]
        bad = checks(out, hl, pl or "")
        extra = []
        if status:
            extra.append(f"exit {sorted(set(status))}")
        if bad:
            extra.append("; ".join(sorted(set(bad))))
        chk = "ok" if not extra else "**" + "; ".join(extra) + "**"
        ptxt = fmt_t(p) if p else "—"
        prss = fmt_rss(p) if p else "—"
        pcpu = fmt_cpu(p) if p else "—"
        ratio = f"{statistics.median(h['t']) / statistics.median(p['t']):.3g}" if p else "—"
        busy = h["busy"] + (p["busy"] if p else [])
        busy = str(max(busy)) if busy else "—"
        print(f"| | {hdesc} | {fmt_t(h)} | {fmt_cpu(h)} | {fmt_rss(h)} | {pdesc} | {ptxt} | {pcpu} | {prss} | {ratio} "
              f"| {target_text(tg)} | {met(tg, h, p) if p or (tg and tg[0] == 'abs<') else ''} | {chk} | {busy} |")


if __name__ == "__main__":
    main(sys.argv[1])
