#!/bin/bash
# vm-run.sh CMD [ARG...]: run CMD as root inside a freshly booted Debian 12
# kernel, in the current directory's project, and exit with CMD's status.
#
# Why: this machine's kernel may lack 8021q, VRF, bonding, dummy or bridge
# VLAN filtering; Debian's own kernel has them all.  The kernel package is
# fetched with apt-get download and unpacked (never installed into /boot),
# and booted with qemu (KVM where it really works, software emulation
# otherwise) with a small busybox initramfs.  The guest runs the host's own
# programs: the host's / is shared read-only over 9p and becomes the guest's
# root, with tmpfs on /tmp, /run, /var/tmp and /var/cache/hostnet-test, and
# the project directory (the top of the git tree holding the current
# directory, or the current directory) shared read-write at the same path,
# wherever it lives.  CMD runs there, in the current directory; its output
# (stdout and stderr) comes back on stdout.
#
# Environment:
#   HOSTNET_VM_CACHE    cache of the kernel and initramfs (/var/cache/hostnet-vm)
#   HOSTNET_VM_TIMEOUT  hard limit in seconds for the whole run (1800)
#   HOSTNET_VM_MEM      guest memory in MiB (2048)
#   HOSTNET_VM_CPUS     guest CPUs (the host's, at most 4)
#   HOSTNET_VM_ACCEL    kvm, tcg or auto (auto: KVM when it can run a guest)
# Exit status: CMD's, or 124 on timeout, 125 when the VM could not be had
# (the message says why: no qemu, no kernel package, no boot).
set -u

die() { echo "vm-run: $*" >&2; exit 125; }

