#!/usr/bin/env python3
"""Turn the raw timings of tests/bench/run.sh into markdown tables.

  report.py OUT_DIR

OUT_DIR/raw/LABEL holds one line per timed run: "seconds maxrss_kib status cpu";
OUT_DIR/raw/LABEL.check one line per correctness check ("ok" or what differed).
Each row compares hostnet (H) with a peer (P) measured in the same runs: the
ratio is the median over the runs i of H[i] / P[i] (paired run by run, so a
load that came and went hits both sides of a pair).  Targets are printed for reference only:
nothing here fails on a time.
"""
import os
import statistics
import sys

# (case, hostnet label, what hostnet ran, peer label, what the peer ran, targets)
# targets: a list of ("ratio<=", x) | ("ratio<", x) | ("cpu<=", x) (ratio of
# the CPU times) | ("abs<", seconds) | ("rss<=", MiB of hostnet's max RSS)
def n(x):
    return f"{x:,}"


# The sizes run.sh used (its defaults when not set).
A = int(os.environ.get("BENCH_ADAPTERS", 1000))
R = int(os.environ.get("BENCH_ROUTES", 100000))
R10 = R // 10
R3 = 3 * R
PAIRS = int(os.environ.get("BENCH_PAIRS", 500))
HOSTS = int(os.environ.get("BENCH_HOSTS", 10000))
IFU = int(os.environ.get("BENCH_IFUPDOWN", 100))
NA, NB = f"A{A}R{R10}", f"A1R{R}"   # the two no-op hosts

