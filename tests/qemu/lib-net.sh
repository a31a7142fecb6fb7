# shellcheck shell=bash
# The scenarios that source this file read NFS_EXPORT NFS_PORT ...:
# shellcheck disable=SC2034
# tests/qemu/lib-net.sh: network scenarios (80-84): real servers started by the test on this
# machine's loopback, reached by the guest through QEMU user networking, where 10.0.2.2 is the
# host's 127.0.0.1 (source lib.sh and lib-capture.sh first).
#
#   net_qemu_nic       QEMU_NIC: a virtio-net card on QEMU's user network (built-in DHCP at
#                      10.0.2.2, DNS 10.0.2.3). Not restrict=on: that also cuts the guest off
#                      10.0.2.2 (only guestfwd/hostfwd pass, and guestfwd is TCP only, which
#                      netconsole's UDP cannot use). The guest is only ever told to send to
#                      10.0.2.2.
#   net_image CONF     a capture image built by mkimage for the test kernel with this kcap.conf
#                      (an nfs target pulls in the [net] and [nfs] modules): NET_IMG
#   nfs_start [--v3|--v6]
#                      nfs-ganesha serving $T/export on 127.0.0.1:NFS_PORT (--v6: on ::1,
#                      which the guest reaches as fec0::2) (NFSv4; --v3 adds
#                      NFSv3 with its MOUNT service on NFS_MOUNT_PORT, which needs rpcbind: one
#                      is started if none runs); NFS_EXPORT is the exported directory
#   tcp_blackhole PORT a TCP server on 127.0.0.1:PORT that accepts and then says nothing
#   nfs_kill           SIGKILL the server (a crash, not a shutdown)
#   net_cleanup        stop what this file started (also on EXIT)
#   udp_listen PORT FILE, udp_stop
#                      a UDP listener (python3) writing what it receives to FILE
#   net_check_dump DIR PANIC_RE BT_RE
#                      a complete dump directory on the host (the export): names, 0700/0600,
#                      the text, and lib.sh's verify_dump (crash, makedumpfile, kcap dmesg)

# Ports: free ones chosen when this file is sourced (several worktrees run these tests on one
# machine; a fixed port would make two runs collide).
net_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
NFS_PORT=$(net_free_port)
NFS_MOUNT_PORT=$(net_free_port)
NFS_EXPORT=""
NFS_PID=""
NET_RPCBIND_PID=""
NET_BLACKHOLE_PID=""

# shellcheck disable=SC2120 # its argument is optional
net_qemu_nic() {	# [OPTION,...]: more -nic user options (guestfwd=...)
	QEMU_NIC=(-nic "user,model=virtio-net-pci,mac=52:54:00:12:34:56${1:+,$1}")
}

net_cleanup() {
	udp_stop
	if [ -n "$NET_BLACKHOLE_PID" ]; then
		kill "$NET_BLACKHOLE_PID" 2>/dev/null || true
		wait "$NET_BLACKHOLE_PID" 2>/dev/null || true
		NET_BLACKHOLE_PID=""
	fi
	if [ -n "$NFS_PID" ]; then
		kill -KILL "$NFS_PID" 2>/dev/null || true
		wait "$NFS_PID" 2>/dev/null || true
		NFS_PID=""
	fi
	if [ -n "$NET_RPCBIND_PID" ]; then
		kill "$NET_RPCBIND_PID" 2>/dev/null || true
		wait "$NET_RPCBIND_PID" 2>/dev/null || true
		NET_RPCBIND_PID=""
	fi
}
trap 'net_cleanup; lib_cleanup' EXIT

# net_image CONF: NET_IMG=$T/kcap.img from this tree's build with kcap.conf CONF.
net_image() {
	kernel_setup --dbg
	NET_IMG=$T/kcap.img
	KCAP_NIC_MODULES="" "$TOP/initramfs/mkimage" -o "$NET_IMG" -k "$KVER" -m "$KROOT" -c "$1" \
		>"$T/mkimage.log" 2>&1 || fail "mkimage -c $1 failed: $(tail -n 5 "$T/mkimage.log")"
	note "$(tail -n 1 "$T/mkimage.log")"
}

# net_wait_port PORT SECS [PID]: something (process PID) listens on TCP 127.0.0.1:PORT within
# SECS (0: checked once).
net_wait_port() {
	local i=0
	while :; do
		ss -Hltnp "sport = :$1" 2>/dev/null | grep -q "${3:+pid=$3,}" && return 0
		i=$((i + 1))
		[ $i -lt $(($2 * 5)) ] || return 1
		sleep 0.2
	done
}

