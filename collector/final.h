/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_FINAL_H
#define KCAP_FINAL_H

#include "conf.h"

/* What PID 1 does when the capture is over. */
struct final_decision {
	enum conf_action action;	/* never ACT_UNSET */
	int delay;			/* seconds to wait before a reboot */
	const char *why;		/* for the log line */
};

/*
 * The policy, a pure function (table-tested in tests/unit):
 *  success: final_action if set, else kcap.panic: N = 0 halt (the console
 *           stays readable), N < 0 or unset reboot;
 *  failure: failure_action if set, else reboot;
 *  a reboot waits kcap.panic seconds when N > 0.
 */
void final_policy(const struct kcap_conf *c, int success, struct final_decision *d);

/*
 * PID 1 only, never returns: stop the other processes, sync, unmount the
 * targets, then reboot / halt / power off. ACT_SHELL runs a shell on the
 * console and reboots when it exits. If reboot(2) fails: pause() forever.
 */
void final_action(enum conf_action action, int delay) __attribute__((noreturn));

#endif
