#!/bin/bash
# plan --base/--head: the desired state of two commits compared per host,
# as a pull-request comment, without any host (no netlink at all).
. "$(dirname "$0")/lib.sh"
command -v git >/dev/null || skip_all "git not found"
make_tmp
export GIT_CONFIG_NOSYSTEM=1 HOME=$T
git config --global user.email t@example.invalid
git config --global user.name test
git config --global init.defaultBranch main
R=$T/repo
cp -r "$SRCDIR/examples/profiles" "$R"
git -C "$R" init -q && git -C "$R" add -A && git -C "$R" commit -qm base
base=$(git -C "$R" rev-parse HEAD)

# A branch: esx01's vMotion MTU, and the site file's vMotion table (which
# esx03 extends); esx02, esx04 and esx05 are untouched.
sed -i 's/^    mtu: 9000                       # vMotion below 9000 is a warning/    mtu: 8000/' "$R/hosts/esx01.yaml"
sed -i 's/^    table: 100$/    table: 101/' "$R/common/site-a.yaml"
git -C "$R" commit -qam change

out=$("$HOSTNET" plan --repo "$R" --base "$base" --head HEAD --format markdown --detailed-exitcode)
rc=$?
[ $rc = 2 ] && ok "changes between the commits give exit status 2 with --detailed-exitcode" ||
	not_ok "changes between the commits give exit status 2 with --detailed-exitcode" "rc=$rc"
table=$(grep '^| `' <<<"$out")
want='| `esx01` | 0 | 2 | 0 | vmotion 2 |  |
| `esx03` | 6 | 0 | 6 | vmotion 4 |  |'
[ "$table" = "$want" ] && ok "the summary table lists exactly the hosts whose desired state changed" ||
	not_ok "the summary table lists exactly the hosts whose desired state changed" "$table"
grep -q "^3 other hosts unchanged.$" <<<"$out" && ok "the unchanged hosts are counted" || not_ok "the unchanged hosts are counted" "$out"
grep -q "^~ link vmk1 (veth)  # HEAD:hosts/esx01.yaml:[0-9]*:11$" <<<"$out" && grep -q "^      mtu: 9000 -> 8000$" <<<"$out" &&
	ok "each action names the profile line at the head commit" || not_ok "each action names the profile line at the head commit" "$out"
grep -q '^<details><summary>12 actions</summary>$' <<<"$out" && grep -q '^```diff$' <<<"$out" &&
	ok "each host's actions are a collapsible diff block" || not_ok "each host's actions are a collapsible diff block" "$out"

out=$("$HOSTNET" plan --repo "$R" --base "$base" --head HEAD --host esx01 --format markdown)
[ "$(grep -c '^| `' <<<"$out")" = 1 ] && ok "--host limits the comparison to one host" || not_ok "--host limits the comparison to one host" "$out"

out=$("$HOSTNET" plan --repo "$R" --base HEAD --head HEAD --format markdown --detailed-exitcode)
rc=$?
[ $rc = 0 ] && grep -q "No host's desired state changes (5 hosts checked)." <<<"$out" &&
	ok "a change that alters no desired state says so (exit 0)" || not_ok "a change that alters no desired state says so" "rc=$rc" "$out"

# A comment-only change is not a change of desired state.
sed -i '1s/^/# reviewed\n/' "$R/hosts/esx02.yaml"
git -C "$R" commit -qam comment
out=$("$HOSTNET" plan --repo "$R" --base HEAD~1 --head HEAD --format markdown --detailed-exitcode)
[ $? = 0 ] && ok "editing comments or layout changes no plan" || not_ok "editing comments or layout changes no plan" "$out"

sed -i 's/^    mtu: 8000$/    mtux: 8000/' "$R/hosts/esx01.yaml"
git -C "$R" commit -qam broken
out=$("$HOSTNET" plan --repo "$R" --base "$base" --head HEAD --format markdown)
rc=$?
[ $rc = 1 ] && grep -q '^| `esx01` | | | | | :x: invalid |$' <<<"$out" &&
	grep -q "^HEAD:hosts/esx01.yaml:[0-9]*:5: error: unknown key 'mtux' in adapter (did you mean 'mtu'?)$" <<<"$out" &&
	ok "validation errors at the head appear in the comment and exit 1" ||
	not_ok "validation errors at the head appear in the comment and exit 1" "rc=$rc" "$out"

git -C "$R" rm -q hosts/esx04.yaml && git -C "$R" commit -qm "retire esx04"
out=$("$HOSTNET" plan --repo "$R" --base HEAD~1 --head HEAD --format markdown)
grep -q '^| `esx04` | 0 | 0 | [1-9][0-9]* | [^|]* | host removed |$' <<<"$out" &&
	ok "a removed host shows everything destroyed" || not_ok "a removed host shows everything destroyed" "$out"
tap_done
