#!/bin/bash
# The capture image is reproducible: initramfs/mkimage run twice on the same inputs gives
# the same bytes, even when the second run sees fresh copies of the inputs (other mtimes,
# other paths), another umask and another TMPDIR. Reuses the binaries in build/ (make
# first; nothing is rebuilt; they are copied first, so a concurrent make cannot change them
# between the two runs) and the pinned kernel's modules in build/kernel/. Also: no path of
# this machine (the source tree, the temporary directories) inside the image. The inputs are
# the ones this build actually used (build/inputs.txt: the archive's kernel, or a served
# source version when the pin is gone), and they are in the image as /etc/kcap-release.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
b=$top/build
for f in kcap busybox dbclient host/gen_cpio kernel/release inputs.txt; do
	if [ ! -e "$b/$f" ]; then
		echo "SKIP: no build/$f (run make first)"
		exit 77
	fi
done
kver=$(cat "$b/kernel/release")
work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-repro.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
bin=$work/bin
mkdir -p "$bin/host"
for f in kcap busybox busybox.links dbclient dropbearconvert host/gen_cpio inputs.txt; do
	[ ! -e "$b/$f" ] || cp -p "$b/$f" "$bin/$f"
done
export SOURCE_DATE_EPOCH=1700000000
fail=0
echo "inputs (build/inputs.txt):"
sed 's/^/  /' "$bin/inputs.txt"

# An nfs target too, so that the network and NFS modules (with dependencies) are in.
printf 'nfs 10.0.2.2:/export\npath /var/crash\ncore_collector makedumpfile -c -d 31\n' >"$work/nfs.conf"

for conf in "$top/rootfs-overlay/etc/kcap.conf" "$work/nfs.conf"; do
	name=$(basename "$conf" .conf)
	mkdir -p "$work/a-$name" "$work/b-$name/tmp" "$work/b-$name/in"
	if ! "$top/initramfs/mkimage" -o "$work/a-$name/kcap.img" -k "$kver" -m "$b/kernel/root" \
		-c "$conf" -b "$bin" -r "$top/rootfs-overlay" >"$work/a-$name/log" 2>&1; then
		echo "FAIL: mkimage ($name, first run):"
		cat "$work/a-$name/log"
		exit 1
	fi
	sleep 1	# a leaked time stamp would now differ
	cp -R "$top/rootfs-overlay" "$work/b-$name/in/overlay"
	cp "$conf" "$work/b-$name/in/kcap.conf"
	if ! (umask 077 && cd "$work" && TMPDIR=$work/b-$name/tmp "$top/initramfs/mkimage" \
		-o "$work/b-$name/kcap.img" -k "$kver" -m "$b/kernel/root" \
		-c "$work/b-$name/in/kcap.conf" -b "$bin" -r "$work/b-$name/in/overlay") \
		>"$work/b-$name/log" 2>&1; then
		echo "FAIL: mkimage ($name, second run):"
		cat "$work/b-$name/log"
		exit 1
	fi
	a=$(sha256sum <"$work/a-$name/kcap.img" | cut -d' ' -f1)
	c=$(sha256sum <"$work/b-$name/kcap.img" | cut -d' ' -f1)
	if [ "$a" != "$c" ]; then
		echo "FAIL: $name: two builds differ: expected sha256 $a, got $c"
		xz -dc "$work/a-$name/kcap.img" | cpio -itv --quiet >"$work/a.list"
		xz -dc "$work/b-$name/kcap.img" | cpio -itv --quiet >"$work/b.list"
		if cmp -s "$work/a.list" "$work/b.list"; then
			echo "same entries; the contents differ: $(xz -dc "$work/a-$name/kcap.img" |
				cmp - <(xz -dc "$work/b-$name/kcap.img"))"
		else
			diff "$work/a.list" "$work/b.list" | head -20
		fi
		fail=1
	else
		echo "ok: $name: identical, sha256 $a ($(wc -c <"$work/a-$name/kcap.img") bytes)"
	fi
	xz -dc "$work/a-$name/kcap.img" >"$work/a-$name/cpio"
	cpio -i --quiet --to-stdout etc/kcap-release <"$work/a-$name/cpio" >"$work/release" || true
	if ! cmp -s "$work/release" "$bin/inputs.txt"; then
		echo "FAIL: $name: /etc/kcap-release in the image is not build/inputs.txt"
		fail=1
	fi
	for p in "$top" "$work" "${TMPDIR:-/tmp}/kcap-mkimage"; do
		if grep -aqF "$p" "$work/a-$name/cpio"; then
			echo "FAIL: $name: the image contains the host path $p:"
			grep -aoF "$p" "$work/a-$name/cpio" | sort | uniq -c | head -5
			fail=1
		fi
	done
done
exit $fail
