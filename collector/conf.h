/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_CONF_H
#define KCAP_CONF_H

/*
 * /etc/kcap.conf: kdump.conf(5) directive syntax, so an existing RHEL
 * kdump.conf keeps working for the directives we support. Parsing is
 * strict at build time (kcap check-config, image builder) and lenient at
 * capture time: an unknown or bad directive is a warning there, never a
 * reason to lose the dump.
 */
#include <limits.h>
#include <stddef.h>

#include "conf_host.h"
#include "dump_read.h"

#define CONF_MAX_TARGETS	8
#define CONF_STR_MAX		256
#define CONF_FILE_MAX		65536	/* a kdump.conf is a few KiB */

enum conf_target_kind {
	TARGET_RAW,		/* raw <device> */
	TARGET_EXT4,		/* ext4 <device|LABEL=x|UUID=x> */
	TARGET_NFS,		/* nfs <host>:<path> */
	TARGET_SSH,		/* ssh <user>@<host> */
	/* LVM and XFS */
	TARGET_XFS,		/* xfs <device|LABEL=x|UUID=x> */
};

enum conf_action {
	ACT_UNSET = 0,
	ACT_REBOOT,
	ACT_HALT,
	ACT_POWEROFF,
	ACT_SHELL,
};

struct conf_target {
	enum conf_target_kind kind;
	char spec[CONF_STR_MAX];	/* device, LABEL=x, UUID=x, host:/path, user@host */
	int line;			/* line in the file, 0 for command line */
};

/* "network": the capture kernel's address (net.h); dev "" = auto, addr "" = DHCP */
struct conf_net {
	char dev[32];			/* interface name or MAC, "" for the first Ethernet one */
	char addr[64];			/* IPv4/IPv6 address, "" for DHCP */
	int prefix;
	char gw[64];			/* "" for no default route */
	char dns[64];			/* "" to keep the image's /etc/resolv.conf */
};

struct kcap_conf {
	/* tried in order: a fallback chain (kcap addition) */
	struct conf_target targets[CONF_MAX_TARGETS];
	int nr_targets;

	char path[PATH_MAX];		/* "path": default /var/crash */
	char sshkey[PATH_MAX];		/* "sshkey": default /root/.ssh/kdump_id_rsa */

	/* "core_collector makedumpfile <flags>": the work, done by kcap itself */
	char core_collector[CONF_STR_MAX];	/* verbatim, for printing */
	enum dump_format format;	/* DUMP_FMT_KDUMP (-c/-l/-p/-z, default) or DUMP_FMT_ELF (-E) */
	unsigned int compress;		/* DUMP_COMP_* from dump.h; 0 = none; default zlib */
	int flat;			/* -F */
	int dump_level;			/* -d N, default 31 */

	enum conf_action failure_action;	/* "failure_action" or "default"; default reboot */
	enum conf_action final_action;	/* ACT_UNSET: follow kcap.panic */

	char kdump_pre[CONF_STR_MAX];
	char kdump_post[CONF_STR_MAX];
	char extra_modules[CONF_STR_MAX];	/* space separated */

	int capture_timeout;		/* seconds for the whole capture, 0 = none; default 600 */
	int device_timeout;		/* seconds to wait for a target device; default 30 */

	/* from the capture command line only: the crashed kernel's kernel.panic */
	int panic;			/* seconds; valid only when panic_set */
	int panic_set;

	struct conf_host host;		/* kcapctl's directives (conf_host.c) */

	/* ssh target and fence_kdump (target_ssh.c, fence_kdump.c) */
	int ssh_port;			/* "sshport": default 22 */
	char ssh_known_hosts[PATH_MAX];	/* "ssh_known_hosts": default /etc/kcap/known_hosts */
	char fence_nodes[CONF_STR_MAX];	/* "fence_kdump_nodes": space separated, "" = off */
	int fence_port;			/* "fence_kdump_args -p": default 7410 */
	int fence_interval;		/* -i: seconds between messages, default 10 */
	int fence_count;		/* -c: messages per node, 0 = until the capture ends */
	int fence_family;		/* -f: 0 auto, 4 ipv4, 6 ipv6 */

	/* network targets and netconsole (net.c, target_nfs.c) */
	struct conf_net net;		/* "network" */
	char netconsole[CONF_STR_MAX];	/* "netconsole <ip>:<port>", "" = off */
	char nfs_options[CONF_STR_MAX];	/* "nfs_options": mount options added to kcap's */
	char nfs_vers[8];		/* "nfs_vers": 3, 4, 4.0, 4.1, 4.2; "" = 4.2, then 4.1, 4.0 */
};

/* Messages from the parser: file:line: reason. Called for every problem. */
typedef void (*conf_report_fn)(void *arg, const char *file, int line, const char *msg);

void conf_init(struct kcap_conf *c);
/*
 * Parse a file. strict=1: every problem is an error (returns -EINVAL after
 * reporting all of them); strict=0: problems are reported and skipped.
 */
int conf_parse_file(struct kcap_conf *c, const char *path, int strict,
		    conf_report_fn report, void *arg);
/* Same on a buffer (for tests and the command line). */
int conf_parse_buf(struct kcap_conf *c, const char *buf, const char *name,
		   int strict, conf_report_fn report, void *arg);
/* Apply kcap.<directive>=value words of a kernel command line, and kcap.panic=N. */
int conf_apply_cmdline(struct kcap_conf *c, const char *cmdline,
		       conf_report_fn report, void *arg);
/* Normalised form, one directive per line, parseable again by conf_parse_*. */
int conf_format(const struct kcap_conf *c, char *buf, size_t len);

const char *conf_action_name(enum conf_action a);
const char *conf_target_kind_name(enum conf_target_kind k);

#endif
