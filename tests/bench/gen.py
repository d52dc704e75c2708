#!/usr/bin/env python3
"""Generators for the benchmarks (tests/bench/run.sh).  Everything it writes
uses documentation ranges only (2001:db8::/32, and 203.0.113.0/24 where a
profile needs IPv4) and is only ever applied inside a private network
namespace.  Hostnet and its peers get the same objects of the same family.

  gen.py profile FILE ADAPTERS ROUTES [--switch-ports]
      a host profile "bench": uplinks eth1 eth2, switch vs0 (MTU 9000) over
      them, ADAPTERS veth adapters aK (MTU 9000, 2001:db8:0:K::1/64 each; a0
      carries management) and ROUTES routes 2001:db8:X:YYYY::/64 via
      2001:db8::fe (in a0's subnet)
  gen.py ipbatch FILE ADAPTERS ROUTES
      the same objects as an `ip -batch` file (links with their marks, MTU,
      master, up, addresses, routes with protocol 77)
  gen.py ipbatch-ifupdown FILE ADAPTERS
      the same as 'ipbatch' but one route per adapter like the ifupdown2 case
  gen.py profile-ifupdown FILE ADAPTERS
      the hostnet profile of the ifupdown2 comparison (same host as
      /work/shared/peers/ifupdown2/gen.py: 1 bridge, N adapters with an
      address, MTU 9000 and a /64 route each)
  gen.py interfaces FILE ADAPTERS
      the ifupdown2 interfaces file of that host ("precreated" mode, logic
      copied from /work/shared/peers/ifupdown2/gen.py)
  gen.py observe-batch FILE PAIRS ROUTES
      ip -batch input for the observe case: PAIRS veth pairs (up), ROUTES
      routes 2001:db8:X:YYYY::/64 via 2001:db8::2 in the main table
  gen.py fleet DIR HOSTS
      a git work tree: common/site.yaml + hosts/h0..h{HOSTS-1}.yaml
"""
import os
import sys

GROUP = "0x686e7374"


def adapter_net(k):
    """the /64 of adapter k (without the length): 2001:db8:0:K::"""
    return f"2001:db8:0:{k:x}::"


def route_dst(i):
    """the i-th route destination, a /64 under 2001:db8:1::/48 and up (the
    third group is never 0, the adapters'): 2001:db8:1+i/65536:i%65536::/64.
    Short, so that 300,000 routes stay under hostnet's 16 MiB profile limit;
    the peer's ip -batch and the profile write the same text."""
    return f"2001:db8:{1 + (i >> 16):x}:{i & 0xffff:x}::/64"


GW = "2001:db8::fe"    # the routes' gateway, in a0's subnet 2001:db8:0:0::/64
def header(host):
    return [
        "apiVersion: hostnet/v1",
        "kind: HostProfile",
        f"host: {host}",
    ]


def switch_part():
    return [
        "uplinks:",
        "  - {name: eth1}",
        "  - {name: eth2}",
        "switches:",
        "  - {name: vs0, mtu: 9000, uplinks: [eth1, eth2]}",
        "portgroups:",
        "  - {name: pg0, switch: vs0}",
    ]


def adapters_part(adapters):
    """The switch and N adapters (a0 carries management), one /24 each."""
    out = header("bench") + switch_part()
    out.append("adapters:")
    for k in range(adapters):
        svc = "[management]" if k == 0 else "[]"
        out.append(f"  - {{name: a{k}, portgroup: pg0, services: {svc}, mtu: 9000, "
                   f"ipv6: [{adapter_net(k)}1/64]}}")
    return out


def profile(path, adapters, routes):
    out = adapters_part(adapters)
    out.append("routes:")
    for i in range(routes):
        out.append(f"  - {{to: {route_dst(i)}, via: {GW}}}")
    write(path, out)


def ipbatch(path, adapters, routes, route_per_adapter=False):
    out = [
        "link add vs0 mtu 9000 type bridge",
        f'link set vs0 group {GROUP} alias "hostnet:switch" up',
        "link set eth1 mtu 9000 master vs0 up",
        "link set eth2 mtu 9000 master vs0 up",
    ]
    for k in range(adapters):
        svc = "management" if k == 0 else ""
        out += [
            f"link add a{k} mtu 9000 type veth peer name a{k}p mtu 9000",
            f'link set a{k}p group {GROUP} alias "hostnet:a{k} services={svc}" master vs0 up',
            f'link set a{k} group {GROUP} alias "hostnet:a{k} services={svc}" up',
            f"address add {adapter_net(k)}1/64 dev a{k}",
        ]
    if route_per_adapter:
        for k in range(adapters):
            out.append(f"route add {ifupdown_route(k)} via {adapter_net(k)}fe dev a{k} proto 77")
    for i in range(routes):
        out.append(f"route add {route_dst(i)} via {GW} proto 77")
    write(path, out)


