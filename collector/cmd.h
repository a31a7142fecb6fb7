/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_CMD_H
#define KCAP_CMD_H

/*
 * Host subcommands of the kcap binary (when it is not PID 1). argv[0] is
 * the subcommand name; each parses its options with getopt_long.
 * Return value: exit status (0 ok, 1 failure, 2 usage).
 */
int cmd_save(int argc, char **argv);		/* cmd_save.c: save a vmcore like PID 1 would */
int cmd_savecore(int argc, char **argv);	/* cmd_savecore.c */
int cmd_dmesg(int argc, char **argv);		/* cmd_dmesg.c */
int cmd_info(int argc, char **argv);		/* cmd_info.c */
int cmd_convert(int argc, char **argv);		/* cmd_convert.c */
int cmd_check_config(int argc, char **argv);	/* cmd_check_config.c */
int cmd_report(int argc, char **argv);		/* cmd_report.c */
int cmd_host_config(int argc, char **argv);	/* cmd_host_config.c */
int cmd_kexec_load(int argc, char **argv);	/* cmd_kexec.c */
int cmd_lvm(int argc, char **argv);		/* cmd_lvm.c (LVM) */

#endif
