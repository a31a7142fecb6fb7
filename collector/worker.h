/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_WORKER_H
#define KCAP_WORKER_H

/*
 * PID 1 does not capture: it forks a worker that does, and only supervises
 * it. Whatever the worker does (crash, hang in a driver, get OOM-killed),
 * PID 1 is still there to do the final action.
 *
 * worker_run() runs fn(arg) in a child (its own process group), reaps every
 * child while it waits, kills the group when timeout_s (0: none) is over.
 * Returns fn's return value as the child's exit status (0..255), or -1 when
 * the worker was killed, timed out or could not be started; each of those
 * is logged with numbers.
 */
int worker_run(int (*fn)(void *arg), void *arg, int timeout_s);

#endif
