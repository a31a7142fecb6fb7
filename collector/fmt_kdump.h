/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_FMT_KDUMP_H
#define KCAP_FMT_KDUMP_H

/*
 * The kdump-compressed format ("KDUMP   ", makedumpfile -c/-l/-p/-z,
 * crash's diskdump.c): makedumpfile's diskdump_mod.h on x86_64 (LP64),
 * the one definition for the reader (dump_read_kdump.c), the writer
 * (dump_write_kdump.c) and kcap convert.
 *
 *   block 0            struct kdump_header (disk_dump_header)
 *   block 1..          struct kdump_sub_header, then copies of VMCOREINFO
 *                      and the ELF notes
 *   1 + sub_hdr_size   1st bitmap (pages that exist), 2nd bitmap (pages
 *                      dumped), bitmap_blocks blocks for the two together
 *   then               struct page_desc, one per set bit of the 2nd bitmap
 *   then               page data
 */
#include <stddef.h>
#include <stdint.h>

#define KDUMP_SIGNATURE		"KDUMP   "
#define KDUMP_HEADER_VERSION	6
/* disk_dump_header.status; page_desc.flags use the same compression bits */
#define DH_COMPRESSED_ZLIB	0x1
#define DH_COMPRESSED_LZO	0x2
#define DH_COMPRESSED_INCOMPLETE 0x8	/* the writer did not get to the end */
#define DH_COMPRESSED_SNAPPY	0x4
#define DH_COMPRESSED_ZSTD	0x20

/* diskdump_mod.h, with the x86_64 sizes and padding spelt out */
struct kdump_header {
	char signature[8];
	int32_t header_version;
	char utsname[6][65];		/* struct new_utsname */
	/* 2 bytes of padding: the timeval is 8-byte aligned */
	int64_t tv_sec;
	int64_t tv_usec;
	uint32_t status;
	int32_t block_size;
	int32_t sub_hdr_size;		/* blocks */
	uint32_t bitmap_blocks;		/* both bitmaps */
	uint32_t max_mapnr;		/* 32-bit copy of max_mapnr_64 */
	uint32_t total_ram_blocks;
	uint32_t device_blocks;
	uint32_t written_blocks;
	uint32_t current_cpu;
	int32_t nr_cpus;
};
_Static_assert(offsetof(struct kdump_header, tv_sec) == 408, "timestamp");
_Static_assert(offsetof(struct kdump_header, status) == 424, "status");
_Static_assert(offsetof(struct kdump_header, nr_cpus) == 460, "nr_cpus");
_Static_assert(sizeof(struct kdump_header) == 464, "disk_dump_header");

struct kdump_sub_header {
	uint64_t phys_base;
	int32_t dump_level;
	int32_t split;
	uint64_t start_pfn;
	uint64_t end_pfn;
	int64_t offset_vmcoreinfo;
	uint64_t size_vmcoreinfo;
	int64_t offset_note;
	uint64_t size_note;
	int64_t offset_eraseinfo;
	uint64_t size_eraseinfo;
	uint64_t start_pfn_64;
	uint64_t end_pfn_64;
	uint64_t max_mapnr_64;
};
_Static_assert(sizeof(struct kdump_sub_header) == 104, "kdump_sub_header");

struct page_desc {
	int64_t offset;
	uint32_t size;
	uint32_t flags;
	uint64_t page_flags;
};
_Static_assert(sizeof(struct page_desc) == 24, "page_desc");

/* Byte offsets, for reading fields out of a block (the reader, convert). */
#define DH_SIGNATURE		offsetof(struct kdump_header, signature)
#define DH_VERSION		offsetof(struct kdump_header, header_version)
#define DH_UTSNAME		offsetof(struct kdump_header, utsname)
#define DH_TIMESTAMP		offsetof(struct kdump_header, tv_sec)
#define DH_STATUS		offsetof(struct kdump_header, status)
#define DH_BLOCK_SIZE		offsetof(struct kdump_header, block_size)
#define DH_SUB_HDR_SIZE		offsetof(struct kdump_header, sub_hdr_size)
#define DH_BITMAP_BLOCKS	offsetof(struct kdump_header, bitmap_blocks)
#define DH_MAX_MAPNR		offsetof(struct kdump_header, max_mapnr)
#define DH_NR_CPUS		offsetof(struct kdump_header, nr_cpus)
#define DH_SIZE			sizeof(struct kdump_header)

#define SH_PHYS_BASE		offsetof(struct kdump_sub_header, phys_base)
#define SH_DUMP_LEVEL		offsetof(struct kdump_sub_header, dump_level)	/* v >= 1 */
#define SH_SPLIT		offsetof(struct kdump_sub_header, split)	/* v >= 2 */
#define SH_START_PFN		offsetof(struct kdump_sub_header, start_pfn)
#define SH_END_PFN		offsetof(struct kdump_sub_header, end_pfn)
#define SH_OFF_VMCOREINFO	offsetof(struct kdump_sub_header, offset_vmcoreinfo)	/* v >= 3 */
#define SH_SIZE_VMCOREINFO	offsetof(struct kdump_sub_header, size_vmcoreinfo)
#define SH_OFF_NOTE		offsetof(struct kdump_sub_header, offset_note)	/* v >= 4 */
#define SH_SIZE_NOTE		offsetof(struct kdump_sub_header, size_note)
#define SH_START_PFN_64		offsetof(struct kdump_sub_header, start_pfn_64)	/* v >= 6 */
#define SH_END_PFN_64		offsetof(struct kdump_sub_header, end_pfn_64)
#define SH_MAX_MAPNR_64		offsetof(struct kdump_sub_header, max_mapnr_64)
#define SH_SIZE			sizeof(struct kdump_sub_header)

#define PD_SIZE			sizeof(struct page_desc)

#endif
