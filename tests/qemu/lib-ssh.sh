# shellcheck shell=bash
# The scenarios that source this file read SSH_DIR SSH_PORT SSH_SRV SSH_KEY ...:
# shellcheck disable=SC2034
# tests/qemu/lib-ssh.sh: a real OpenSSH server for the ssh target scenarios (85-89), started
# by the test on 127.0.0.1 with its own host key; the guest reaches it as 10.0.2.2 through
# QEMU's user-mode network (SSH_NIC). Source lib.sh first. Also used on the host alone (the
# server needs nothing from lib.sh but fail and note).
#
#   ssh_server_init DIR    keys (client ed25519 key = the image's sshkey, a host key), the
#                          config, SSH_PORT (a free port), SSH_SRV (the directory dumps go to)
#   ssh_server_start       sshd -D -e -f CONFIG in the background (SSH_PID); waits for it
#   ssh_server_stop        kills it and its sessions
#   ssh_known_hosts FILE HOST [KEYFILE]   an OpenSSH known_hosts line for HOST:SSH_PORT
#                          ("[HOST]:PORT type key", hashed as kcapctl propagate writes it)
#   ssh_image OUT CONF     a capture image for CONF (initramfs/mkimage)
#   ssh_ls DIR             "name type mode size" of the entries of DIR on the server

# (one QEMU argument: the commas are its own)
# shellcheck disable=SC2054
SSH_NIC=(-nic user,model=virtio-net-pci)
SSH_PID=""

ssh_server_init() {
	SSH_DIR=$1
	mkdir -p "$SSH_DIR/srv"
	chmod 700 "$SSH_DIR"
	SSH_SRV=$SSH_DIR/srv
	SSH_KEY=$SSH_DIR/id_ed25519
	rm -f "$SSH_KEY" "$SSH_KEY.pub" "$SSH_DIR/host_ed25519" "$SSH_DIR/host_ed25519.pub"
	ssh-keygen -q -t ed25519 -N '' -C kcap-test-client -f "$SSH_KEY" || fail "ssh-keygen (client) failed"
	ssh-keygen -q -t ed25519 -N '' -C kcap-test-host -f "$SSH_DIR/host_ed25519" ||
		fail "ssh-keygen (host) failed"
	cp "$SSH_KEY.pub" "$SSH_DIR/authorized_keys"
	chmod 600 "$SSH_DIR/authorized_keys"
	SSH_PORT=$(ssh_free_port)
	ssh_server_config
}

# ssh_free_port: a TCP port nothing listens on, above 20000.
ssh_free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 20000))
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return 0; }
	done
	fail "no free TCP port found"
}

ssh_server_config() {
	cat >"$SSH_DIR/sshd_config" <<EOC
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $SSH_DIR/host_ed25519
PidFile $SSH_DIR/sshd.pid
AuthorizedKeysFile $SSH_DIR/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
LogLevel VERBOSE
EOC
}

ssh_server_start() {
	need_tools ssh-keygen ss
	[ -x /usr/sbin/sshd ] || fail "missing /usr/sbin/sshd (package openssh-server; run: make deps)"
	mkdir -p /run/sshd
	/usr/sbin/sshd -t -f "$SSH_DIR/sshd_config" 2>"$SSH_DIR/sshd-t.log" ||
		fail "sshd -t: $(cat "$SSH_DIR/sshd-t.log")"
	/usr/sbin/sshd -D -e -f "$SSH_DIR/sshd_config" 2>>"$SSH_DIR/sshd.log" &
	SSH_PID=$!
	for _ in $(seq 50); do
		ss -Htln "sport = :$SSH_PORT" | grep -q . && return 0
		kill -0 "$SSH_PID" 2>/dev/null || fail "sshd exited at once: $(tail -n 3 "$SSH_DIR/sshd.log")"
		sleep 0.1
	done
	fail "sshd does not listen on 127.0.0.1:$SSH_PORT: $(tail -n 3 "$SSH_DIR/sshd.log")"
}

# ssh_server_stop: the listener and every session it started (their sshd processes are its
# children; a session's own children go with the connection).
ssh_server_stop() {
	[ -n "$SSH_PID" ] || return 0
	pkill -KILL -P "$SSH_PID" 2>/dev/null || true
	kill -KILL "$SSH_PID" 2>/dev/null || true
	wait "$SSH_PID" 2>/dev/null || true
	SSH_PID=""
}

ssh_known_hosts() {
	local file=$1 host=$2 key=${3:-$SSH_DIR/host_ed25519.pub}
	awk -v n="[$host]:$SSH_PORT" '{ print n, $1, $2 }' "$key" >"$file"
	ssh-keygen -q -H -f "$file" >/dev/null 2>&1 || fail "ssh-keygen -H $file failed"
	rm -f "$file.old"
}