[ $# -ge 1 ] || { echo "usage: tools/vm-run.sh CMD [ARG...]" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "run as root (the guest runs CMD as root on the host's files)"
cache=${HOSTNET_VM_CACHE:-/var/cache/hostnet-vm}
timeout_s=${HOSTNET_VM_TIMEOUT:-1800}
mem=${HOSTNET_VM_MEM:-2048}
cpus=${HOSTNET_VM_CPUS:-$(nproc 2>/dev/null || echo 1)}
[ "$cpus" -gt 4 ] && cpus=4
qemu=$(command -v qemu-system-x86_64) ||
	die "qemu-system-x86_64 not found (apt-get install --no-install-recommends qemu-system-x86)"
busybox=
for b in /bin/busybox /usr/bin/busybox; do
	if [ -x "$b" ] && file -L "$b" 2>/dev/null | grep -q 'statically linked'; then busybox=$b; break; fi
done
[ -n "$busybox" ] || die "a static busybox is needed for the initramfs (apt-get install busybox-static)"

# --- the kernel: the version Debian 12's linux-image-amd64 depends on ----
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$kpkg" ] || die "apt-cache does not know linux-image-amd64 (run apt-get update)"
kver=${kpkg#linux-image-}
kdir=$cache/$kver
mkdir -p "$cache" || die "cannot create $cache"
exec 9>"$cache/.lock"
flock 9
if [ ! -f "$kdir/.complete" ]; then
	rm -rf "$kdir" "$cache/dl"
	mkdir -p "$cache/dl" "$kdir"
	(cd "$cache/dl" && apt-get download "$kpkg" >/dev/null 2>&1) ||
		die "cannot download $kpkg (apt-get download failed)"
	dpkg-deb -x "$cache"/dl/"$kpkg"_*.deb "$kdir/root" || die "cannot unpack $kpkg"
	rm -rf "$cache/dl"
	depmod -b "$kdir/root" "$kver" || die "depmod failed for $kver"
	touch "$kdir/.complete"
fi
kernel=$kdir/root/boot/vmlinuz-$kver
moddir=$kdir/root/lib/modules/$kver
[ -r "$kernel" ] || die "no kernel image in $kpkg"

# --- the initramfs: busybox, the modules that reach the 9p root, /init ---
initrd=$kdir/initrd-$(sha1sum "$0" | cut -c1-12).cpio.gz
if [ ! -f "$initrd" ]; then
	t=$(mktemp -d)
	mkdir -p "$t"/{bin,dev,proc,sys,newroot,mods}
	cp "$busybox" "$t/bin/busybox"
	ln -s busybox "$t/bin/sh"
	# virtio-pci and the 9p transport, in dependency order.
	mods=$(for m in virtio_pci virtio_console 9pnet_virtio 9p; do
			modprobe -d "$kdir/root" -S "$kver" --show-depends "$m" || echo "missing $m"
		done 2>/dev/null | awk '$1 == "insmod" { print $2 } $1 == "missing" { print "-" }' | awk '!seen[$0]++')
	{ [ -n "$mods" ] && ! printf '%s\n' "$mods" | grep -qx -- -; } || die "cannot resolve the virtio and 9p modules of $kver"
	for m in $mods; do
		cp "$m" "$t/mods/"
		echo "${m##*/}" >>"$t/mods/order"
	done
	cat >"$t/init" <<'EOF'
#!/bin/sh
# vm-run's guest init: mount the host's tree over 9p, run the command,
# report its status, power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /mods/order); do insmod /mods/$m || echo "vm-run: insmod $m failed"; done
cmdline=$(cat /proc/cmdline)
arg() { for w in $cmdline; do case $w in "$1"=*) echo "${w#*=}";; esac; done; }
proj=$(arg vmrun.proj) run=$(arg vmrun.run) mods=$(arg vmrun.mods)
o="trans=virtio,version=9p2000.L,msize=262144"
mount -t 9p -o "$o,ro,multidevs=remap,cache=loose" hostroot /newroot || { echo "vm-run: cannot mount the host's root"; poweroff -f; }
R=/newroot
for d in dev proc sys; do mount --move /$d $R/$d 2>/dev/null || mount -t $d $d $R/$d; done
mount -t devpts devpts $R/dev/pts 2>/dev/null
# devtmpfs has no /dev/fd, which bash's <(...) needs.
ln -s /proc/self/fd $R/dev/fd 2>/dev/null
for d in tmp var/tmp; do mount -t tmpfs -o mode=1777 tmpfs $R/$d; done
mount -t tmpfs -o mode=755 tmpfs $R/run
mkdir -p $R/run/vmrun
# The host may have no /lib/modules of this kernel (and its / is read-only
# here): the kernel's module loader runs modprobe on the unpacked tree.
printf '#!/bin/sh\nexec /sbin/modprobe -d %s "$@"\n' "${mods%/lib/modules/*}" >$R/run/modprobe
chmod 755 $R/run/modprobe
echo /run/modprobe >$R/proc/sys/kernel/modprobe
mount -t 9p -o "$o" vmrun $R/run/vmrun
# The project at its own path, writable, even under /tmp (now a tmpfs).
mkdir -p $R$proj 2>/dev/null
mount -t 9p -o "$o,multidevs=remap" project $R$proj || { echo "vm-run: cannot mount $proj"; poweroff -f; }
exec chroot $R /bin/sh /run/vmrun/run.sh
EOF
	chmod 755 "$t/init"
	(cd "$t" && set -o pipefail; find . | "$busybox" cpio -o -H newc 2>/dev/null | gzip -1) >"$initrd.tmp" || die "cannot build the initramfs"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$t"
fi
flock -u 9

# --- this run: the command, in a directory shared with the guest ---------
proj=$(git rev-parse --show-toplevel 2>/dev/null || pwd)
proj=$(cd "$proj" && pwd -P)
cwd=$(pwd -P)
case "$cwd" in "$proj"|"$proj"/*) ;; *) proj=$cwd;; esac
case "$proj" in *[[:space:]]*) die "the project path may not contain spaces: $proj";; esac
run=$(mktemp -d "$cache/run.XXXXXX") || die "cannot create a run directory"
trap 'rm -rf "$run"' EXIT
{
	echo '#!/bin/sh'
	echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root'
	echo 'export HOSTNET_IN_VM=1'
	for v in HOSTNET_REQUIRE_ALL HOSTNET TESTS CI NO_COLOR; do
		[ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}"
	done
	echo ': >/run/vmrun/started'
	echo 'stty -F /dev/hvc0 -onlcr 2>/dev/null'
	echo 'hostname vm 2>/dev/null'
	echo 'ip link set lo up 2>/dev/null'
	printf 'cd %q || exit 125\n' "$cwd"
	printf '%q ' "$@"
	echo '>/dev/hvc0 2>&1 </dev/null'
	echo 'echo $? >/run/vmrun/status'
	echo 'sync'
	echo 'poweroff -f'
} >"$run/run.sh"

boot() {  # boot ACCEL: one run of the guest; qemu's exit status
	local cpu=max
	[ "$1" = kvm ] && cpu=host
	rm -f "$run/started" "$run/status"
	# A subshell, so that a qemu abort is reported in qemu.log, not by
	# this shell.
	( timeout --kill-after=10 "$timeout_s" "$qemu" -accel "$1" -cpu "$cpu" -smp "$cpus" -m "$mem" \
		-nodefaults -no-user-config -display none -no-reboot \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 quiet loglevel=1 panic=-1 vmrun.proj=$proj vmrun.mods=$moddir" \
		-serial "file:$run/console.log" \
		-device virtio-serial-pci -chardev stdio,id=out,signal=off -device virtconsole,chardev=out \
		-fsdev local,id=hostroot,path=/,security_model=passthrough,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
		-fsdev local,id=project,path="$proj",security_model=passthrough,multidevs=remap \
		-device virtio-9p-pci,fsdev=project,mount_tag=project \
		-fsdev local,id=vmrun,path="$run",security_model=passthrough \
		-device virtio-9p-pci,fsdev=vmrun,mount_tag=vmrun \
		</dev/null; exit $? ) 2>>"$run/qemu.log"
}

# KVM where it really runs this kernel (/dev/kvm can exist without working
# virtualisation underneath: qemu then aborts before the guest starts), else
# software emulation.  The verdict is kept per kernel and qemu version.
accel=${HOSTNET_VM_ACCEL:-auto}
verdict=$cache/accel-$kver-$("$qemu" --version | head -n 1 | tr -c 'A-Za-z0-9.\n' _)
if [ "$accel" = auto ]; then
	accel=tcg
	if [ -f "$verdict" ]; then
		accel=$(cat "$verdict")
	elif [ -w /dev/kvm ]; then
		accel=kvm
	fi
fi
boot "$accel"
rc=$?
if [ "$accel" = kvm ] && [ ! -e "$run/started" ] && [ -z "${HOSTNET_VM_ACCEL:-}" ]; then
	echo tcg >"$verdict"
	accel=tcg
	boot tcg
	rc=$?
elif [ -e "$run/started" ] && [ ! -f "$verdict" ]; then
	echo "$accel" >"$verdict"
fi
if [ $rc = 124 ] || [ $rc = 137 ]; then
	echo "vm-run: timed out after $timeout_s s" >&2
	exit 124
fi
if [ ! -s "$run/status" ]; then
	echo "vm-run: the guest ended without running the command (qemu exit $rc, $accel); qemu and the console said:" >&2
	tail -n 10 "$run/qemu.log" >&2
	tail -n 30 "$run/console.log" >&2
	exit 125
fi
exit "$(cat "$run/status")"
