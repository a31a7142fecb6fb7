/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_CONF_HOST_H
#define KCAP_CONF_HOST_H

/*
 * The host side of kcap.conf: directives the capture kernel ignores and
 * kcapctl applies on the running system (`kcap host-config FILE` prints
 * them for it, checked).
 *
 *   sysrq N                      kernel.sysrq (0-511; 1 = all functions)
 *   panic_on_oops 0|1            kernel.panic_on_oops (default 1, as Debian)
 *   unknown_nmi_panic 0|1        kernel.unknown_nmi_panic (NMI button)
 *   panic_on_unrecovered_nmi 0|1 kernel.panic_on_unrecovered_nmi
 *   softlockup_panic 0|1         kernel.softlockup_panic
 *   hung_task_panic 0|1          kernel.hung_task_panic
 *   panic_on_oom 0|1|2           vm.panic_on_oom
 *   keep_old_dumps N             keep the N newest dumps in path, 0 = all
 *
 * A trigger that is not set is left as the system has it.
 */
#include <stddef.h>

enum conf_host_key {
	HOST_SYSRQ,
	HOST_PANIC_ON_OOPS,
	HOST_UNKNOWN_NMI_PANIC,
	HOST_PANIC_ON_UNRECOVERED_NMI,
	HOST_SOFTLOCKUP_PANIC,
	HOST_HUNG_TASK_PANIC,
	HOST_PANIC_ON_OOM,
	HOST_KEEP_OLD_DUMPS,
	HOST_NR_KEYS,
};

struct conf_host {
	int val[HOST_NR_KEYS];		/* -1: not set */
};

void conf_host_init(struct conf_host *h);
/* 0, or -1 with the reason in err. */
int conf_host_set(struct conf_host *h, enum conf_host_key k, const char *val, char *err,
		  size_t errlen);
/* The directives that differ from the defaults, one a line; bytes written. */
size_t conf_host_format(const struct conf_host *h, char *buf, size_t len);
/* The sysctl a key sets ("kernel.sysrq"), NULL for keep_old_dumps. */
const char *conf_host_sysctl(enum conf_host_key k);

#endif
