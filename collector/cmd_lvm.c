// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcap lvm IMAGE...: what the capture kernel would make of the LVM physical
 * volumes in these files (label, metadata, each LV's device-mapper table or
 * the reason it would be refused). Reads only; activates nothing.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "lvm.h"

int cmd_lvm(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: kcap lvm IMAGE...\n"
			"  print each LV's device-mapper table (devices named by their image file),\n"
			"  or why the capture kernel would refuse it\n");
		return argc < 2 ? 2 : 0;
	}
	return lvm_print_files(argc - 1, argv + 1);
}
