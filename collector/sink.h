/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_SINK_H
#define KCAP_SINK_H

/*
 * A sink: the place one target found and prepared for a dump. The target
 * (target_*.c) fills in kind and path and hands it over; save.c runs the
 * same sequence on every kind of sink (vmcore-dmesg.txt, free space,
 * vmcore, mark complete, kexec-dmesg.log) and fills in the rest.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fmt_raw.h"

/* Who is writing, for every log line: "target 1/2" and "ext4 UUID=...". */
struct log_ctx {
	const char *tag;
	const char *what;
};

enum sink_kind {
	SINK_DIR,	/* a directory on a mounted file system: path/<host>-<date>/ */
	SINK_RAW,	/* a block device (or a file) holding one dump: fmt_raw.h */
	SINK_STREAM,	/* a remote directory reached by pipes that cannot seek (flattened only) */
};

struct sink;

/*
 * SINK_STREAM: how to reach the remote directory, given by the target
 * (target_ssh.c). Each returns 0 or -errno, and logs what went wrong.
 */
struct sink_remote {
	/* mkdir <path>/<name>, else <name>-2, -3, ... (0700): the new one goes to s->dir.
	 * With first: that small file too, as put() does, in the same step (one connection
	 * less); its failure is logged and does not fail mkdir. */
	int (*mkdir)(struct sink *s, const char *name, const char *first, const void *buf,
		     size_t len, const struct log_ctx *lc);
	/* a small file, whole: written as <name>.incomplete, checked to hold len bytes,
	 * then renamed to name (0600) */
	int (*put)(struct sink *s, const char *name, const void *buf, size_t len,
		   const struct log_ctx *lc);
	/* a stream into tmp: *fd (a pipe) takes the bytes, sequentially */
	int (*open)(struct sink *s, const char *tmp, int *fd, const struct log_ctx *lc);
	/* ends the stream (closes the fd open gave). ok: the writer sent bytes bytes
	 * and says it is complete; then tmp is renamed to name only if the far side
	 * ended cleanly and holds exactly bytes bytes. !ok: tmp stays as it is. */
	int (*close)(struct sink *s, const char *tmp, const char *name, int ok, uint64_t bytes,
		     const struct log_ctx *lc);
};

struct sink {
	enum sink_kind kind;
	char path[PATH_MAX];	/* DIR: where dump directories go; RAW: the device */
	char mnt[32];		/* what the target mounted for it ("" when nothing) */
	char dev[PATH_MAX];	/* the device the target found, for the report ("" if none) */
	/* save.c's from here on */
	char dir[PATH_MAX];	/* DIR: the dump directory, once made */
	int dirfd;		/* DIR: the dump directory, -1 when there is none */
	int fd;			/* RAW: the device, -1 when closed */
	uint64_t size;		/* RAW: bytes on the device */
	struct raw_header hdr;	/* RAW: what the header says */
	int mark_failed;	/* RAW: a failure is to be written into the header */
	const struct sink_remote *remote;	/* STREAM: the target's, with its state */
	void *remote_arg;
};

/* An empty sink of this kind at path (no fds open). 0, -ENAMETOOLONG. */
static inline int sink_init(struct sink *s, enum sink_kind kind, const char *path)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->dirfd = -1;
	s->fd = -1;
	if (snprintf(s->path, sizeof(s->path), "%s", path) >= (int)sizeof(s->path))
		return -ENAMETOOLONG;
	return 0;
}

#endif
