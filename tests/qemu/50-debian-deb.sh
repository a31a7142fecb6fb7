#!/bin/bash
# 50-debian-deb: kcap as an administrator installs it, on a real Debian 12 VM (systemd, the
# cloud kernel, crashkernel=160M; lib-debvm.sh builds and caches it with mmdebstrap): dpkg -i
# kcap.deb, kcap.service loads the capture kernel, kcapctl status says loaded, kcapctl test
# --yes crashes it, kcap captures to /var/crash on the root file system, the VM reboots
# into Debian, kcapctl status (and --json) reports the crash with its panic line, and the dump
# passes the three checks (makedumpfile, crash, kcap dmesg) read from the disk by the host.
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/qemu/lib-debvm.sh
. "$(dirname "$0")/lib-debvm.sh"
debvm_kcap_scenario ext4
pass "panic -> dump complete ${KCAP_PANIC_TO_DUMP}s, panic -> Debian up ${KCAP_PANIC_TO_UP}s, image ${KCAP_IMG_BYTES} bytes (QEMU ${QEMU_SECS}s)"
