#!/bin/bash
# The pre-receive hook, driven by real `git push`es into a bare repository.
. "$(dirname "$0")/lib.sh"
command -v git >/dev/null || skip_all "git not found"
make_tmp
export GIT_CONFIG_NOSYSTEM=1 HOME=$T HOSTNET
git config --global user.email t@example.invalid
git config --global user.name test
git config --global init.defaultBranch main

git init -q --bare "$T/server.git"
cp "$BUILDDIR/examples/hooks/pre-receive" "$T/server.git/hooks/pre-receive"
chmod +x "$T/server.git/hooks/pre-receive"
git clone -q "$T/server.git" "$T/work" 2>/dev/null
cp -r "$SRCDIR/examples/profiles/." "$T/work/"
cd "$T/work" || exit 1
git add -A && git commit -qm "host profiles"

out=$(git push -q origin main 2>&1)
rc=$?
[ $rc = 0 ] && [ "$(git -C "$T/server.git" rev-parse main)" = "$(git rev-parse HEAD)" ] &&
	ok "a push of valid profiles lands" || not_ok "a push of valid profiles lands" "rc=$rc" "$out"

before=$(git -C "$T/server.git" rev-parse main)
sed -i 's/^    mtu: 9000                       # vMotion below 9000 is a warning/    mtux: 9000/' hosts/esx01.yaml
git commit -qam "typo"
bad=$(git rev-parse HEAD)
line=$(grep -n "mtux" hosts/esx01.yaml | cut -d: -f1)
out=$(git push origin main 2>&1)
rc=$?
want="remote: $bad:hosts/esx01.yaml:$line:5: error: unknown key 'mtux' in adapter (did you mean 'mtu'?)"
[ $rc != 0 ] && grep -qF -- "$want" <<<"$out" &&
	ok "a push with an invalid profile is refused with FILE:LINE:COLUMN" ||
	not_ok "a push with an invalid profile is refused with FILE:LINE:COLUMN" "rc=$rc" "want: $want" "$out"
[ "$(git -C "$T/server.git" rev-parse main)" = "$before" ] && ! git -C "$T/server.git" cat-file -e "$bad" 2>/dev/null &&
	ok "the refused push left the server repository unchanged" ||
	not_ok "the refused push left the server repository unchanged"
git reset -q --hard "$before"

# A shared file broken: every host that extends it is checked and refused.
sed -i 's/^    table: 100$/    table: 254/' common/site-a.yaml
git commit -qam "break the site file"
out=$(git push origin main 2>&1)
[ $? != 0 ] && grep -q "remote: .*:common/site-a.yaml:[0-9]*:[0-9]*: error: table: 254 is reserved" <<<"$out" &&
	ok "a broken shared fragment is caught through the hosts that extend it" ||
	not_ok "a broken shared fragment is caught through the hosts that extend it" "$out"
git reset -q --hard "$before"

echo "notes" >README.txt && git add README.txt && git commit -qm "docs only"
out=$(git push origin main 2>&1)
[ $? = 0 ] && ! grep -q "hostnet: checking" <<<"$out" && ok "a push that touches no profile passes without a check" ||
	not_ok "a push that touches no profile passes without a check" "$out"

git push -q origin main:refs/heads/topic 2>/dev/null
out=$(git push origin :topic 2>&1)
[ $? = 0 ] && ! git -C "$T/server.git" rev-parse -q --verify topic >/dev/null &&
	ok "deleting a branch passes" || not_ok "deleting a branch passes" "$out"

git checkout -q -b newhost
sed 's/^host: esx03/host: esx05/; s/192.0.2.13/192.0.2.15/; s/198.51.100.13/198.51.100.15/; s/203.0.113.13/203.0.113.15/' hosts/esx03.yaml >hosts/esx05.yaml
git add hosts/esx05.yaml && git commit -qm "new host"
out=$(git push origin newhost 2>&1)
[ $? = 0 ] && grep -q "hostnet: checking newhost" <<<"$out" && ok "a new branch with a new host is checked and lands" ||
	not_ok "a new branch with a new host is checked and lands" "$out"
tap_done
