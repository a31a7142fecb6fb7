#!/bin/bash
# Debian replaces package versions with security updates and soon stops serving the old
# ones. A lock that names a version the archive no longer serves must not stop the build:
#  1. third-party source (lzo2, the quickest to build): a lock pinning a version that was
#     never served gives one warning line naming both versions and the --update-lock
#     command, and a build of liblzo2.a from the served version that passes; its
#     .kcap-unpacked says "served";
#  2. the same with KCAP_STRICT_LOCK=1 fails, and the message says why;
#  3. kernel: a lock pinning a kernel the archive does not serve still gives the archive's
#     current cloud kernel (fetch-kernel --print); with KCAP_STRICT_LOCK=1 fetch-kernel
#     fails naming the pinned kernel;
#  4. linux-source: with KCAP_STRICT_LOCK=1 a pin other than the installed version stops
#     scripts/build-kernel before it unpacks anything.
# Builds into build/test-lock*/ (relative: the package rules need B inside the tree).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-lock.XXXXXX") || exit 1
trap 'rm -rf "$work" build/test-lock build/test-lock-strict' EXIT
rm -rf build/test-lock build/test-lock-strict
fail=0

# check WHAT OK: one line of the result
check() {
	if [ "$2" = 1 ]; then
		echo "ok: $1"
	else
		echo "FAIL: $1"
		fail=1
	fi
}

served=$(apt-cache showsrc --only-source lzo2 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n 1)
if [ -z "$served" ]; then
	echo "FAIL: apt serves no lzo2 source package (deb-src missing? run: make deps)"
	exit 1
fi
bogus=2.10-0kcap1
# The lzo2 lines as a real older version would read: its version, its file names, other sums.
awk -v b="$bogus" '$1 == "lzo2" && NF == 4 {
	v = $2; sub(/^[0-9]+:/, "", v); f = $4; sub(v, b, f)
	print "lzo2", b, "00000000000000000000000000000000000000000000000000000000000000" NR, f; next }
	{ print }' scripts/sources.lock >"$work/lock"
grep -q "^lzo2 $bogus " "$work/lock" || { echo "FAIL: could not rewrite the lzo2 lines of the lock"; exit 1; }

# 1. warning and a passing build
out=$work/build.log
KCAP_LOCK=$work/lock make -s B=build/test-lock build/test-lock/sysroot/lib/liblzo2.a >"$out" 2>&1
rc=$?
sed 's/^/  | /' "$out"
check "build with a stale lzo2 pin exits 0 (got $rc)" "$([ $rc = 0 ] && echo 1)"
check "liblzo2.a was built" "$([ -s build/test-lock/sysroot/lib/liblzo2.a ] && echo 1)"
n=$(grep -c "warning: the archive no longer serves the pinned lzo2 $bogus; building the served lzo2 $served instead (pin it: scripts/fetch-source --update-lock lzo2)" "$out")
check "exactly one warning line naming $bogus, $served and --update-lock (got $n)" "$([ "$n" = 1 ] && echo 1)"
used=$(cat "build/test-lock/src/lzo2-$served/.kcap-unpacked" 2>/dev/null)
echo "  .kcap-unpacked: $used"
check "build/test-lock/src/lzo2-$served/.kcap-unpacked says served" \
	"$(case $used in "lzo2 $served served by the archive"*) echo 1 ;; esac)"

# 2. strict: an error with the reason
out=$work/strict.log
KCAP_STRICT_LOCK=1 KCAP_LOCK=$work/lock make -s B=build/test-lock-strict \
	build/test-lock-strict/sysroot/lib/liblzo2.a >"$out" 2>&1
rc=$?
sed 's/^/  | /' "$out"
check "KCAP_STRICT_LOCK=1 build fails (got exit $rc)" "$([ $rc != 0 ] && echo 1)"
check "the error names the pinned $bogus, the served $served and KCAP_STRICT_LOCK=1" \
	"$(grep -q "no longer serves the pinned lzo2 $bogus (it serves $served), and KCAP_STRICT_LOCK=1" "$out" && echo 1)"
check "no liblzo2.a in strict mode" "$([ ! -e build/test-lock-strict/sysroot/lib/liblzo2.a ] && echo 1)"

# 3. kernel
sed -E 's/^deb (linux-[a-z-]*)6\.1\.0-[0-9]+-/deb \16.1.0-999-/; s/^(deb linux-kbuild-6\.1) [^ ]+/\1 6.1.999-1/' \
	scripts/sources.lock >"$work/klock"
grep -q '^deb linux-image-6.1.0-999-cloud-amd64 ' "$work/klock" || { echo "FAIL: could not rewrite the kernel lines"; exit 1; }
cur=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9].*-cloud-amd64$/ { print $2; exit }')
got=$(KCAP_LOCK=$work/klock scripts/fetch-kernel --print 2>&1)
echo "  fetch-kernel --print: $got"
check "with a stale kernel pin the archive's $cur is used" \
	"$(case $got in "$cur "*"records linux-image-6.1.0-999-cloud-amd64"*) echo 1 ;; esac)"
got=$(KCAP_STRICT_LOCK=1 KCAP_LOCK=$work/klock KCAP_KERNEL_DIR=$work/kernel scripts/fetch-kernel 2>&1)
rc=$?
printf "  | %s\n" "$got"
check "KCAP_STRICT_LOCK=1 fetch-kernel fails on the stale pin (exit $rc)" "$([ $rc != 0 ] && echo 1)"
check "and names the pinned kernel" \
	"$(grep -q 'no longer serves linux-image-6.1.0-999-cloud-amd64' <<<"$got" && echo 1)"

# 4. linux-source, strict
sed -E 's/^(deb linux-source-6\.1) [^ ]+/\1 6.1.999-1/' scripts/sources.lock >"$work/slock"
grep -q '^deb linux-source-6.1 6.1.999-1 ' "$work/slock" || { echo "FAIL: could not rewrite the linux-source line"; exit 1; }
got=$(KCAP_STRICT_LOCK=1 KCAP_LOCK=$work/slock scripts/build-kernel --config-only 2>&1)
rc=$?
printf "  | %s\n" "$got"
check "KCAP_STRICT_LOCK=1 build-kernel fails on a linux-source pin other than the installed one (exit $rc)" \
	"$([ $rc != 0 ] && grep -q 'sources.lock pins 6.1.999-1, and KCAP_STRICT_LOCK=1' <<<"$got" && echo 1)"
exit $fail
