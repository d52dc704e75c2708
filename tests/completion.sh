#!/bin/bash
# Bash completion (tools/bash-completion/hostnet), driven as bash drives it:
# COMP_WORDS and COMP_CWORD set, _hostnet called, COMPREPLY checked.
. "$(dirname "$0")/lib.sh"
command -v git >/dev/null || skip_all "git not found"
make_tmp
COMPLETION=$SRCDIR/tools/bash-completion/hostnet
# shellcheck source=../tools/bash-completion/hostnet
. "$COMPLETION"

# comp WORD...: completes the last word of the line, with the program as
# given in $PROG, in this shell (as bash does, so the cache lives on);
# sets $got to COMPREPLY one per line, sorted.
PROG=$HOSTNET
comp() {
	COMP_WORDS=("$PROG" "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	_hostnet "$PROG" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	got=
	[ ${#COMPREPLY[@]} = 0 ] || got=$(printf '%s\n' "${COMPREPLY[@]}" | sort)
}
# expect DESCRIPTION "EXPECTED WORDS" WORD...: the completions are exactly these.
expect() {
	local desc=$1 want got
	want=$(printf '%s\n' $2 | sort)
	shift 2
	comp "$@"
	[ "$got" = "$want" ] && ok "$desc" || not_ok "$desc" "line: hostnet $*" "want: $(echo $want)" "got:  $(echo $got)"
}

# Commands: all of those `hostnet --help` lists, and no option words.
cmds=$("$HOSTNET" --help | sed -n '/^commands:/,/^$/s/^  \([a-z]*\) .*/\1/p')
[ "$(echo "$cmds" | wc -l)" -ge 12 ] && ok "hostnet --help lists the commands" ||
	not_ok "hostnet --help lists the commands" "$cmds"
expect "the first word completes to the commands" "$cmds" ""
expect "a prefix narrows the commands" "plan ping" p
expect "top-level options" "--help --version" --

# Options per command against that command's own --help: every option at the
# start of a description line and every option in the usage lines is offered,
# and nothing that is not in the help (check has no options: only --help).
for c in $cmds; do
	help=$("$HOSTNET" "$c" --help 2>&1)
	want=$( {
		sed -n 's/^ \{1,\}\(-[[:alpha:]], \)\{0,1\}\(--\{0,1\}[[:alpha:]][[:alnum:]-]*\).*/\2/p' <<<"$help"
		sed -n '1,/^$/p' <<<"$help" | grep -oE '\[--?[[:alpha:]][[:alnum:]-]*' | tr -d '['
	} | sort -u)
	comp "$c" -
	missing=$(comm -23 <(echo "$want") <(echo "$got"))
	extra=$(comm -13 <(echo "$want") <(echo "$got") | grep -vxE -- '--help|-[[:alpha:]]|--[a-z-]+' )
	foreign=$(for o in $got; do [ "$o" = --help ] || grep -qE -- "(^|[^[:alnum:]-])$o([^[:alnum:]-]|$)" <<<"$help" || echo "$o"; done)
	grep -qx -- --help <<<"$got" && [ -z "$missing" ] && [ -z "$extra" ] && [ -z "$foreign" ] &&
		ok "$c: the options offered are those of '$c --help'" ||
		not_ok "$c: the options offered are those of '$c --help'" "missing: $missing" "not in help: $foreign $extra"
done
# plan's help names observe's --export ('hostnet observe --export FILE'):
# a reference to another command, not a plan option.
comp plan --
grep -qx -- --export <<<"$got" && not_ok "plan does not offer observe's --export" "$got" ||
	ok "plan does not offer observe's --export"
grep -qx -- --base <<<"$got" && grep -qx -- --head <<<"$got" &&
	ok "plan offers --base and --head (written --base/--head)" || not_ok "plan offers --base and --head" "$got"

# Values and words.
expect "show offers its views" "adapters interfaces addresses routes stacks services firewall" show ""
expect "show's view after an option and its value" "adapters interfaces addresses routes stacks services firewall" show --snapshot 3 ""
expect "nothing after show's view" "" show routes ""
expect "state offers check and info" "check info" state ""
expect "check offers mtu" "mtu" check ""
expect "--format values (plan)" "text json markdown" plan --format ""
expect "--format values (drift)" "text json markdown" drift --format ""
expect "--format=VALUE as one word" "--format=json" plan --format=j
expect "--format = VALUE split at =" "json" drift --format = j
expect "a numeric argument offers nothing" "" history --limit ""

# --host from the repository on the line, read from the commit (not the work tree).
export GIT_CONFIG_NOSYSTEM=1 HOME=$T
git init -q -b main "$T/repo"
mkdir -p "$T/repo/hosts"
touch "$T/repo/hosts/esx01.yaml" "$T/repo/hosts/esx02.yaml" "$T/repo/hosts/notes.txt"
git -C "$T/repo" add -A
git -C "$T/repo" -c user.name=t -c user.email=t@example.invalid commit -qm one
git -C "$T/repo" checkout -q -b more
touch "$T/repo/hosts/esx03.yaml"
git -C "$T/repo" add -A
git -C "$T/repo" -c user.name=t -c user.email=t@example.invalid commit -qm two
git -C "$T/repo" checkout -q main
touch "$T/repo/hosts/uncommitted.yaml"
git clone -q --bare "$T/repo" "$T/bare.git"
expect "--host: hosts/ of --repo at HEAD" "esx01 esx02" validate --repo "$T/repo" --host ""
expect "--host: at --ref" "esx01 esx02 esx03" validate --repo "$T/repo" --ref more --host ""
expect "--host: a bare repository" "esx01 esx02" plan --repo "$T/bare.git" --host ""
expect "--host: a prefix narrows" "esx02" validate --repo "$T/repo" --host esx02
expect "--ref: the repository's branches" "HEAD main more" validate --repo "$T/repo" --ref ""
cd "$T/repo" || exit 1
expect "--host without --repo: ./hosts/" "esx01 esx02 uncommitted" drift --host ""
cd "$T" || exit 1
expect "--host without --repo or hosts/: nothing" "" drift --host ""
# (bash adds the / of a directory itself: compopt -o filenames)
expect "files for --state" "repo" observe --state re
expect "files as validate's operands" "repo" validate re
expect "no files where a command takes none" "" history ""
expect "import's options" "--help --host --out --state --uplinks --version" import --
expect "files for import --out" "repo" import --out re

# The options come from the program, not from a list that could go stale:
# a program with a new option gets it offered, and its help is read once.
cat >"$T/fake" <<EOF
#!/bin/sh
echo x >>"$T/calls"
case "\$1" in
--help) printf 'commands:\n  frob      a new command\n\n' ;;
frob) printf 'usage: hostnet frob [--brand-new] [--colour red|green]\n' ;;
esac
EOF
chmod +x "$T/fake"
PROG=$T/fake
expect "a new command is offered" "frob" ""
expect "a new option is offered" "--brand-new --colour --help" frob --
expect "a new option's values are offered" "green red" frob --colour ""
comp frob --b
[ "$(wc -l <"$T/calls")" = 2 ] && ok "each command's help is read once per shell" ||
	not_ok "each command's help is read once per shell" "calls: $(wc -l <"$T/calls")"

# Installed where bash-completion looks, it is loaded on first use.
bc=/usr/share/bash-completion/bash_completion
if [ -r "$bc" ]; then
	mkdir -p "$T/share/bash-completion/completions"
	cp "$COMPLETION" "$T/share/bash-completion/completions/hostnet"
	out=$(XDG_DATA_DIRS=$T/share PROG=$HOSTNET bash -c '
		. '"$bc"' 2>/dev/null
		__load_completion hostnet || exit 1
		complete -p hostnet
		COMP_WORDS=("$PROG" show a); COMP_CWORD=2; cur=a
		_hostnet hostnet a show; echo "${COMPREPLY[*]}"' 2>&1)
	grep -q -- "-F _hostnet hostnet" <<<"$out" && grep -qx "adapters addresses" <<<"$out" &&
		ok "bash-completion loads completions/hostnet and it completes" ||
		not_ok "bash-completion loads completions/hostnet and it completes" "$out"
elif [ "${HOSTNET_REQUIRE_ALL:-0}" = 1 ]; then
	not_ok "bash-completion loads completions/hostnet" "$bc not found (apt-get install bash-completion)"
else
	ok "bash-completion loads completions/hostnet # SKIP $bc not found"
fi
tap_done
