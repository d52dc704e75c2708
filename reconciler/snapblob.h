/* snapblob: a kobj_set as one packed, versioned binary blob (a snapshot's
 * objects in the state database, state/0005-snapshot-blobs.sql).
 *
 * Why a blob and not rows: a 100k-route snapshot as rows took ~250 ms to
 * save (one sqlite3_step per row, addresses formatted as text); as one blob
 * it is one step.  Pure: no SQLite, no I/O, so the fuzzer takes it whole.
 *
 * The encoding (version 1), little-endian where it matters, compact:
 *
 *   blob    = "HNSB" u8:version  uv:n_links uv:n_addrs uv:n_routes uv:n_rules
 *             link*n_links addr*n_addrs route*n_routes rule*n_rules
 *   uv      = unsigned LEB128 varint (7 bits a byte, low first), minimal:
 *             no trailing 0x80-only byte, at most 10 bytes, no overflow
 *   str     = uv:length bytes (no NUL inside; length < the field's size)
 *   ip      = u8:tag, then for tag != 0: u8:prefixlen and tag & 0x1f bytes.
 *             tag 0 = none (family 0); tag 0x40 | n = AF_INET, 0x80 | n =
 *             AF_INET6, n = the address bytes up to the last non-zero one
 *             (198.51.100.0/24 takes 3 bytes, ::/0 none): the bytes
 *             after them are zero
 *   mac     = 6 bytes
 *   link    = uv:ifindex str:name str:kind (kobj_link_kind_name)
 *             str:kind_name uv:mtu uv:bits [mac if bits.has_mac]
 *             u8:operstate uv:master uv:link uv:group str:alias uv:vlan_id
 *             uv:vrf_table uv:macvlan_mode u8:bond_mode uv:bond_primary
 *             str:qdisc uv:qdisc_handle uv:rate uv:peak uv:burst u8:brport
 *             u8:n_fdb [mac:fdb if n_fdb > 0] u8:accept_ra u8:autoconf
 *             u8:accept_ra_defrtr
 *             [uv:miimon uv:arp_interval uv:arp_validate u8:n n*4 bytes
 *              if bits.bond_mon]
 *             [uv:pvid u8:n n*uv:vid (ascending, not the PVID)
 *              if bits.brvlan]
 *             bits: 1 has_mac, 2 admin_up, 4 owned, 8 is_brport, 16 has_ra,
 *             32 bond_mon, 64 brvlan (a blob without them reads as before)
 *   addr    = uv:ifindex ip:addr u8:scope uv:flags u8:proto u8:owned
 *   route   = u8:family uv:table ip:dst ip:gateway ip:prefsrc uv:oif
 *             uv:metric u8:protocol u8:scope u8:type u8:owned
 *   rule    = u8:family uv:priority ip:src ip:dst str:iif str:oif uv:table
 *             u8:action u8:protocol uv:fwmark uv:fwmask u8:owned
 *
 * set->caps is not in the blob: the snapshots row holds it.  Every value is
 * range-checked on the way in as the row reader checked columns (an ifindex
 * is 0..INT32_MAX, a VLAN id 0..4094, a bool 0 or 1), and the encoding is
 * canonical: a blob the decoder accepts encodes back to the same bytes.  A
 * link kind this build does not name is refused (a new kind is a new
 * version). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kobj.h"

#define SNAPBLOB_VERSION 1
/* Version 2 is version 1 followed by a tail:
 *   tail = u8:flags [text:ruleset if flags & 1] [arp*n_links if flags & 2]
 *   text = uv:length (> 0) bytes, no NUL: kobj_set.fw, table inet hostnet
 *          as nft lists it
 *   arp  = u8:has_arp [u8:arp_ignore u8:arp_announce u8:rp_filter if 1]
 * flags is never 0, and 2 only when some link has_arp.  A set with neither
 * encodes as version 1, so older blobs and encodings stay as they were. */
#define SNAPBLOB_VERSION_FW 2

/* Where a blob or a set is wrong: the object ("route"), its index, the
 * field ("oif", or "header", "end" for the framing). */
struct snapblob_err {
	const char *what;
	size_t index;
	const char *field;
};

/* Encode `set` (not its caps) into a malloc'd buffer the caller frees.
 * 0, -ENOMEM, or -EINVAL with *err set when a field could not be decoded
 * back exactly (a name without its NUL, a non-canonical address...). */
int snapblob_encode(uint8_t **out, size_t *out_len, const struct kobj_set *set,
		    struct snapblob_err *err);

/* Decode `len` bytes into *out (caps 0), which the caller clears.  0,
 * -ENOMEM, or -EUCLEAN with *err set for a blob that is truncated, has bytes
 * after its last object, or holds a value out of range. */
int snapblob_decode(struct kobj_set *out, const uint8_t *buf, size_t len,
		    struct snapblob_err *err);
