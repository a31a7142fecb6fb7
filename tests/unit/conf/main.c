// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host test driver for the config parser: `kcap-conf check-config ARGS`
 * runs cmd_check_config() exactly as the kcap binary would, without
 * linking the rest of the collector.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"

int main(int argc, char **argv)
{
	log_init(0);
	if (argc < 2 || strcmp(argv[1], "check-config")) {
		fprintf(stderr, "usage: %s check-config ARGS\n", argv[0]);
		return 2;
	}
	return cmd_check_config(argc - 1, argv + 1);
}