def ifupdown_route(k):
    return f"2001:db8:b:{k:x}::/64"


def profile_ifupdown(path, adapters):
    out = adapters_part(adapters)
    out.append("routes:")
    for k in range(adapters):
        out.append(f"  - {{to: {ifupdown_route(k)}, via: {adapter_net(k)}fe, adapter: a{k}}}")
    write(path, out)


def interfaces(path, n):
    # Logic of /work/shared/peers/ifupdown2/gen.py, mode "precreated".
    # ipv6-addrgen off: ifupdown2 would otherwise turn link-local addresses
    # (and their routes) back on, which neither hostnet nor the namespace has.
    out = ["auto lo", "iface lo inet loopback", ""]
    for e in ("eth1", "eth2"):
        out += [f"auto {e}", f"iface {e}", "    mtu 9000", "    ipv6-addrgen off", ""]
    for k in range(n):
        out += [f"auto a{k}", f"iface a{k}",
                f"    address {adapter_net(k)}1/64", "    mtu 9000", "    ipv6-addrgen off",
                f"    post-up ip route replace {ifupdown_route(k)} via {adapter_net(k)}fe dev a{k}",
                ""]
    out += ["auto vs0", "iface vs0",
            "    bridge-ports eth1 eth2 " + " ".join(f"a{k}p" for k in range(n)),
            "    bridge-stp off", "    mtu 9000", "    ipv6-addrgen off", ""]
    write(path, out)


def observe_batch(path, pairs, routes):
    out = []
    for k in range(pairs):
        out += [f"link add v{k} type veth peer name v{k}p", f"link set v{k} up", f"link set v{k}p up"]
    out.append("address add 2001:db8::1/64 dev v0")
    for i in range(routes):
        out.append(f"route add {route_dst(i)} via 2001:db8::2")
    write(path, out)


SITE = """apiVersion: hostnet/v1
kind: ProfileFragment
uplinks:
  - {name: eth1}
  - {name: eth2}
  - {name: eth3, mtu: 9000}
  - {name: eth4, mtu: 9000}
switches:
  - {name: vs0, mtu: 1500, uplinks: [eth1, eth2]}
  - {name: vs1, mtu: 9000, uplinks: [eth3, eth4]}
portgroups:
  - {name: Management Network, switch: vs0}
  - {name: vMotion, switch: vs1}
  - {name: vSAN, switch: vs1}
stacks:
  - name: default
    gateway: {ipv6: 2001:db8::1}
  - name: vmotion
    table: 100
    gateway: {ipv6: 2001:db8:64::1}
routes:
  - {to: 2001:db8:ffff::/48, via: 2001:db8::fe}
"""


def fleet(d, hosts):
    os.makedirs(os.path.join(d, "common"), exist_ok=True)
    os.makedirs(os.path.join(d, "hosts"), exist_ok=True)
    with open(os.path.join(d, "common", "site.yaml"), "w") as f:
        f.write(SITE)
    for h in range(hosts):
        # every host gets unique addresses in 2001:db8::/64 (mgmt),
        # 2001:db8:64::/64 (vmotion) and 2001:db8:128::/64 (vsan)
        x = f"{h + 2:x}"
        lines = header(f"h{h}") + [
            "extends: common/site.yaml",
            "adapters:",
            f"  - {{name: vmk0, portgroup: Management Network, services: [management], ipv6: [2001:db8::{x}:10/64]}}",
            f"  - {{name: vmk1, portgroup: vMotion, services: [vmotion], stack: vmotion, mtu: 9000, ipv6: [2001:db8:64::{x}:10/64]}}",
            f"  - {{name: vmk2, portgroup: vSAN, services: [vsan], mtu: 9000, ipv6: [2001:db8:128::{x}:10/64]}}",
        ]
        write(os.path.join(d, "hosts", f"h{h}.yaml"), lines)


def write(path, lines):
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main(a):
    cmd = a[0]
    if cmd == "profile":
        profile(a[1], int(a[2]), int(a[3]))
    elif cmd == "ipbatch":
        ipbatch(a[1], int(a[2]), int(a[3]))
    elif cmd == "ipbatch-ifupdown":
        ipbatch(a[1], int(a[2]), 0, route_per_adapter=True)
    elif cmd == "profile-ifupdown":
        profile_ifupdown(a[1], int(a[2]))
    elif cmd == "interfaces":
        interfaces(a[1], int(a[2]))
    elif cmd == "observe-batch":
        observe_batch(a[1], int(a[2]), int(a[3]))
    elif cmd == "fleet":
        fleet(a[1], int(a[2]))
    else:
        sys.exit(f"gen.py: unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv[1:])
