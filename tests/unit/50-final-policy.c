// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The final-action policy as a table: kcap.conf text, capture command line,
 * capture result -> action and delay. Goes through the real parser
 * (conf.c), so a row reads like what an administrator writes.
 */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "final.h"

static const struct row {
	const char *conf;
	const char *cmdline;
	int success;
	const char *action;
	int delay;
} rows[] = {
	/* nothing said: reboot */
	{ "", "", 1, "reboot", 0 },
	{ "", "", 0, "reboot", 0 },
	/* the crashed kernel's kernel.panic */
	{ "", "kcap.panic=10", 1, "reboot", 10 },
	{ "", "kcap.panic=-1", 1, "reboot", 0 },
	{ "", "kcap.panic=0", 1, "halt", 0 },
	{ "", "console=ttyS0 kcap.panic=30 quiet", 1, "reboot", 30 },
	/* failure: failure_action (default reboot); a reboot still waits kcap.panic s */
	{ "", "kcap.panic=0", 0, "reboot", 0 },
	{ "", "kcap.panic=10", 0, "reboot", 10 },
	{ "failure_action halt\n", "kcap.panic=10", 0, "halt", 0 },
	{ "failure_action poweroff\n", "", 0, "poweroff", 0 },
	{ "failure_action shell\n", "kcap.panic=0", 0, "shell", 0 },
	{ "default halt\n", "", 0, "halt", 0 },
	{ "failure_action halt\n", "", 1, "reboot", 0 },
	/* an explicit final_action wins over kcap.panic */
	{ "final_action poweroff\n", "kcap.panic=10", 1, "poweroff", 0 },
	{ "final_action halt\n", "kcap.panic=-1", 1, "halt", 0 },
	{ "final_action reboot\n", "kcap.panic=0", 1, "reboot", 0 },
	{ "final_action reboot\n", "kcap.panic=5", 1, "reboot", 5 },
	{ "final_action poweroff\n", "", 0, "reboot", 0 },
	/* the command line can set the directives too */
	{ "", "kcap.final_action=poweroff kcap.panic=0", 1, "poweroff", 0 },
	{ "final_action halt\n", "kcap.failure_action=shell", 0, "shell", 0 },
};

int main(void)
{
	struct final_decision d;
	struct kcap_conf c;
	size_t i;
	int failed = 0;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		conf_init(&c);
		if (conf_parse_buf(&c, r->conf, "test.conf", 1, NULL, NULL) < 0 ||
		    conf_apply_cmdline(&c, r->cmdline, NULL, NULL) < 0) {
			printf("FAIL: row %zu: config '%s' / '%s' does not parse\n",
			       i + 1, r->conf, r->cmdline);
			failed++;
			continue;
		}
		final_policy(&c, r->success, &d);
		if (strcmp(conf_action_name(d.action), r->action) || d.delay != r->delay) {
			printf("FAIL: row %zu: conf '%s' cmdline '%s' %s: expected %s %d s, got %s %d s (%s)\n",
			       i + 1, r->conf, r->cmdline, r->success ? "success" : "failure",
			       r->action, r->delay, conf_action_name(d.action), d.delay, d.why);
			failed++;
		}
	}
	printf("%zu rows, %d failed\n", i, failed);
	return failed ? 1 : 0;
}
