// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dump readers on any input: ELF, kdump-compressed, flattened (the
 * format is detected as `kcap info` does), then what the host tools and
 * the capture do with a dump: completeness, page counts, identity, the
 * kernel log (lockless ring, printk_log, plain log_buf, by VMCOREINFO),
 * pages, and the page filter at level 31.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>

#include "fuzz.h"
#include "dmesg.h"
#include "dump_read.h"
#include "filter.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int init;
	struct dump d;
	struct dump_ident id;
	struct filter_result r;
	uint64_t exist, present, pfn;
	char why[256];
	static char page[1 << 16];
	int fd = fuzz_memfd(data, len);

	if (!init) {
		log_init(0);
		init = 1;
	}
	if (dump_open_fd(&d, fd, "fuzz"))
		return 0;
	dump_check_complete(&d, why, sizeof(why));
	dump_count_pages(&d, &exist, &present);
	dump_ident(&d, &id);
	dmesg_write(&d, fuzz_devnull());
	for (pfn = 0; pfn < d.max_pfn && pfn < 4096; pfn += 97)
		if (d.page_size <= sizeof(page))
			dump_read_page(&d, pfn, page);
	if (d.max_pfn < (1ULL << 24) && filter_build(&d, 31, &r, NULL, NULL) == 0)
		filter_free(&r);
	dump_close(&d);
	return 0;
}
