/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_DUMP_H
#define KCAP_DUMP_H

/*
 * A crashed kernel's memory image, whatever it is stored in: /proc/vmcore
 * or an ELF file (dump_elf.c), a kdump-compressed file (dump_kdump.c), or
 * a flattened stream (dump_flat.c). Everything that reads memory (kernel
 * log, page filter, writers, kcap info) goes through this interface and
 * never looks at the container format.
 *
 * Functions return 0 or a negative errno and never print or exit.
 */
#include <stddef.h>
#include <stdint.h>

enum dump_format {
	DUMP_FMT_ELF,		/* /proc/vmcore or makedumpfile -E */
	DUMP_FMT_KDUMP,		/* kdump-compressed ("KDUMP   ") */
	DUMP_FMT_FLAT,		/* makedumpfile -F stream (of a kdump or an ELF file) */
};

/*
 * One physical range present in the image (ELF PT_LOAD, or synthesised).
 * Ranges do not overlap (the kernel-text PT_LOAD of /proc/vmcore, which
 * repeats RAM pages, is dropped or trimmed). paddr and memsz are exactly
 * the PT_LOAD's: they need not be page aligned (x86 has 0x1000-0x9fc00);
 * bytes of a page outside every range read as zero.
 */
struct dump_range {
	uint64_t paddr;		/* physical start */
	uint64_t vaddr;		/* virtual start from the PT_LOAD (0 if none) */
	uint64_t memsz;		/* bytes of memory described */
	uint64_t filesz;	/* bytes present in the file (<= memsz) */
	uint64_t offset;	/* file offset of paddr's data */
};

struct dump {
	int fd;
	enum dump_format format;
	uint64_t page_size;
	uint64_t max_pfn;	/* one past the highest pfn in any range */

	/* Copies owned by the dump; NUL-terminated for convenience. */
	char *vmcoreinfo;	/* text of the VMCOREINFO note, or NULL */
	size_t vmcoreinfo_len;
	void *notes;		/* every ELF note (PT_NOTE contents), in order */
	size_t notes_len;
	int nr_cpus;		/* number of NT_PRSTATUS notes */

	struct dump_range *ranges;	/* sorted by paddr */
	int nr_ranges;

	/* x86_64 address translation, filled by dump_open() */
	uint64_t phys_base;	/* NUMBER(phys_base), or from the text PT_LOAD */
	uint64_t page_offset;	/* direct-map base (KASLR): p_vaddr - p_paddr */
	uint64_t kaslr_offset;	/* KERNELOFFSET */
	uint64_t pgd_paddr;	/* physical address of init_top_pgt */
	int pgtable_l5;		/* NUMBER(pgtable_l5_enabled) */

	/* set by kdump/flat readers; ELF is complete by construction */
	int incomplete;		/* header says the dump was not finished */
	int dump_level;		/* -1 if unknown (ELF) */
	unsigned int compression;	/* DUMP_COMP_* bits found in the file */

	/* container file */
	uint64_t file_size;	/* bytes (flat: of the file the stream rebuilds) */
	int own_fd;		/* dump_close() closes fd (dump_open did open it) */

	/* format specific */
	void *priv;
	int (*read_page)(struct dump *d, uint64_t pfn, void *buf);
	void (*release)(struct dump *d);

	/* private to dump*.c and vmcoreinfo.c (see dump_priv.h) */
	struct dump_internal *in;
};

#define DUMP_COMP_ZLIB	0x1
#define DUMP_COMP_LZO	0x2
#define DUMP_COMP_SNAPPY 0x4
#define DUMP_COMP_ZSTD	0x20

/* Open by path, detecting the format from the first bytes. */
int dump_open(struct dump *d, const char *path);
/*
 * Open an already open fd (path is only used for messages). The fd stays
 * the caller's: dump_close() does not close it.
 * Both return -EINVAL for a file in no known format, -ENOTSUP for a known
 * format we cannot read (e.g. not x86_64, split dump), -EUCLEAN for
 * inconsistent headers.
 */
