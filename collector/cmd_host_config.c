// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcap host-config FILE: the host side of kcap.conf (conf_host.h), checked
 * strictly, in a form kcapctl reads line by line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"

static void host_report(void *arg, const char *file, int line, const char *msg)
{
	int *errors = arg;

	if (!strncmp(msg, "error", 5))
		(*errors)++;
	fprintf(stderr, "%s:%d: %s\n", file, line, msg);
}

/*
 * kcap host-config FILE: what kcapctl applies, checked strictly, one
 * instruction a line in a shell-friendly form:
 *   sysctl kernel.panic_on_oops 1
 *   keep_old_dumps 3
 *   path /var/crash
 *   target ext4 UUID=...
 */
int cmd_host_config(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct kcap_conf c;
	int i, errors = 0, ret, opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		fprintf(stderr, "usage: kcap host-config FILE\n");
		return opt == 'h' ? 0 : 2;
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc != 2) {
		fprintf(stderr, "usage: kcap host-config FILE\n");
		return 2;
	}
	conf_init(&c);
	ret = conf_parse_file(&c, argv[1], 1, host_report, &errors);
	if (ret == -EINVAL || errors)
		return 1;
	if (ret < 0) {
		fprintf(stderr, "kcap host-config: %s: %s\n", argv[1], strerror(-ret));
		return 1;
	}
	for (i = 0; i < HOST_NR_KEYS; i++) {
		if (conf_host_sysctl(i) && c.host.val[i] >= 0)
			printf("sysctl %s %d\n", conf_host_sysctl(i), c.host.val[i]);
	}
	printf("keep_old_dumps %d\n", c.host.val[HOST_KEEP_OLD_DUMPS] < 0 ? 0 :
	       c.host.val[HOST_KEEP_OLD_DUMPS]);
	printf("path %s\n", c.path);
	for (i = 0; i < c.nr_targets; i++)
		printf("target %s %s\n", conf_target_kind_name(c.targets[i].kind), c.targets[i].spec);
	return 0;
}
