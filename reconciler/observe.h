/* observe: the kernel's current links, addresses, routes and rules as a kobj_set.
 *
 * One pass of raw rtnetlink dumps, each message parsed straight into the
 * set's arrays (no libnl cache: its fixed-size hash makes a 100k-route dump
 * quadratic).  Linear in the number of objects.
 *
 * Conventions of the observed values (the realizer must produce the same):
 *  - links: kind DEVICE and kind_name "" when the kernel reports no
 *    IFLA_INFO_KIND; `link` is 0 when IFLA_LINK names an ifindex in another
 *    namespace (IFLA_LINK_NETNSID present), as a local ifindex would lie;
 *  - addresses: IFA_LOCAL when present (the local end), else IFA_ADDRESS,
 *    with the prefix length; flags from IFA_FLAGS (32 bits) when present;
 *  - routes: IPv4 and IPv6 in every table; table from RTA_TABLE; dst always
 *    carries the route's family (prefixlen 0 = default); RTM_F_CLONED
 *    (cache/exception) entries are skipped; for a multipath route gateway and
 *    oif are those of the first next hop;
 *  - rules: IPv4 and IPv6; fwmark/fwmask are 0/0 without a mark match and
 *    the mask is 0xffffffff when the kernel omits it (its default);
 *  - owned: per kobj.h; an address is owned when IFA_PROTO is
 *    KOBJ_RTPROT_HOSTNET, or when its link is owned and it is not
 *    kernel-made (IFA_PROTO kernel-lo/ra/ll, an IPv6 link-local) or another
 *    client's (an address with a lifetime, unless of protocol DHCP: hostnet's
 *    own client's lease); see kobj_addr_owned().
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kobj.h"
#include "nl.h"

/* Reads every link, address, route and rule of the calling thread's network
 * namespace into *out, which is cleared first on success and left untouched
 * on failure (the caller owns it; kobj_set_clear()).  out->caps is left 0:
 * see observe_caps().  A dump that the kernel flags inconsistent (objects
 * changed while it ran) is retried a few times, then -EAGAIN.  Returns 0 or a
 * negative errno with the message in hnl_errmsg(nl). */
int observe_all(struct kobj_set *out, struct hnl *nl);

/* Marks each link another network manager manages (kobj_link.manager),
 * from their state files (observe-managers.c); observe_all() calls it. */
void observe_managers(struct kobj_set *s);
/* Whether a process named `comm` (/proc/PID/comm: "systemd-network" or
 * "NetworkManager", the daemons whose state observe_managers() reads) runs
 * in this network namespace; looked up once per process. */
bool observe_daemon_here(const char *comm);
/* systemd-networkd beside hostnet: whether it runs here, and whether it
 * removes routes and rules it did not make (networkd.conf and its drop-ins,
 * [Network] ManageForeignRoutes= and ManageForeignRoutingPolicyRules=,
 * both "yes" by default).  HOSTNET_NETWORKD_CONF names another
 * networkd.conf (its drop-ins: that path + ".d"). */
struct observe_networkd {
	bool running;
	bool foreign_routes, foreign_rules;
};
void observe_networkd(struct observe_networkd *out);

/* Probes what the kernel can do (bits 1u << enum kobj_cap) in the caller's
 * network namespace without changing it: requests the kernel refuses after
 * looking up what they name (a link kind with an invalid interface name, a
 * tbf qdisc without options), a rule dump, and a kernel-version rule for
 * locked bridge ports (observe-caps.c says why each).  Needs CAP_NET_ADMIN
 * only; no fork, no namespace.  Returns 0, -EPERM without CAP_NET_ADMIN, or
 * -EPROTO when this kernel does not answer in the order the probe relies on
 * (an unknown link kind not refused with EOPNOTSUPP). */
int observe_caps(uint32_t *caps);
/* observe_caps(), answered from DIR/kernel-caps when it was written by this
 * user during this boot of this kernel, and saved there otherwise (best
 * effort).  dir NULL, missing or not trusted (another owner, group- or
 * world-writable): probe every time. */
int observe_caps_cached(uint32_t *caps, const char *dir);

/* Parsers for one dump message each, shared by observe_all() and by tests
 * that feed hand-built messages.  Each fills *out (ownership included; an
 * address's `owned` assumes a foreign link, observe_all() adds the link's
 * part) and returns 0, 1 when the message is to be skipped (another type or
 * family, a cloned route), or -EBADMSG when it is malformed. */
int observe_parse_link(struct kobj_link *out, struct nlmsghdr *h);
int observe_parse_addr(struct kobj_addr *out, struct nlmsghdr *h);
int observe_parse_route(struct kobj_route *out, struct nlmsghdr *h);
int observe_parse_rule(struct kobj_rule *out, struct nlmsghdr *h);

/* One static FDB entry of a bridge port (observe-fdb.c). */
struct observe_fdb {
	int ifindex;                     /* the port */
	struct hn_mac mac;
};
/* Parses one AF_BRIDGE RTM_NEWNEIGH message: 0 for a static entry of a
 * bridge port (the bridge's FDB, NUD_NOARP without NUD_PERMANENT), 1 for
 * anything else (local, learned and the device's own NTF_SELF entries,
 * other types or families), -EBADMSG when malformed. */
int observe_parse_fdb(struct observe_fdb *out, struct nlmsghdr *h);
/* Dumps the FDB of every bridge and sets n_fdb (saturating at 255) and fdb
 * (the lowest MAC) of each port among set's links; observe_all() calls it
 * after the link dump.  Returns 0 or a negative errno (hnl_errmsg(nl)). */
int observe_fdb(struct kobj_set *set, struct hnl *nl);

/* A bridge port's VLANs (observe-brvlan.c).  Parses one AF_BRIDGE
 * RTM_NEWLINK message: 0 with the port's (or the bridge's own) ifindex and
 * VLANs, 1 for anything else (no VLANs, other types), -EBADMSG when
 * malformed. */
int observe_parse_brvlan(int *ifindex, struct kobj_brvlan *out, struct nlmsghdr *h);
/* Dumps the bridge VLANs and sets has_brvlan and brvlan of each port among
 * set's links; observe_all() calls it after the link dump.  Returns 0 or a
 * negative errno (hnl_errmsg(nl)). */
int observe_brvlan(struct kobj_set *set, struct hnl *nl);

/* The root qdisc of each link (observe-qdisc.c).  observe_parse_qdisc()
 * fills only ifindex, qdisc, qdisc_handle and, for tbf, shaping of *out
 * (qdisc "" for handle 0, the device's default), and returns 1 for another
 * message type or a qdisc that is not a root one (ingress, clsact, children
 * of a classful root).  observe_qdisc() dumps every qdisc and sets those
 * fields on set's links; observe_all() calls it after the link dump.
 * Returns 0 or a negative errno (hnl_errmsg(nl)). */
int observe_parse_qdisc(struct kobj_link *out, struct nlmsghdr *h);
int observe_qdisc(struct kobj_set *set, struct hnl *nl);
