#!/bin/bash
# What goes into the image is static, and the image holds what the capture needs: /init
# (the collector, byte for byte), BusyBox with /bin/sh, dbclient, /etc/kcap.conf, and every
# module that load.list names.
set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
b=$top/build
for f in kcap busybox dbclient kcap.img; do
	if [ ! -e "$b/$f" ]; then
		echo "SKIP: no build/$f (run make first)"
		exit 77
	fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-static.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
fail=0

for f in kcap busybox dbclient; do
	what=$(file -b "$b/$f")
	case $what in
	*"statically linked"*) echo "ok: build/$f: statically linked" ;;
	*)
		echo "FAIL: build/$f: expected 'statically linked', got: $what"
		fail=1
		;;
	esac
done

case $(od -An -tx1 -N4 "$b/kcap.img" | tr -d ' \n') in
fd377a58) xz -dc "$b/kcap.img" >"$work/cpio" ;;
28b52ffd) zstd -qdc "$b/kcap.img" >"$work/cpio" ;;
*) cp "$b/kcap.img" "$work/cpio" ;;
esac
mkdir "$work/root"
# Not root: cpio cannot make the device nodes, and says so; the listing checks them.
(cd "$work/root" && cpio -id --quiet --no-absolute-filenames <"$work/cpio") 2>"$work/err"
cpio -itv --quiet <"$work/cpio" >"$work/list"
r=$work/root

check_test "/init, executable" -x "$r/init"
if ! cmp -s "$r/init" "$b/kcap"; then
	echo "FAIL: /init differs from build/kcap (expected the same bytes; image older than build/kcap? run make)"
	fail=1
fi
check_test "/bin/busybox" -x "$r/bin/busybox"
check_test "/bin/sh -> busybox" "$(readlink "$r/bin/sh")" = /bin/busybox
check_test "/bin/dbclient" -x "$r/bin/dbclient"
check_test "/etc/kcap.conf" -s "$r/etc/kcap.conf"
check_test "/dev/console, a character device" "$(awk '$NF == "dev/console" { print substr($1, 1, 1) }' "$work/list")" = c
check_test "/dev/null, a character device" "$(awk '$NF == "dev/null" { print substr($1, 1, 1) }' "$work/list")" = c

list=$(echo "$r"/lib/modules/*/load.list)
if [ ! -f "$list" ]; then
	echo "FAIL: expected /lib/modules/<release>/load.list, got: $(cd "$r" && find lib -maxdepth 3)"
	exit 1
fi
dir=$(dirname "$list")
n=0
while read -r m _; do
	n=$((n + 1))
	case $m in
	/*) p=$r$m ;;
	*) p=$dir/$m ;;
	esac
	if [ ! -f "$p" ] || [ "$(od -An -c -N4 "$p" | tr -d ' ')" != '177ELF' ]; then
		echo "FAIL: load.list line $n: expected an uncompressed module at $m"
		fail=1
	fi
done <"$list"
if [ $n = 0 ]; then
	echo "FAIL: load.list is empty (expected at least the virtio modules)"
	fail=1
fi
echo "ok: load.list: $n modules present"
finish || fail=1
exit $fail
