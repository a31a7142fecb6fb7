#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `kcap save --ssh USER@HOST VMCORE PATH`: the ssh target on the host, against a
# real OpenSSH sshd started here on 127.0.0.1 (tests/qemu/lib-ssh.sh), with
# build/dbclient: the remote directory (0700, files 0600, "-2" when the name is
# taken), vmcore-dmesg.txt identical to makedumpfile's, vmcore.flat that
# makedumpfile -R and kcap convert turn into the same file (also for ELF, -E:
# the flattened writer must stream sequentially), and the refusals: a changed
# host key, an unknown one, a key the server does not take, nobody listening.
#
# Uses build/kcap, build/dbclient, build/dropbearconvert and the synthetic dump of save.lib.
set -u

work=$(mktemp -d "${TMPDIR:-/tmp}/kcap-save-ssh.XXXXXX") || exit 1
trap 'ssh_server_stop; rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=save.lib
. "$(dirname "$0")/save.lib"
need_tools() { need "$@"; }
note() { :; }
# shellcheck source-path=SCRIPTDIR source=../qemu/lib-ssh.sh
. "$top/tests/qemu/lib-ssh.sh"
need ssh-keygen ss /usr/sbin/sshd makedumpfile
for f in dbclient dropbearconvert; do
	[ -x "$top/build/$f" ] || { echo "FAIL: $top/build/$f not built (run make)"; exit 1; }
done
export KCAP_DBCLIENT=$top/build/dbclient

ssh_server_init "$work/ssh"
ssh_server_start
"$top/build/dropbearconvert" openssh dropbear "$SSH_KEY" "$work/key" >/dev/null 2>&1
chmod 600 "$work/key"
awk '{ print "127.0.0.1", $1, $2 }' "$SSH_DIR/host_ed25519.pub" >"$work/known_hosts"
conf() {	# conf KNOWN_HOSTS: $work/kcap.conf for the test server
	printf 'ssh root@127.0.0.1\nsshkey %s\nsshport %s\nssh_known_hosts %s\n' \
		"$work/key" "$SSH_PORT" "$1" >"$work/kcap.conf"
}
conf "$work/known_hosts"
dest="$SSH_SRV/crash dir"	# a blank in the path: quoting on the remote side

# 1. a dump, flattened although -F was not asked for
"$kcap" save --ssh root@127.0.0.1 --conf "$work/kcap.conf" -c -d 31 "$vmcore" "$dest" \
	>"$work/1.out" 2>"$work/1.log"
check "save --ssh exit status" 0 $? "$work/1.log"
dir=$(cat "$work/1.out")
check "parent directory mode (mkdir -p under umask 077)" 700 "$(mode "$dest")"
check "dump directory mode" 700 "$(mode "$dir")"
check "files in the dump directory" "vmcore-dmesg.txt vmcore.flat" "$(cd "$dir" && echo *)"
check "vmcore-dmesg.txt mode" 600 "$(mode "$dir/vmcore-dmesg.txt")"
check "vmcore.flat mode" 600 "$(mode "$dir/vmcore.flat")"
check_file "vmcore-dmesg.txt" "$ref_dmesg" "$dir/vmcore-dmesg.txt"
check "the log says the format was forced" 1 "$(grep -c 'writing the flattened format (-F) whatever core_collector says' "$work/1.log")" "$work/1.log"
"$kcap" convert "$dir/vmcore.flat" "$work/conv" >/dev/null 2>"$work/conv.log"
check "kcap convert vmcore.flat" 0 $? "$work/conv.log"
makedumpfile -R "$work/mdf" <"$dir/vmcore.flat" >"$work/R.log" 2>&1
check "makedumpfile -R < vmcore.flat" 0 $? "$work/R.log"
check "makedumpfile -R and kcap convert give the same file" same \
	"$(cmp -s "$work/conv" "$work/mdf" && echo same || echo different)"
"$kcap" dmesg "$work/mdf" >"$work/mdf.dmesg" 2>/dev/null
check_file "kcap dmesg of the converted dump" "$ref_dmesg" "$work/mdf.dmesg"

# 2. the same crash again: the name is taken, "-2"; ELF this time
"$kcap" save --ssh root@127.0.0.1 --conf "$work/kcap.conf" -E -d 31 "$vmcore" "$dest" \
	>"$work/2.out" 2>"$work/2.log"
check "second save --ssh exit status" 0 $? "$work/2.log"
check "second dump directory" "$dir-2" "$(cat "$work/2.out")"
rm -f "$work/mdf2"
makedumpfile -R "$work/mdf2" <"$dir-2/vmcore.flat" >"$work/R2.log" 2>&1
check "makedumpfile -R of the flattened ELF" 0 $? "$work/R2.log"
check "an ELF file" ELF "$(head -c 4 "$work/mdf2" | tail -c 3)"
"$kcap" dmesg "$work/mdf2" >"$work/mdf2.dmesg" 2>/dev/null
check_file "kcap dmesg of the flattened ELF" "$ref_dmesg" "$work/mdf2.dmesg"

# 3. refusals: nothing new on the server, one clear line
before=$(find "$dest" | sort)
refused() {	# refused WHAT RE
	"$kcap" save --ssh root@127.0.0.1 --conf "$work/kcap.conf" "$vmcore" "$dest" \
		>"$work/r.out" 2>"$work/r.log"
	check "$1: exit status" 1 $? "$work/r.log"
	check "$1: log line" 1 "$(grep -cE -- "$2" "$work/r.log")" "$work/r.log"
	check "$1: nothing new on the server" "$before" "$(find "$dest" | sort)"
}
ssh-keygen -q -t ed25519 -N '' -f "$work/other" || exit 1
awk '{ print "127.0.0.1", $1, $2 }' "$work/other.pub" >"$work/known_hosts.changed"
conf "$work/known_hosts.changed"
refused "changed host key" "mkdir: the server's host key CHANGED"
echo "192.0.2.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl" \
	>"$work/known_hosts.other"
conf "$work/known_hosts.other"
refused "unknown host key" "the server's host key is UNKNOWN: no '127.0.0.1' line"
conf "$work/known_hosts"
cp "$work/other.pub" "$SSH_DIR/authorized_keys"
refused "key not authorized" 'mkdir: authentication refused'
ssh_server_stop
refused "nobody listening" 'mkdir: connection refused'
finish
