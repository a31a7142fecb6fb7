/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_TARGET_H
#define KCAP_TARGET_H

/*
 * Dump targets: each finds and prepares its place and hands back a sink
 * (sink.h); save.c writes the dump into it. A new target is one file here
 * plus one line in capture.c's table.
 *
 * prepare: 0 with s ready, or -errno (logged with lc, nothing left to undo).
 * release: after save_finish(); undoes what prepare did (unmount, ...).
 */
#include "conf.h"
#include "sink.h"

/* ext4 (target_fs.c): find the device, mount it on /mnt/target<n>. */
int target_fs_prepare(const struct kcap_conf *c, const struct conf_target *t, int n,
		      const struct log_ctx *lc, struct sink *s);
/* sync, unmount. */
void target_fs_release(const struct log_ctx *lc, struct sink *s);
/*
 * For every target that mounts something: make /mnt/target<n> (s->mnt; ""
 * on failure), then s->path = s->mnt + the config's path. 0 or -errno, logged.
 */
int target_mountpoint(int n, const struct log_ctx *lc, struct sink *s);
int target_dump_path(const struct kcap_conf *c, const struct log_ctx *lc, struct sink *s);

/* raw (target_raw.c): find the device. */
int target_raw_prepare(const struct kcap_conf *c, const struct conf_target *t, int n,
		       const struct log_ctx *lc, struct sink *s);
void target_raw_release(const struct log_ctx *lc, struct sink *s);

/* ssh (target_ssh.c): a remote directory over dbclient; a stream sink. */
int target_ssh_prepare(const struct kcap_conf *c, const struct conf_target *t, int n,
		       const struct log_ctx *lc, struct sink *s);
/* stops dbclient if it still runs, removes its private HOME. */
void target_ssh_release(const struct log_ctx *lc, struct sink *s);
/* Best effort, at the start of the capture when an ssh target is configured: see target_ssh.c. */
void target_ssh_early(const struct kcap_conf *c);

/* nfs (target_nfs.c): net_up(), mount host:/export on /mnt/target<n> (issue 14). */
int target_nfs_prepare(const struct kcap_conf *c, const struct conf_target *t, int n,
		       const struct log_ctx *lc, struct sink *s);
/* unmount (bounded; forced and detached when the server is gone). */
void target_nfs_release(const struct log_ctx *lc, struct sink *s);

#endif
