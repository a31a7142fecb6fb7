// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcap: one binary, two lives.
 *
 * As PID 1 of the capture kernel (kcap.img's /init):
 *   early setup      mounts, fds 0-2, signals, logging       early.c, log.c
 *   not a capture kernel (no /proc/vmcore)? power off        here
 *   configuration    /etc/kcap.conf + kcap.* command line    capture.c, conf.c
 *                    (host-only directives: conf_host.c)
 *   capture          in a supervised worker process          worker.c, capture.c
 *     targets        each finds its place, hands back a sink target_fs.c, target_raw.c
 *     saving         dmesg, space, dump, complete, kexec log save.c (sink.h)
 *                    report.json next to the dump            report.c
 *     the dump       read: dump_open.c, dump_read*.c, vmcoreinfo.c, dmesg.c
 *                    pages kept: filter.c; write: dump_write_plan.c, dump_write*.c
 *                    on-disk formats: fmt_raw.[ch], fmt_kdump.h, fmt_flat.h, fmt_elf.h
 *                    sizes and offsets from a dump: checked.h
 *   final action     reboot / halt / power off / shell       final.c
 * PID 1 never returns from main() and never exits.
 *
 * Anywhere else it is a command-line tool: kcap <command> [args], one
 * file each: cmd_save.c, cmd_savecore.c, cmd_dmesg.c, cmd_info.c,
 * cmd_convert.c, cmd_check_config.c, cmd_report.c, cmd_host_config.c,
 * cmd_kexec.c (the table below).
 *
 * Arrows point down: commands and the worker drive save.c and the targets;
 * targets know nothing of save.c; readers and writers never call up.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "capture.h"
#include "cmd.h"
#include "conf.h"
#include "early.h"
#include "final.h"
#include "log.h"
#include "worker.h"

#ifndef KCAP_VERSION
#define KCAP_VERSION	"unknown"
#endif

static void __attribute__((noreturn)) pid1_main(void)
{
	struct final_decision fin;
	struct kcap_conf conf;
	struct utsname u;
	int status;

	early_setup();
	if (uname(&u) < 0)
		strcpy(u.release, "?");
	log_info("kcap %s starting as PID 1, kernel %s: %s", KCAP_VERSION, u.release,
		 early_cmdline());
	early_log_release();
	if (access(CAPTURE_VMCORE, F_OK) < 0) {
		/* booted as an ordinary kernel with kcap.img: never panic */
		log_info("/proc/vmcore not found: not a capture kernel, powering off");
		final_action(ACT_POWEROFF, 0);
	}

	capture_load_conf(&conf, early_cmdline());
	status = worker_run(capture_worker, &conf, conf.capture_timeout);

	final_policy(&conf, status == 0, &fin);
	if (fin.delay > 0)
		log_info("%s: %s after %d s (%s)", status == 0 ? "final action" : "failure action",
			 conf_action_name(fin.action), fin.delay, fin.why);
	else
		log_info("%s: %s (%s)", status == 0 ? "final action" : "failure action",
			 conf_action_name(fin.action), fin.why);
	final_action(fin.action, fin.delay);
}

static const struct kcap_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} kcap_cmds[] = {
	{ "save", cmd_save, "save a vmcore into a directory (or a raw target) like the capture kernel" },
	{ "savecore", cmd_savecore, "copy the dump from a raw target into a directory" },
	{ "dmesg", cmd_dmesg, "print the crashed kernel's log from a dump" },
	{ "info", cmd_info, "describe a dump file" },
	{ "convert", cmd_convert, "convert a dump (flattened, ELF, kdump-compressed)" },
	{ "check-config", cmd_check_config, "check /etc/kcap.conf syntax and print it normalised" },
	{ "report", cmd_report, "print (or --write) the report.json of dump directories" },
	{ "host-config", cmd_host_config, "the host side of kcap.conf for kcapctl (sysctl triggers, retention)" },
	{ "kexec-load", cmd_kexec_load, "load (or --unload) a crash kernel with kexec_file_load" },
	{ "lvm", cmd_lvm, "print the LVM volumes of image files as the capture kernel sees them" },
};
#define NR_KCAP_CMDS	(sizeof(kcap_cmds) / sizeof(kcap_cmds[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: kcap <command> [args]   (kcap <command> --help)\n");
	for (i = 0; i < NR_KCAP_CMDS; i++)
		fprintf(f, "  %-13s %s\n", kcap_cmds[i].name, kcap_cmds[i].help);
	fprintf(f, "  %-13s %s\n", "--version", "print the version");
	fprintf(f, "As PID 1 (the capture kernel's /init) it saves /proc/vmcore.\n");
}

static int cli_main(int argc, char **argv)
{
	size_t i;

	log_init(0);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("kcap %s\n", KCAP_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < NR_KCAP_CMDS; i++)
		if (!strcmp(argv[1], kcap_cmds[i].name))
			return kcap_cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "kcap: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}

int main(int argc, char **argv)
{
	if (getpid() == 1)
		pid1_main();
	return cli_main(argc, argv);
}
