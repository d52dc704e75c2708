#!/bin/bash
# The man page against the program: for every command, the options its
# --help prints are exactly those of its OPTIONS subsection; the page has the
# version from configure and renders without warnings.
. "$(dirname "$0")/lib.sh"
make_tmp
PAGE=${HOSTNET_MAN:-$BUILDDIR/man/man8/hostnet.8}
command -v man >/dev/null || skip_all "man (man-db) not found"
command -v groff >/dev/null || skip_all "groff (groff-base) not found"
[ -f "$PAGE" ] || skip_all "$PAGE not built (run configure)"

# Option words (-x, --long) in text, one per line.
opt_words() {
	grep -oE '(^|[][[:space:]",/|])--?[A-Za-z][A-Za-z0-9-]*' | sed -E 's/^[^-]//' | sort -u
}

# What --help prints: the synopsis (up to the first blank line) and the
# option column of each line that starts with an option.
help_opts() {
	"$HOSTNET" "$1" --help | awk '
		/^usage:/ { syn = 1 }
		syn && /^$/ { syn = 0 }
		syn { print; next }
		/^  +-/ { sub(/^ +/, ""); sub(/  .*/, ""); print }' | opt_words
}

# The tags (the line after each .TP) of the page's OPTIONS subsection $1.
man_opts() {
	awk -v want="$1" '
		/^\.SH/ { in_opts = ($2 == "OPTIONS") }
		/^\.SS/ { sub(/^\.SS +/, ""); gsub(/"/, ""); sect = $0; next }
		!in_opts || sect != want { tag = 0; next }
		tag { print; tag = 0 }
		/^\.TP/ { tag = 1 }' "$PAGE" | sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' | opt_words
}

commands=$("$HOSTNET" --help | awk '/^commands:/ { c = 1; next } c && /^  [a-z]/ { print $1 }')
[ -n "$commands" ] && ok "hostnet --help lists the commands" || not_ok "hostnet --help lists the commands"
sections=$(awk '/^\.SH/ { o = ($2 == "OPTIONS") } o && /^\.SS/ { sub(/^\.SS +/, ""); gsub(/"/, ""); print }' "$PAGE")
for c in $commands; do
	grep -qxF "$c" <<<"$sections" && ok "OPTIONS has a subsection for $c" ||
		not_ok "OPTIONS has a subsection for $c" "subsections: $sections"
	help_opts "$c" >"$T/help"
	man_opts "$c" >"$T/man"
	missing=$(comm -23 "$T/help" "$T/man" | tr '\n' ' ')
	extra=$(comm -13 "$T/help" "$T/man" | tr '\n' ' ')
	if [ -s "$T/help" ] && [ -z "$missing" ] && [ -z "$extra" ]; then
		ok "$c: the page's options are those of --help ($(wc -l <"$T/help") options)"
	else
		not_ok "$c: the page's options are those of --help" \
			"in --help, not in the page: $missing" "in the page, not in --help: $extra"
	fi
done

version=$("$HOSTNET" --version)
grep -q "^\.TH HOSTNET 8 .*\"${version}\"" "$PAGE" && ok "the page says '$version' (from configure)" ||
	not_ok "the page says '$version'" "$(grep '^\.TH' "$PAGE")"
left=$(grep -n '@[A-Za-z_]*@' "$PAGE")
[ -z "$left" ] && ok "configure substituted every @VARIABLE@" || not_ok "configure substituted every @VARIABLE@" "$left"
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS ENVIRONMENT FILES JOURNAL "EXIT STATUS" "SEE ALSO"; do
	grep -qE "^\.SH \"?$s\"?$" "$PAGE" && ok "section $s" || not_ok "section $s"
done
# Every variable the program reads is documented (the DHCP script's own
# udhcpc variables are named in HOSTNET_DHCP_HOOK's entry).
# The journal's field names (journal.c's add() calls) are not variables:
# they are documented in JOURNAL instead.
section() { awk -v s="$1" '$0 == ".SH " s { e = 1; next } /^\.SH/ { e = 0 } e' "$PAGE"; }
fields=$(grep -ohE 'add\(f, "[A-Z_]+"' "$SRCDIR"/reconciler/journal.c | grep -oE '"[A-Z_]+"' | tr -d '"' | sort -u)
for v in $(grep -ohE '(getenv|env_[a-z]+)\("[A-Z_]+"\)|"HOSTNET_[A-Z_]+"' "$SRCDIR"/reconciler/*.[ch] |
	grep -oE '"[A-Z_]+"' | tr -d '"' | sort -u); do
	grep -qx -- "$v" <<<"$fields" && ! grep -qE "(getenv|env_[a-z]+)\(\"$v\"" "$SRCDIR"/reconciler/*.[ch] && continue
	section ENVIRONMENT | grep -qw -- "$v" &&
		ok "ENVIRONMENT documents $v" || not_ok "ENVIRONMENT documents $v"
done
[ -n "$fields" ] || not_ok "journal.c's fields are found"
for v in $fields; do
	section JOURNAL | grep -qw -- "$v" && ok "JOURNAL documents the field $v" || not_ok "JOURNAL documents the field $v"
done

warn=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$PAGE" 2>&1 >/dev/null)
[ -z "$warn" ] && ok "man --warnings -l renders it without warnings" || not_ok "man renders it without warnings" "$warn"
warn=$(groff -ww -z -man "$PAGE" 2>&1)
[ -z "$warn" ] && ok "groff -ww finds nothing to warn about" || not_ok "groff -ww finds nothing to warn about" "$warn"
tap_done
