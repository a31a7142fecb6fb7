// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A host build of the reader side only (kcap dmesg, kcap info), for the
 * unit tests: collector/main.c drags in the whole capture sequence.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"

int main(int argc, char **argv)
{
	log_init(0);
	if (argc >= 2 && !strcmp(argv[1], "dmesg"))
		return cmd_dmesg(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "info"))
		return cmd_info(argc - 1, argv + 1);
	fprintf(stderr, "usage: kcap-reader dmesg|info ...\n");
	return 2;
}
