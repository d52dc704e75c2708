#!/bin/bash
# The shipped example repository validates clean: from files, from a git
# commit (bare and non-bare), and its printed model is well-formed JSON.
. "$(dirname "$0")/lib.sh"
make_tmp
EX=$SRCDIR/examples/profiles

hosts=$(cd "$EX/hosts" && ls -- *.yaml | sed 's/\.yaml$//')
[ "$(echo "$hosts" | wc -w)" -ge 3 ] && ok "examples hold at least three hosts" ||
	not_ok "examples hold at least three hosts" "found: $hosts"

for h in $hosts; do
	out=$("$HOSTNET" validate -q "$EX/hosts/$h.yaml" 2>&1)
	rc=$?
	if [ $rc = 0 ] && ! grep -q 'warning\|error' <<<"$out"; then
		ok "examples/profiles/hosts/$h.yaml validates with no error and no warning"
	else
		not_ok "examples/profiles/hosts/$h.yaml validates with no error and no warning" "rc=$rc" "$out"
	fi
done

# The same files committed to a repository, read without a checkout.
export GIT_CONFIG_NOSYSTEM=1 HOME=$T
git config --global user.email t@example.invalid
git config --global user.name test
git config --global init.defaultBranch main
cp -r "$EX" "$T/work"
git -C "$T/work" init -q && git -C "$T/work" add -A && git -C "$T/work" commit -qm examples
git clone -q --bare "$T/work" "$T/bare.git"
for repo in "$T/work" "$T/bare.git"; do
	out=$("$HOSTNET" validate --repo "$repo" 2>&1)
	rc=$?
	n=$(echo "$hosts" | wc -w)
	if [ $rc = 0 ] && grep -q "^$n profiles checked: 0 errors, 0 warnings$" <<<"$out"; then
		ok "every example host validates from git ($(basename "$repo"))"
	else
		not_ok "every example host validates from git ($(basename "$repo"))" "rc=$rc" "$out"
	fi
done

# The work tree is never read: break it, the commit still validates.
echo "garbage: [" > "$T/work/hosts/$(echo "$hosts" | head -1).yaml"
check "an uncommitted change in the work tree is not seen" \
	"$HOSTNET" validate --repo "$T/work" --ref HEAD

# --print shows the merged model, defaults filled in.
first=$(echo "$hosts" | head -1)
if "$HOSTNET" validate --print -q "$EX/hosts/$first.yaml" >"$T/model.json" 2>"$T/err" &&
	python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); h=m[sys.argv[2]];
assert h["kind"]=="HostProfile" and h["adapters"], h
assert any(s["name"]=="default" for s in h["stacks"])' "$T/model.json" "$first" 2>>"$T/err"; then
	ok "--print emits the merged model as JSON"
else
	not_ok "--print emits the merged model as JSON" "$(cat "$T/err")"
fi
tap_done
