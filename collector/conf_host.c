// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host-side directives of kcap.conf (list in conf_host.h): panic triggers
 * that kcapctl sets with sysctl when it loads the capture kernel, and the
 * retention of old dumps. conf.c's directive table routes them here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_host.h"

static const struct {
	const char *name;	/* the directive */
	const char *sysctl;	/* NULL: not a sysctl */
	int max, def;		/* default -1: not set */
} keys[HOST_NR_KEYS] = {
	[HOST_SYSRQ] = { "sysrq", "kernel.sysrq", 511, -1 },
	[HOST_PANIC_ON_OOPS] = { "panic_on_oops", "kernel.panic_on_oops", 1, 1 },
	[HOST_UNKNOWN_NMI_PANIC] = { "unknown_nmi_panic", "kernel.unknown_nmi_panic", 1, -1 },
	[HOST_PANIC_ON_UNRECOVERED_NMI] = { "panic_on_unrecovered_nmi",
					    "kernel.panic_on_unrecovered_nmi", 1, -1 },
	[HOST_SOFTLOCKUP_PANIC] = { "softlockup_panic", "kernel.softlockup_panic", 1, -1 },
	[HOST_HUNG_TASK_PANIC] = { "hung_task_panic", "kernel.hung_task_panic", 1, -1 },
	[HOST_PANIC_ON_OOM] = { "panic_on_oom", "vm.panic_on_oom", 2, -1 },
	[HOST_KEEP_OLD_DUMPS] = { "keep_old_dumps", NULL, 100000, -1 },
};

void conf_host_init(struct conf_host *h)
{
	int i;

	for (i = 0; i < HOST_NR_KEYS; i++)
		h->val[i] = keys[i].def;
}

int conf_host_set(struct conf_host *h, enum conf_host_key k, const char *val, char *err,
		  size_t errlen)
{
	char *end;
	long v;

	if ((unsigned int)k >= HOST_NR_KEYS) {
		snprintf(err, errlen, "internal: host key %d", (int)k);
		return -1;
	}
	errno = 0;
	v = strtol(val, &end, 10);
	if (!*val || *end || errno || v < 0 || v > keys[k].max) {
		snprintf(err, errlen, "%s %s: expected a number 0..%d", keys[k].name, val,
			 keys[k].max);
		return -1;
	}
	h->val[k] = (int)v;
	return 0;
}

size_t conf_host_format(const struct conf_host *h, char *buf, size_t len)
{
	size_t pos = 0;
	int i, n;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < HOST_NR_KEYS; i++) {
		if (h->val[i] == keys[i].def)
			continue;
		n = snprintf(buf + pos, len - pos, "%s %d\n", keys[i].name, h->val[i]);
		if (n < 0 || (size_t)n >= len - pos)
			break;
		pos += (size_t)n;
	}
	return pos;
}

const char *conf_host_sysctl(enum conf_host_key k)
{
	return (unsigned int)k < HOST_NR_KEYS ? keys[k].sysctl : NULL;
}