int dump_open_fd(struct dump *d, int fd, const char *path);
void dump_close(struct dump *d);

const char *dump_format_name(enum dump_format f);

/*
 * Read one page. Returns 0, -ENOENT when the page is not in the image
 * (a hole, or excluded by filtering: buf is zero-filled in that case),
 * or another negative errno on I/O or decode errors.
 */
int dump_read_page(struct dump *d, uint64_t pfn, void *buf);
/* Is this pfn inside one of the ranges (memory that exists)? */
int dump_pfn_exists(const struct dump *d, uint64_t pfn);
/*
 * Is this pfn stored in the image (dump_read_page would return 0)?
 * Cheap: no page data is read (kdump: the 2nd bitmap; ELF: p_filesz).
 */
int dump_pfn_present(struct dump *d, uint64_t pfn);

/*
 * *exist: pages of memory the image describes (ranges; kdump: 1st bitmap);
 * *present: pages stored in it (kdump: 2nd bitmap). Cheap: no page data.
 */
int dump_count_pages(struct dump *d, uint64_t *exist, uint64_t *present);

/*
 * Is everything the headers promise really in the file? Returns 0 when
 * complete, 1 when not (the kdump "incomplete" flag, a file shorter than
 * its headers, page descriptors or PT_LOADs say, descriptors never
 * written), with a one-line reason in why; or -errno. Reads every kdump
 * page descriptor (24 bytes a page), never the page data.
 */
int dump_check_complete(struct dump *d, char *why, size_t whylen);

/*
 * Physical / kernel-virtual reads of any length, across pages: -ENOENT
 * when a page is not in the image. dump_vtop() returns -EFAULT for an
 * address the crashed kernel's page tables do not map.
 */
int dump_read_phys(struct dump *d, uint64_t paddr, void *buf, size_t len);
int dump_vtop(struct dump *d, uint64_t vaddr, uint64_t *paddr);
int dump_read_virt(struct dump *d, uint64_t vaddr, void *buf, size_t len);
int dump_read_u64(struct dump *d, uint64_t vaddr, uint64_t *val);

/* x86_64 virtual address layout (for readers of kernel structures) */
#define DUMP_START_KERNEL_MAP	0xffffffff80000000ULL

/*
 * VMCOREINFO look-ups (vmcoreinfo.c). The key is the whole left-hand side:
 * vmcoreinfo_str(d, "OSRELEASE"), vmcoreinfo_symbol(d, "prb") reads
 * "SYMBOL(prb)=" as hex, vmcoreinfo_offset(d, "printk_info.seq") reads
 * "OFFSET(printk_info.seq)=" as decimal, likewise _size (SIZE(x)),
 * _number (NUMBER(x), signed decimal) and _length (LENGTH(x)).
 * They return 0, or -ENOENT when the key is missing or malformed.
 * vmcoreinfo_str() returns the NUL-terminated value, or NULL.
 */
const char *vmcoreinfo_str(const struct dump *d, const char *key);
int vmcoreinfo_symbol(const struct dump *d, const char *name, uint64_t *val);
int vmcoreinfo_offset(const struct dump *d, const char *name, uint64_t *val);
int vmcoreinfo_size(const struct dump *d, const char *name, uint64_t *val);
int vmcoreinfo_number(const struct dump *d, const char *name, int64_t *val);
int vmcoreinfo_length(const struct dump *d, const char *name, uint64_t *val);

/* The crashed kernel's identity, for directory names and kcap info. */
struct dump_ident {
	char nodename[65];	/* from init_uts_ns; "" if unknown */
	char release[65];	/* OSRELEASE */
	long long crash_time;	/* CRASHTIME (seconds since the epoch), 0 if unknown */
};
/* From VMCOREINFO, init_uts_ns and the kdump header (dump_read.c): 0, or
 * -ENOENT when neither the release nor the host is known. */
int dump_ident(struct dump *d, struct dump_ident *id);

#endif
