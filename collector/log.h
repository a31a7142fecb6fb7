/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_LOG_H
#define KCAP_LOG_H

/*
 * One line per event. In the capture kernel a line goes to /dev/kmsg as
 * "<N>kcap: ..." (one write() per record) and to the console; as a host
 * tool it goes to stderr as "kcap: ...".  No malloc on any of these paths.
 */
void log_init(int pid1);
void log_set_verbose(int verbose);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_warn appends ": strerror(errno)"; log_warnx does not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same as log_warn/log_warnx, with an explicit errno value (e.g. -ret). */
void log_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
