/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_EARLY_H
#define KCAP_EARLY_H

/*
 * PID 1 stage 1: the API file systems, fds 0/1/2, signals, logging.
 * Nothing in here can fail in a way that stops the capture: every problem
 * is logged (once logging works) and the capture goes on.
 */
void early_setup(void);

/* The capture kernel's command line ("" if /proc/cmdline is unreadable). */
const char *early_cmdline(void);

/*
 * Best effort: one log line per input the image was built from, read from
 * /etc/kcap-release (build/inputs.txt: kcap, kernel, third-party sources),
 * so a capture log names the exact versions.
 */
void early_log_release(void);

/*
 * In a child of PID 1, before it does its work or exec()s: back to the
 * default signal dispositions and an empty signal mask (both survive fork
 * and exec, and a script must not inherit PID 1's ignored SIGTERM).
 */
void early_child_signals(void);

#endif
