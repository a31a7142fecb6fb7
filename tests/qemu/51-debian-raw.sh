#!/bin/bash
# 51-debian-raw: as 50-debian-deb, with a raw target (/dev/vdb): the capture kernel writes
# the dump to the raw disk, and at the next boot kcap-savecore.service copies it out into
# /var/crash (kcap savecore, report.json by kcap report --write), before kcap.service loads
# again; kcapctl status reports it, the dump passes the three checks. The capture kernel is
# loaded through the kexec_load fallback (kexec-tools, KCAP_LOAD_FALLBACK=always).
# shellcheck source=tests/qemu/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/qemu/lib-debvm.sh
. "$(dirname "$0")/lib-debvm.sh"
debvm_kcap_scenario raw
pass "panic -> Debian up ${KCAP_PANIC_TO_UP}s, dump copied out by kcap-savecore.service (QEMU ${QEMU_SECS}s)"
