// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The raw-target header: the input is the partition (header block, text,
 * dump), handed to `kcap savecore --force` as /proc/self/fd/N; what it
 * copies goes to a scratch directory emptied after every input.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "cmd.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static int rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag;
	return ftw->level ? remove(path) : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static char dir[] = "/tmp/kcap-fuzz-raw.XXXXXX";
	static int init;
	char dev[64];
	char *argv[] = { "savecore", "--force", dev, dir, NULL };
	int fd = fuzz_memfd(data, len);

	if (!init) {
		if (!mkdtemp(dir))
			abort();
		log_init(0);
		init = 1;
	}
	snprintf(dev, sizeof(dev), "/proc/self/fd/%d", fd);
	optind = 1;
	cmd_savecore(4, argv);
	nftw(dir, rm, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}