# (KCAP_NIC_MODULES="": the image's NIC is [net]'s virtio_net, not this machine's.)
ssh_image() {
	kernel_setup --dbg
	KCAP_NIC_MODULES="" "$TOP/initramfs/mkimage" -o "$1" -k "$KVER" -m "$KROOT" -c "$2" \
		-b "$BUILD" >"$1.log" 2>&1 || fail "mkimage for $2 failed: $(tail -n 3 "$1.log")"
	note "$(tail -n 1 "$1.log")"
	if grep -q '^ssh ' "$2" && [ "$(stat -c %a "$1")" != 600 ]; then
		fail "expected $1 (it holds a private key) to have mode 600, got $(stat -c %a "$1")"
	fi
}

# ssh_conf FILE [MORE LINES...]: a kcap.conf for the test server (user root, the test's key,
# port and known_hosts, path SSH_SRV/dumps) plus MORE LINES.
ssh_conf() {
	local f=$1
	shift
	{
		echo "ssh root@10.0.2.2"
		echo "sshkey $SSH_KEY"
		echo "sshport $SSH_PORT"
		echo "ssh_known_hosts $SSH_DIR/known_hosts"
		echo "path $SSH_SRV/dumps"
		printf '%s\n' "$@"
	} >"$f"
}

# ssh_check_dump DIR PANIC_RE BT_RE: a complete dump directory on the server: vmcore.flat,
# vmcore-dmesg.txt, kexec-dmesg.log and nothing else, directory 0700, files 0600; the text;
# vmcore.flat turned into a normal file by kcap convert, checked by lib.sh's readers; and
# makedumpfile -R gives the same bytes as kcap convert.
ssh_check_dump() {
	local dir=$1 o=$T/out entries names got
	mkdir -p "$o"
	got=$(stat -c %a "$dir")
	[ "$got" = 700 ] || check_err "expected $dir to have mode 700, got $got"
	entries=$(ssh_ls "$dir")
	names=$(awk '{ print $1 }' <<<"$entries" | sort | tr '\n' ' ')
	note "dump directory $dir: $names"
	[ "$names" = "kexec-dmesg.log vmcore-dmesg.txt vmcore.flat " ] ||
		check_err "expected $dir to hold 'kexec-dmesg.log vmcore-dmesg.txt vmcore.flat ', got '$names'"
	got=$(awk '$2 != "f" || $3 != 600 { print $1 ": " $2 " " $3 }' <<<"$entries" | tr '\n' ' ')
	[ -z "$got" ] || check_err "expected regular files with mode 600 in $dir, got: $got"
	[ ! -f "$dir/vmcore-dmesg.txt" ] || cap_check_text "$dir/vmcore-dmesg.txt"
	[ -f "$dir/vmcore.flat" ] || return 0
	note "vmcore.flat: $(stat -c %s "$dir/vmcore.flat") bytes"
	rm -f "$o/vmcore" "$o/vmcore.R"
	if "$BUILD/kcap" convert "$dir/vmcore.flat" "$o/vmcore" >"$o/convert.log" 2>&1; then
		verify_dump "$o/vmcore" "$CAP_MARKER" "$2" "$3"
	else
		check_err "kcap convert $dir/vmcore.flat failed: $(tail -n 2 "$o/convert.log")"
	fi
	# crash reads a flattened file directly too (README says so): the same PANIC: line
	printf 'sys\nq\n' >"$o/crash-flat.cmds"
	if crash -s "$VMLINUX" "$dir/vmcore.flat" -i "$o/crash-flat.cmds" </dev/null >"$o/crash-flat.out" 2>&1 &&
		grep -qa 'PANIC: .*'"$2" "$o/crash-flat.out"; then
		note "crash reads vmcore.flat directly: $(grep -a 'PANIC:' "$o/crash-flat.out" | head -n 1 | sed 's/^ *//')"
	else
		check_err "crash -s vmlinux $dir/vmcore.flat (flattened, read directly): no PANIC: line (see $o/crash-flat.out)"
	fi
	if makedumpfile -R "$o/vmcore.R" <"$dir/vmcore.flat" >"$o/makedumpfile-R.log" 2>&1; then
		cmp -s "$o/vmcore" "$o/vmcore.R" ||
			check_err "makedumpfile -R and kcap convert of $dir/vmcore.flat differ"
	else
		check_err "makedumpfile -R <$dir/vmcore.flat failed: $(tail -n 2 "$o/makedumpfile-R.log")"
	fi
}

ssh_ls() {
	find "$1" -mindepth 1 -maxdepth 1 -printf '%f %y %m %s\n' | sort
}