# shellcheck disable=SC2120 # its argument is optional
nfs_start() {
	local v3=0 protos=4 mnt="" bind=127.0.0.1
	[ "${1:-}" != --v3 ] || v3=1
	# IPv6: QEMU's user network takes the guest's fec0::2 to the host's ::1
	[ "${1:-}" != --v6 ] || bind=::1
	need_tools ganesha.nfsd ss
	NFS_EXPORT=$T/export
	mkdir -p "$NFS_EXPORT"
	if [ $v3 = 1 ]; then
		protos="3, 4"
		mnt="MNT_Port = $NFS_MOUNT_PORT;"
		need_tools rpcbind rpcinfo
		# ganesha registers NFSv3 and MOUNT with rpcbind and exits if it cannot. The guest
		# never asks rpcbind (kcap mounts with port= and mountport=).
		if ! rpcinfo -p 127.0.0.1 >/dev/null 2>&1; then
			rpcbind -f -w >"$T/rpcbind.log" 2>&1 &
			NET_RPCBIND_PID=$!
			net_wait_port 111 10 || fail "rpcbind did not start: $(cat "$T/rpcbind.log")"
		fi
	fi
	cat >"$T/ganesha.conf" <<EOF
NFS_CORE_PARAM {
	Protocols = $protos;
	Enable_UDP = false;
	Enable_NLM = false;
	Enable_RQUOTA = false;
	NFS_Port = $NFS_PORT;
	$mnt
	Bind_addr = $bind;
	# NFSv3's MOUNT takes the export by its pseudo path too (/export, as NFSv4 does)
	Mount_Path_Pseudo = true;
}
NFSV4 { Graceless = true; }
EXPORT {
	Export_Id = 1;
	Path = $NFS_EXPORT;
	Pseudo = /export;
	Access_Type = RW;
	Squash = No_Root_Squash;
	Protocols = $protos;
	Transports = TCP;
	SecType = sys;
	FSAL { Name = VFS; }
}
EOF
	! net_wait_port "$NFS_PORT" 0 || fail "port $NFS_PORT is taken before the test started its NFS server"
	ganesha.nfsd -F -f "$T/ganesha.conf" -L "$T/ganesha.log" -p "$T/ganesha.pid" &
	NFS_PID=$!
	if ! net_wait_port "$NFS_PORT" 20 "$NFS_PID"; then
		fail "nfs-ganesha did not listen on $NFS_PORT: $(tail -n 3 "$T/ganesha.log")"
	fi
	note "nfs-ganesha (NFS ${protos// /}) on $bind port $NFS_PORT serving $NFS_EXPORT"
}

nfs_kill() {
	[ -n "$NFS_PID" ] || return 0
	kill -KILL "$NFS_PID" 2>/dev/null || true
	wait "$NFS_PID" 2>/dev/null || true
	NFS_PID=""
}

# net_dump_dirs DIR: the dated <host>-<date> directories under DIR.
net_dump_dirs() {
	find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | grep -E -- "$CAP_DATED_RE" | sort || true
}

net_check_dump() {
	local dir=$1 panic_re=$2 bt_re=$3 names got
	got=$(stat -c '%F %a' "$dir")
	[ "$got" = "directory 700" ] || check_err "expected $dir to be a directory with mode 700, got '$got'"
	names=$(find "$dir" -mindepth 1 -printf '%f\n' | sort | tr '\n' ' ')
	note "dump directory $dir: $names"
	[ "$names" = "kexec-dmesg.log report.json vmcore vmcore-dmesg.txt " ] ||
		check_err "expected $dir to hold 'kexec-dmesg.log report.json vmcore vmcore-dmesg.txt ', got '$names'"
	got=$(find "$dir" -mindepth 1 \( ! -type f -o ! -perm 600 \) -printf '%f: %y %m\n' | tr '\n' ' ')
	[ -z "$got" ] || check_err "expected regular files with mode 600 in $dir, got: $got"
	[ ! -f "$dir/vmcore-dmesg.txt" ] || cap_check_text "$dir/vmcore-dmesg.txt"
	if [ -f "$dir/vmcore" ]; then
		note "vmcore: $(stat -c %s "$dir/vmcore") bytes"
		verify_dump "$dir/vmcore" "$CAP_MARKER" "$panic_re" "$bt_re"
	fi
}

# udp_listen PORT FILE: a UDP listener on 127.0.0.1:PORT appending every datagram to FILE
# (python3, flushed per datagram); udp_stop ends it.
UDP_PID=""
udp_listen() {
	need_tools python3
	: >"$2"
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536))
' "$1" "$2" &
	UDP_PID=$!
	local i
	for ((i = 0; i < 50; i++)); do
		ss -Hlun "sport = :$1" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	fail "the UDP listener on $1 did not start"
}

udp_stop() {
	[ -n "$UDP_PID" ] || return 0
	kill "$UDP_PID" 2>/dev/null || true
	wait "$UDP_PID" 2>/dev/null || true
	UDP_PID=""
}

tcp_blackhole() {
	need_tools python3
	python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
held = []
while True:
    held.append(s.accept()[0])
' "$1" &
	NET_BLACKHOLE_PID=$!
	net_wait_port "$1" 10 "$NET_BLACKHOLE_PID" || fail "the silent TCP server on $1 did not start"
}
