/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_SAVE_H
#define KCAP_SAVE_H

/*
 * Saving one dump into a sink (sink.h), the same sequence for every kind:
 *   vmcore-dmesg.txt first          (best effort)
 *   free space for the dump         (skip when it cannot fit)
 *   vmcore, then marked complete    (must)
 *   kexec-dmesg.log                 (best effort, save_finish)
 * Used by the capture worker (capture.c) and `kcap save` (cmd_save.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "dmesg.h"
#include "dump_read.h"
#include "dump_write.h"
#include "sink.h"

/* The open dump, the crashed kernel's identity, the writer options. */
struct capture {
	struct dump dump;
	struct dump_ident id;
	const struct kcap_conf *conf;
	struct dumpfile_opts opts;	/* from the config; progress set per write */
	struct dump_write_plan plan;	/* from the space check to the write */
	uint64_t mem_bytes;		/* memory in the image (overlaps counted once) */
};

/* dump_open + dump_ident + options; logs what it found. 0 or -errno. */
int save_open(struct capture *cap, const char *path, const struct kcap_conf *c);
void save_close(struct capture *cap);

/* The writer options a configuration asks for. */
void save_opts(const struct kcap_conf *c, struct dumpfile_opts *o);
/* "kdump-compressed zlib", "ELF flattened", ... */
const char *save_format_name(const struct dumpfile_opts *o, char *buf, size_t len);

/*
 * The sequence above on s: 0 when vmcore is complete, -ENOSPC when the dump
 * cannot fit (skipped), another -errno on failure; everything is logged
 * with lc. A directory sink keeps its dump directory open (s->dir, s->dirfd)
 * for save_finish() in either case.
 */
int save_to_sink(struct capture *cap, struct sink *s, const struct log_ctx *lc);
/* Best effort: kexec-dmesg.log into the dump directory; closes what is open. */
void save_finish(struct sink *s, const struct log_ctx *lc);

/* Best effort: what the capture kernel's memory (crashkernel=) must hold for us. */
void save_log_peak_memory(void);

#endif
