// SPDX-License-Identifier: GPL-2.0-or-later
/* kdump-compressed files: not yet (step 4 of the reader). */
#include <errno.h>

#include "dump_priv.h"

int dump_kdump_open(struct dump *d)
{
	(void)d;
	return -ENOTSUP;
}