ROWS = [
    (f"1 observe: {n(2 * PAIRS)} links, {n(R)} routes", None, None, None, None, None),
    ("", "observe.hostnet-observe", "hostnet observe (new state db)",
     "observe.ip", "ip -d link show + ip route show table all", [("ratio<=", 0.8), ("rss<=", 64)]),
    ("", "observe.hostnet-show", "hostnet show interfaces --json + show routes --json",
     "observe.ip", "ip -d link show + ip route show table all", None),
    ("", "observe.hostnet-show-routes", "hostnet show routes --json",
     "observe.ip-j-routes", "ip -j route show table all", [("ratio<=", 1.5), ("rss<=", 64)]),
    ("2 apply from zero (switch over 2 uplinks, MTU 9000)", None, None, None, None, None),
    ("", f"apply.A{A}R0.hostnet", f"hostnet apply: {n(A)} adapters",
     f"apply.A{A}R0.ip", "ip -batch, same objects", None),
    ("", f"apply.A{A}R{R10}.hostnet", f"hostnet apply: {n(A)} adapters + {n(R10)} routes",
     f"apply.A{A}R{R10}.ip", "ip -batch, same objects", None),
    ("", f"apply.A{A}R{R}.hostnet", f"hostnet apply: {n(A)} adapters + {n(R)} routes",
     f"apply.A{A}R{R}.ip", "ip -batch, same objects", None),
    ("", f"apply.A1R{R10}.hostnet", f"hostnet apply: 1 adapter + {n(R10)} routes",
     f"apply.A1R{R10}.ip", "ip -batch, same objects", None),
    ("", f"apply.A3R{R10}.hostnet", f"hostnet apply: 3 adapters + {n(R10)} routes",
     f"apply.A3R{R10}.ip", "ip per link and address line + ip -batch of the routes", [("ratio<=", 1.0)]),
    ("", f"apply.A1R{R}.hostnet", f"hostnet apply: 1 adapter + {n(R)} routes",
     f"apply.A1R{R}.ip", "ip -batch, same objects", [("ratio<=", 1.0), ("rss<=", 128)]),
    ("", f"apply.A1R{R3}.hostnet", f"hostnet apply: 1 adapter + {n(R3)} routes",
     f"apply.A1R{R3}.ip", "ip -batch, same objects", [("cpu<=", 1.0), ("rss<=", 300)]),
    (f"3 prune {n(A - 1)} of {n(A)} adapters", None, None, None, None, None),
    ("", "prune.hostnet", "hostnet apply (profile keeps a0)",
     "prune.ip", "ip -batch link del aK, one by one", [("abs<", 1.0)]),
    (f"4 no-op reconcile: {n(A)} adapters + {n(R10)} routes applied", None, None, None, None, None),
    ("", f"noop.{NA}.plan", "hostnet plan (No changes)",
     f"noop.{NA}.observe", "hostnet observe", [("ratio<", 2.0)]),
    ("", f"noop.{NA}.apply", "hostnet apply (No changes)",
     f"noop.{NA}.observe", "hostnet observe", [("ratio<", 2.0)]),
    ("", f"noop.{NA}.drift", "hostnet drift",
     f"noop.{NA}.observe", "hostnet observe", None),
    (f"4b no-op reconcile: 1 adapter + {n(R)} routes applied", None, None, None, None, None),
    ("", f"noop.{NB}.plan", "hostnet plan (No changes)",
     f"noop.{NB}.observe", "hostnet observe", [("ratio<=", 1.3), ("rss<=", 64)]),
    ("", f"noop.{NB}.apply", "hostnet apply (No changes)",
     f"noop.{NB}.observe", "hostnet observe", [("rss<=", 64)]),
    ("", f"noop.{NB}.drift", "hostnet drift",
     f"noop.{NB}.observe", "hostnet observe", [("ratio<=", 1.5), ("rss<=", 64)]),
    (f"5 ifupdown2 3.0.0: 1 bridge, {n(IFU)} adapters (address, MTU 9000, route)", None, None, None, None, None),
    ("", "ifupdown2.hostnet.scratch", "hostnet apply from zero (creates the veths)",
     "ifupdown2.peer.scratch", "ifreload -a (veths pre-created)", [("ratio<=", 0.1)]),
    ("", "ifupdown2.hostnet.noop", "hostnet apply, no-op",
     "ifupdown2.peer.noop", "ifreload -a, no-op", [("ratio<=", 0.1)]),
    ("", "ifupdown2.hostnet.drift", "hostnet drift",
     "ifupdown2.peer.query", "ifquery --check -a", [("ratio<=", 0.1)]),
    (f"6 fleet: repository of {n(HOSTS)} hosts vs 10 hosts (git, extends a site fragment)", None, None, None, None, None),
    ("", f"fleet.{HOSTS}.validate-all", f"validate --repo ({n(HOSTS)} hosts)",
     "fleet.10.validate-all", "validate --repo (10 hosts)", None),
    ("", f"fleet.{HOSTS}.validate-one", f"validate --repo --host h{HOSTS // 2} ({n(HOSTS)} hosts)",
     "fleet.10.validate-one", "validate --repo --host h5 (10 hosts)", [("ratio<=", 1.2)]),
    ("", f"fleet.{HOSTS}.plan-one", f"plan --repo --host h{HOSTS // 2} ({n(HOSTS)} hosts)",
     "fleet.10.plan-one", "plan --repo --host h5 (10 hosts)", [("ratio<=", 1.2)]),
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


def paired(h, p, key="t"):
    """median of the per-run ratios: run i of hostnet against run i of its
    peer (they ran one after the other, so they saw the same machine load)"""
    k = min(len(h[key]), len(p[key]))
    if k == 0:
        return None
    return statistics.median(h[key][i] / p[key][i] if p[key][i] > 0 else float("inf") for i in range(k))


def target_text(tg):
    if not tg:
        return "—"
    out = []
    for kind, x in tg:
        if kind == "abs<":
            out.append(f"< {x:g} s")
        elif kind == "rss<=":
            out.append(f"≤ {x:g} MiB")
        elif kind == "cpu<=":
            out.append(f"≤ {x:g}× CPU")
        else:
            out.append(("≤ " if kind == "ratio<=" else "< ") + f"{x:g}×")
    return ", ".join(out)


def met(tg, h, p):
    """'met', or 'missed: ' and which targets were missed"""
    if not tg:
        return ""
    missed = []
    for kind, x in tg:
        if kind == "abs<":
            ok = statistics.median(h["t"]) < x
        elif kind == "rss<=":
            ok = statistics.median(h["rss"]) / 1024 <= x
        elif p is None:
            continue
        elif kind == "cpu<=":
            ok = paired(h, p, "cpu") <= x
        else:
            r = paired(h, p)
            ok = r <= x if kind == "ratio<=" else r < x
        if not ok:
            missed.append(target_text([(kind, x)]))
    return "met" if not missed else "missed: " + ", ".join(missed)


def main(out):
    title = ""
    print("| case | hostnet | wall s, median (min–max) | CPU s | RSS MiB | peer / baseline "
          "| wall s, median (min–max) | CPU s | RSS MiB | ratio | CPU ratio | target | | checks | busy % |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for case, hl, hdesc, pl, pdesc, tg in ROWS:
        if hl is None:
            title = case
            continue
        h, p = load(out, hl), load(out, pl)
        if h is None:
            continue
        if title:
            print(f"| **{title}** | | | | | | | | | | | | | | |")
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
        ratio = f"{paired(h, p):.3g}" if p else "—"
        cratio = f"{paired(h, p, 'cpu'):.3g}" if p and h["cpu"] and p["cpu"] else "—"
        busy = h["busy"] + (p["busy"] if p else [])
        busy = str(max(busy)) if busy else "—"
        print(f"| | {hdesc} | {fmt_t(h)} | {fmt_cpu(h)} | {fmt_rss(h)} | {pdesc} | {ptxt} | {pcpu} | {prss} | {ratio} "
              f"| {cratio} | {target_text(tg)} | {met(tg, h, p)} | {chk} | {busy} |")


if __name__ == "__main__":
    main(sys.argv[1])
