/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_CAPTURE_H
#define KCAP_CAPTURE_H

/*
 * The capture sequence (PID 1's worker) and what the targets share:
 * the open dump, the crashed kernel's identity, the writer options.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf.h"
#include "dmesg.h"
#include "dump_read.h"
#include "dump_write.h"

#define CAPTURE_CONF	"/etc/kcap.conf"
#define CAPTURE_VMCORE	"/proc/vmcore"

struct capture {
	struct dump dump;
	struct dump_ident id;
	const struct kcap_conf *conf;
	struct dumpfile_opts opts;	/* from the config; progress set per write */
	uint64_t mem_bytes;		/* memory in the image (overlaps counted once) */
};

/* /etc/kcap.conf (lenient) + the kcap.* words of cmdline; logs a summary. */
void capture_load_conf(struct kcap_conf *c, const char *cmdline);

/* The worker's body (worker_run): arg is the struct kcap_conf. 0 when some
 * target got a complete vmcore, 1 otherwise. */
int capture_worker(void *arg);

/* dump_open + dump_ident + options; logs what it found. 0 or -errno. */
int capture_open(struct capture *cap, const char *path, const struct kcap_conf *c);
void capture_close(struct capture *cap);

/*
 * A directory target (a mounted file system, `kcap save`): creates
 * base/<host>-<date>/, writes vmcore-dmesg.txt (best effort), checks the
 * free space, writes vmcore. 0 when vmcore is complete, -ENOSPC when the
 * dump cannot fit (skipped), another -errno on failure. *dirfd gets the
 * dump directory (caller closes it) or -1; its path goes to dir.
 * tag ("target 1/2") and what ("ext4 UUID=...") prefix the log lines.
 */
int capture_to_dir(struct capture *cap, const char *tag, const char *what,
		   const char *base, char *dir, size_t dirlen, int *dirfd);

/* Writes the dump's text log to fd: returns bytes written or -errno. */
long capture_dmesg_fd(struct capture *cap, int fd);

/* Size check before a write; 0, or -ENOSPC after logging "skipping". */
int capture_check_space(struct capture *cap, const char *tag, const char *what,
			uint64_t avail);

/*
 * Must: dumpfile_write() at base with progress lines, fsync; logs the
 * result either way. where names the output for the log.
 */
int capture_write_dump(struct capture *cap, const char *tag, int fd, off_t base,
		       const char *where, struct dumpfile_stats *st);

/* Best effort: the capture kernel's own log as dirfd/kexec-dmesg.log. */
void capture_kexec_dmesg(int dirfd, const char *tag);

/* "kdump-compressed zlib", "ELF flattened", ... */
const char *capture_format_name(const struct dumpfile_opts *o, char *buf, size_t len);

#endif
