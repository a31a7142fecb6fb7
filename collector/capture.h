/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_CAPTURE_H
#define KCAP_CAPTURE_H

/*
 * The capture sequence (PID 1's worker): configuration, the vmcore, the
 * targets in order (targets[] in capture.c), kdump_pre/kdump_post.
 */
#include "conf.h"

#define CAPTURE_CONF	"/etc/kcap.conf"
#define CAPTURE_VMCORE	"/proc/vmcore"

/* /etc/kcap.conf (lenient) + the kcap.* words of cmdline; logs a summary. */
void capture_load_conf(struct kcap_conf *c, const char *cmdline);

/* Reports config problems as warnings (conf_parse_file's report callback). */
void capture_conf_report(void *arg, const char *file, int line, const char *msg);

/* The worker's body (worker_run): arg is the struct kcap_conf. 0 when some
 * target got a complete vmcore, 1 otherwise. */
int capture_worker(void *arg);

#endif
