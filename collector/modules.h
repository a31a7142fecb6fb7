/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_MODULES_H
#define KCAP_MODULES_H

/*
 * Load the kernel modules the image builder put in the image, in the order
 * of /lib/modules/$(uname -r)/load.list (one .ko path per line, relative
 * to that directory or absolute, dependencies first, optional parameters
 * after it),
 * then each name of extra_modules (space separated) that load.list did not
 * have. Best effort: every failure is logged, EEXIST is success.
 * Returns the number of modules that failed.
 */
int modules_load(const char *extra);

#endif
