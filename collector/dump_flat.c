// SPDX-License-Identifier: GPL-2.0-or-later
/* Flattened makedumpfile streams: not yet (step 4 of the reader). */
#include <errno.h>

#include "dump_priv.h"

int dump_flat_open(struct dump *d)
{
	(void)d;
	return -ENOTSUP;
}
