// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VMCOREINFO against a real memory image: the input is the VMCOREINFO
 * text, put as the only note into the ELF named by $KCAP_FUZZ_BASE (a
 * synthetic vmcore: 40-mkcore's mem_map for the page filter, mkvmcore's
 * for the printk rings). Every SIZE, OFFSET, SYMBOL, NUMBER and LENGTH the
 * filter and the log readers take from it is hostile; the memory is not.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "dmesg.h"
#include "dump_read.h"
#include "filter.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static int fd = -1;
static Elf64_Ehdr eh;
static Elf64_Phdr *ph;
static off_t base_size;

/* The base ELF in a memfd, once; each input appends notes and headers. */
static void load_base(void)
{
	const char *path = getenv("KCAP_FUZZ_BASE");
	struct stat st;
	int in;

	if (!path || (in = open(path, O_RDONLY)) < 0 || fstat(in, &st) < 0) {
		fprintf(stderr, "fuzz_vmcoreinfo: set KCAP_FUZZ_BASE to a synthetic ELF vmcore\n");
		abort();
	}
	fd = memfd_create("kcap-fuzz-base", 0);
	base_size = st.st_size;
	if (fd < 0)
		abort();
	for (;;) {
		static char buf[1 << 16];
		ssize_t n = read(in, buf, sizeof(buf));

		if (n < 0 || (n > 0 && write(fd, buf, (size_t)n) != n))
			abort();
		if (!n)
			break;
	}
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		abort();
	ph = calloc(eh.e_phnum, sizeof(*ph));
	if (!ph || pread(fd, ph, eh.e_phnum * sizeof(*ph), (off_t)eh.e_phoff) !=
		   (ssize_t)(eh.e_phnum * sizeof(*ph)))
		abort();
	close(in);
	log_init(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	Elf64_Nhdr nh = { 11, (Elf64_Word)len, 0 };
	static const char pad[8];
	struct filter_result r;
	struct dump_ident id;
	struct dump d;
	Elf64_Ehdr e;
	off_t off;
	int i;

	if (len > (1 << 20))
		return 0;
	if (fd < 0)
		load_base();
	if (ftruncate(fd, base_size) < 0)
		abort();
	/* note: "VMCOREINFO\0" padded to 12, then the text padded to 4 */
	off = base_size;
	pwrite(fd, &nh, sizeof(nh), off);
	pwrite(fd, "VMCOREINFO\0\0", 12, off + 12);
	pwrite(fd, data, len, off + 24);
	pwrite(fd, pad, (4 - len % 4) % 4, off + 24 + (off_t)len);
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr p = ph[i];

		if (p.p_type == PT_NOTE) {
			p.p_offset = (uint64_t)off;
			p.p_filesz = p.p_memsz = 24 + (len + 3) / 4 * 4;
		}
		pwrite(fd, &p, sizeof(p), off + 24 + (off_t)(len + 3) / 4 * 4 + i * (off_t)sizeof(p));
	}
	e = eh;
	e.e_phoff = (uint64_t)(off + 24 + (off_t)(len + 3) / 4 * 4);
	pwrite(fd, &e, sizeof(e), 0);

	if (dump_open_fd(&d, fd, "fuzz") == 0) {
		dump_ident(&d, &id);
		dmesg_write(&d, fuzz_devnull());
		if (filter_build(&d, 31, &r, NULL, NULL) == 0)
			filter_free(&r);
		dump_close(&d);
	}
	pwrite(fd, &eh, sizeof(eh), 0);
	return 0;
}
