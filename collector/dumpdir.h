/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_DUMPDIR_H
#define KCAP_DUMPDIR_H

/*
 * The dump directory, the same for every file-system target, `kcap save`
 * and `kcap savecore`: <path>/<host>-<YYYY-MM-DD-HH:MM:SS>[-N]/ (0700),
 * files written under a temporary name (0600, never an existing one) and
 * renamed when complete. Functions return >= 0 or -errno.
 */
#include <stddef.h>
#include <sys/types.h>

#include "dmesg.h"

/*
 * mkdir -p; components it creates get mode. Never follows a symbolic
 * link: -ELOOP when a component of path is one.
 */
int dumpdir_mkpath(const char *path, mode_t mode);
/*
 * "<host>-<date>": host = nodename (sanitised), "localhost" when unknown or
 * unset ("(none)"); date = crash time, else now; UTC.
 */
void dumpdir_name(const struct dump_ident *id, char *buf, size_t len);
/* Makes base/name, else base/name-2, -3, ... (never an existing one).
 * Returns an O_DIRECTORY fd; the path goes to out. */
int dumpdir_create(const char *base, const char *name, char *out, size_t len);
/* A new file in dirfd: O_CREAT | O_EXCL, mode 0600. Returns the fd. */
int dumpdir_open_new(int dirfd, const char *name);
/* fsync(fd), rename tmp to final without replacing anything, fsync the dir. */
int dumpdir_commit(int dirfd, int fd, const char *tmp, const char *final);

#endif
