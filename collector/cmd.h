/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_CMD_H
#define KCAP_CMD_H

/*
 * Host subcommands of the kcap binary (when it is not PID 1). argv[0] is
 * the subcommand name. Return value: exit status (0 ok, 1 failure, 2 usage).
 */
int cmd_save(int argc, char **argv);		/* capture.c: save a vmcore like PID 1 would */
int cmd_dmesg(int argc, char **argv);		/* dmesg.c */
int cmd_info(int argc, char **argv);		/* info.c */
int cmd_check_config(int argc, char **argv);	/* conf.c */
int cmd_savecore(int argc, char **argv);	/* target_raw.c */
int cmd_convert(int argc, char **argv);		/* dumpfile_flat.c or convert.c */
int cmd_report(int argc, char **argv);		/* report.c */
int cmd_host_config(int argc, char **argv);	/* conf_host.c */
int cmd_kexec_load(int argc, char **argv);	/* cmd_kexec.c */

#endif
