// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The config parser: the input as /etc/kcap.conf, strict (kcapctl, kcap
 * check-config) and lenient (PID 1 itself: it must never fault), the
 * normalised form parsed back, and the input as a kernel command line.
 */
#define _GNU_SOURCE
#include <string.h>

#include "fuzz.h"
#include "conf.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void quiet(void *arg, const char *file, int line, const char *msg)
{
	(void)arg, (void)file, (void)line, (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct kcap_conf c;
	static char out[1 << 16];
	char *buf = malloc(len + 1);

	if (!buf)
		return 0;
	memcpy(buf, data, len);
	buf[len] = '\0';
	conf_init(&c);
	conf_parse_buf(&c, buf, "fuzz", 1, quiet, NULL);
	conf_init(&c);
	conf_parse_buf(&c, buf, "fuzz", 0, quiet, NULL);
	if (conf_format(&c, out, sizeof(out)) >= 0) {
		conf_init(&c);
		conf_parse_buf(&c, out, "normalised", 1, quiet, NULL);
	}
	conf_init(&c);
	conf_apply_cmdline(&c, buf, quiet, NULL);
	free(buf);
	return 0;
}
