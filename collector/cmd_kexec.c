// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcap kexec-load: load the capture kernel for crash with the
 * kexec_file_load(2) system call, so that the host needs no kexec-tools.
 * The kernel itself reads and (under Secure Boot / lockdown, or with
 * KEXEC_SIG_FORCE) verifies the signature of the kernel image: this is the
 * only way to load a crash kernel on a locked-down system. kexec_load(2),
 * the older call that hands the kernel ready-made segments, is refused by
 * lockdown; kcapctl falls back to kexec-tools' `kexec -p -c` only when this
 * command says the kernel lacks kexec_file_load (exit status 3).
 *
 *   kcap kexec-load KERNEL INITRD CMDLINE   load for crash (replaces a loaded one)
 *   kcap kexec-load --unload                unload the crash kernel
 *   kcap kexec-load --status                loaded or not, reserved bytes
 *
 * Exit: 0 done, 1 failed, 2 usage, 3 kexec_file_load not available here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cmd.h"
#include "io.h"

#ifndef KEXEC_FILE_UNLOAD
#define KEXEC_FILE_UNLOAD	0x00000001
#define KEXEC_FILE_ON_CRASH	0x00000002
#define KEXEC_FILE_NO_INITRAMFS	0x00000004
#endif

static long kexec_file_load(int kfd, int ifd, const char *cmdline, unsigned long flags)
{
#ifdef SYS_kexec_file_load
	return syscall(SYS_kexec_file_load, kfd, ifd,
		       cmdline ? strlen(cmdline) + 1 : 0, cmdline, flags);
#else
	(void)kfd, (void)ifd, (void)cmdline, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static long read_sysfs_long(const char *path)
{
	char buf[32];

	if (io_read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* Why the kernel said no, in the words an administrator needs. */
static const char *why(int err)
{
	switch (err) {
	case EPERM:
		return "not allowed (root needed, or kexec disabled by kernel.kexec_load_disabled)";
	case EKEYREJECTED:
	case EBADMSG:
		return "the kernel image's signature was rejected (Secure Boot or KEXEC_SIG_FORCE: use a signed kernel)";
	case ENOEXEC:
		return "not a kernel image this kernel can load (a bzImage is needed)";
	case EADDRNOTAVAIL:
	case ENOMEM:
		return "the crashkernel= reservation is missing or too small for kernel + initrd";
	case EBUSY:
		return "a crash is being handled or the crash kernel is in use";
	case ENOSYS:
	case EINVAL:
		return "this kernel has no kexec_file_load (CONFIG_KEXEC_FILE)";
	}
	return strerror(err);
}

static int kexec_usage(void)
{
	fprintf(stderr,
		"usage: kcap kexec-load KERNEL INITRD CMDLINE   load the crash kernel (kexec_file_load)\n"
		"       kcap kexec-load --unload | --status\n");
	return 2;
}

int cmd_kexec_load(int argc, char **argv)
{
	int kfd, ifd, err;
	long r;

	if (argc == 2 && !strcmp(argv[1], "--status")) {
		printf("loaded %ld\nreserved %ld\n",
		       read_sysfs_long("/sys/kernel/kexec_crash_loaded"),
		       read_sysfs_long("/sys/kernel/kexec_crash_size"));
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--unload")) {
		r = kexec_file_load(-1, -1, NULL, KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH);
		if (r < 0) {
			err = errno;
			fprintf(stderr, "kcap kexec-load: unload: %s\n", why(err));
			return err == ENOSYS ? 3 : 1;
		}
		return 0;
	}
	if (argc != 4 || argv[1][0] == '-')
		return kexec_usage();
	if (read_sysfs_long("/sys/kernel/kexec_crash_size") == 0) {
		fprintf(stderr, "kcap kexec-load: no crashkernel= reservation (/sys/kernel/kexec_crash_size is 0): add crashkernel= to the kernel command line (kcapctl crashkernel --set) and reboot\n");
		return 1;
	}
	kfd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (kfd < 0) {
		fprintf(stderr, "kcap kexec-load: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	ifd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (ifd < 0) {
		fprintf(stderr, "kcap kexec-load: %s: %s\n", argv[2], strerror(errno));
		close(kfd);
		return 1;
	}
	r = kexec_file_load(kfd, ifd, argv[3], KEXEC_FILE_ON_CRASH);
	err = errno;
	close(ifd);
	close(kfd);
	if (r < 0) {
		fprintf(stderr, "kcap kexec-load: kexec_file_load %s + %s: %s (errno %d)\n",
			argv[1], argv[2], why(err), err);
		return err == ENOSYS ? 3 : 1;
	}
	if (read_sysfs_long("/sys/kernel/kexec_crash_loaded") != 1) {
		fprintf(stderr, "kcap kexec-load: loaded, but /sys/kernel/kexec_crash_loaded is not 1\n");
		return 1;
	}
	return 0;
}
