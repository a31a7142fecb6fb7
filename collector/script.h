/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_SCRIPT_H
#define KCAP_SCRIPT_H

/*
 * kdump_pre / kdump_post: run path with args (NULL-terminated), output on
 * the console. A file the kernel cannot execute (no exec bit, no "#!", or
 * an interpreter missing from the image) runs as "/bin/sh path args".
 * Killed (with its process group) after timeout_s.
 * Returns its exit status 0..255, -ETIMEDOUT, -EINTR (killed by a signal,
 * *sig set), or -errno when it could not be started.
 */
#define SCRIPT_TIMEOUT_S	120	/* a kdump_post that mails the dump dir needs network */

int script_run(const char *path, char *const args[], int timeout_s, int *sig);

#endif
