/* kobj-fmt: names for kernel numbers, as iproute2 prints them. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define KOBJ_FMT_LEN 16

/* "kernel", "boot", "static", "dhcp", "hostnet", or the number. */
const char *kobj_fmt_protocol(uint8_t proto, char buf[KOBJ_FMT_LEN]);
/* "global", "link", "host", "site", "nowhere", or the number. */
const char *kobj_fmt_scope(uint8_t scope, char buf[KOBJ_FMT_LEN]);
/* "unicast", "local", "broadcast", "blackhole", "unreachable", "prohibit"... */
const char *kobj_fmt_route_type(uint8_t type, char buf[KOBJ_FMT_LEN]);
/* "main", "local", "default", or the number. */
const char *kobj_fmt_table(uint32_t table, char buf[KOBJ_FMT_LEN]);
/* "up", "down", "lowerlayerdown", "dormant", "unknown"... (IF_OPER_*) */
const char *kobj_fmt_operstate(uint8_t state);
