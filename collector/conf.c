// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcap.conf: the kdump.conf(5) syntax, so that an existing RHEL kdump.conf
 * keeps working for the directives kcap implements.
 *
 * The syntax is what kdumpctl and kdump-lib-initramfs.sh accept: one
 * directive per line, leading whitespace allowed, '#' starts a comment
 * (also after a value: kdump_get_conf_val cuts the value at the first '#'),
 * the directive is the first word and its value is the rest of the line,
 * with surrounding whitespace and one pair of surrounding double quotes
 * removed.
 *
 * Differences from kdump-utils, on purpose:
 *  - several target lines (raw, ext4, nfs, ssh) form an ordered fallback
 *    chain; kdumpctl refuses a second target ("More than one dump targets
 *    specified");
 *  - extra_modules lines accumulate (kdumpctl calls a second one a
 *    duplicate);
 *  - capture_timeout and device_timeout are kcap additions;
 *  - core_collector must be makedumpfile: kcap does its work itself. -c,
 *    -l, -p, -z, -E, -F and -d are honoured (-p and -z, and -l unless built
 *    with KCAP_WITH_LZO, become -c: Debian's makedumpfile 1.7.2 reads only
 *    zlib and LZO); its other options are ignored with a warning. Without
 *    -d the level is 0, as for makedumpfile itself;
 *  - a duplicate single-valued directive is an error when strict, as
 *    kdumpctl makes it, but when lenient (capture time) the later line wins,
 *    which is what kdump_get_conf_val does inside the kdump initramfs.
 *
 * The kernel command line of the capture kernel can override the file
 * (conf_apply_cmdline): kcap.<directive>=<value>, '-' and '_' alike in the
 * name, quoted the way the kernel quotes ("kcap.path=/a b" or
 * kcap.path="/a b"). The first target word (kcap.raw=, kcap.ext4=,
 * kcap.nfs=, kcap.ssh=) replaces the file's whole chain and further target
 * words extend it in command-line order, so
 *	kcap.ext4=LABEL=crash kcap.nfs=srv:/export
 * is a chain of two that ignores the file's targets. kcap.extra_modules=
 * adds modules; every other directive replaces the file's value.
 * kcap.panic=N is the crashed kernel's kernel.panic. A bad value or an
 * unknown kcap.* word is reported and skipped, never fatal.
 *
 * Strict parsing (kcap check-config, the image builder) reports every
 * problem and fails; lenient parsing (PID 1 in the capture kernel) reports
 * the same problems as warnings and skips the offending line, so a bad line
 * never costs the dump. Every message passed to the report function starts
 * with "error: " or "warning: ".
 *
 * No malloc: the configuration is tiny and fits fixed buffers.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "conf.h"
#include "dump_read.h"
#include "log.h"

#define DEFAULT_PATH		"/var/crash"
#define DEFAULT_SSHKEY		"/root/.ssh/kdump_id_rsa"
#define DEFAULT_COLLECTOR	"makedumpfile -c -d 31"
#define DEFAULT_CAPTURE_TIMEOUT	600
#define DEFAULT_DEVICE_TIMEOUT	30
#define DEFAULT_SSH_PORT	22
#define DEFAULT_KNOWN_HOSTS	"/etc/kcap/known_hosts"	/* kcapctl propagate writes it */
#define DEFAULT_FENCE_PORT	7410	/* fence_kdump_send's default */
#define DEFAULT_FENCE_INTERVAL	10
#define FENCE_MAX_NODES		16

#define CONF_LINE_MAX		1024	/* longer lines are refused */
#define CONF_MSG_MAX		512
#define CONF_TIMEOUT_MAX	(INT_MAX / 1000)	/* callers may want ms */
#define EXT4_LABEL_MAX		16	/* s_volume_name[16] */
#define XFS_LABEL_MAX		12	/* sb_fname[12] */
#define CMDLINE_NAME		"cmdline"

/* Single-valued directives, for duplicate detection. */
enum conf_slot {
	SLOT_PATH,
	SLOT_SSHKEY,
	SLOT_COLLECTOR,
	SLOT_FAILURE,		/* failure_action and its old name default */
	SLOT_FINAL,
	SLOT_PRE,
	SLOT_POST,
	SLOT_CAPTURE_TIMEOUT,
	SLOT_DEVICE_TIMEOUT,
	SLOT_NETWORK,		/* network targets and netconsole */
	SLOT_NETCONSOLE,
	SLOT_NFS_OPTIONS,
	SLOT_NFS_VERS,
	SLOT_MAX,
	SLOT_NONE = -1,		/* may repeat */
};

struct pctx {
	struct kcap_conf *c;
	const char *file;
	int line;
	int strict;
	int cmdline;		/* values come from the kernel command line */
	int errors;		/* problems found (errors when strict) */
	int cmdline_targets;	/* a command-line target replaced the file's */
	int seen[SLOT_MAX];	/* line of the first occurrence, 0 if none */
	const char *seen_name[SLOT_MAX];
	conf_report_fn report;
	void *arg;
};

struct directive;
typedef int (*set_fn)(struct pctx *p, const struct directive *d, char *val);

struct directive {
	const char *name;
	set_fn set;
	int slot;
	int arg;		/* setter specific: target kind, action set */
	const char *why;	/* ignored/unsupported: the reason */
};

/* ---- reporting ---- */

static void vreport(struct pctx *p, const char *sev, const char *tail,
		    const char *fmt, va_list ap)
{
	char msg[CONF_MSG_MAX];
	size_t n;

	if (!p->report)
		return;
	n = (size_t)snprintf(msg, sizeof(msg), "%s: ", sev);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	n = strlen(msg);
	if (tail && n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, "%s", tail);
	p->report(p->arg, p->file, p->line, msg);
}

/* A problem: an error when strict, else a warning and the value is skipped. */
__attribute__((format(printf, 2, 3)))
static int bad(struct pctx *p, const char *fmt, ...)
{
	va_list ap;
	int strict = p->strict && !p->cmdline;

	p->errors++;
	va_start(ap, fmt);
	vreport(p, strict ? "error" : "warning", strict ? NULL : "; ignored",
		fmt, ap);
	va_end(ap);
	return -1;
}

/* Worth knowing, never a reason to fail. */
__attribute__((format(printf, 2, 3)))
static void warn(struct pctx *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p, "warning", NULL, fmt, ap);
	va_end(ap);
}

/* ---- small helpers ---- */

static int is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' ||
	       ch == '\v' || ch == '\f';
}

static int has_space(const char *s)
{
	for (; *s; s++)
		if (is_space((unsigned char)*s))
			return 1;
	return 0;
}

static int copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

/* Decimal digits only: no sign, no suffix. */
static int parse_uint(const char *s, long max, long *out)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

static int parse_int(const char *s, int *out)
{
	long v;

	if (*s == '-') {
		if (parse_uint(s + 1, INT_MAX, &v))
			return -1;
		*out = (int)-v;
		return 0;
	}
	if (*s == '+')
		s++;
	if (parse_uint(s, INT_MAX, &v))
		return -1;
	*out = (int)v;
	return 0;
}

static int is_hex(int ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
	       (ch >= 'A' && ch <= 'F');
}

/* 8-4-4-4-12 hex digits, as blkid prints a file system UUID. */
static int valid_uuid(const char *s)
{
	static const int groups[] = { 8, 4, 4, 4, 12 };
	size_t g;
	int i;

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		for (i = 0; i < groups[g]; i++, s++)
			if (!is_hex((unsigned char)*s))
				return 0;
		if (g < 4 && *s++ != '-')
			return 0;
	}
	return *s == '\0';
}

/* ---- targets ---- */

/* raw and ext4: /dev/..., or (ext4 only) LABEL=x or UUID=x */
static int check_device(struct pctx *p, const char *dname, int allow_fs_id,
			char *val)
{
	const char *eq = strchr(val, '=');
	char *s;

	if (!strncmp(val, "LABEL=", 6) || !strncmp(val, "UUID=", 5)) {
		if (!allow_fs_id)
			return bad(p, "%s %s: a raw partition has no file system LABEL or UUID; use a /dev path (e.g. /dev/disk/by-partuuid/...)",
				   dname, val);
	}
	if (!strncmp(val, "LABEL=", 6)) {
		size_t n = strlen(val + 6);

		if (n == 0)
			return bad(p, "%s LABEL=: empty label", dname);
		if (n > EXT4_LABEL_MAX)
			return bad(p, "%s %s: label is %zu bytes, an ext4 label has at most %d",
				   dname, val, n, EXT4_LABEL_MAX);
		if (!strcmp(dname, "xfs") && n > XFS_LABEL_MAX)
			return bad(p, "%s %s: label is %zu bytes, an XFS label has at most %d",
				   dname, val, n, XFS_LABEL_MAX);
		return 0;
	}
	if (!strncmp(val, "UUID=", 5)) {
		if (!valid_uuid(val + 5))
			return bad(p, "%s %s: a UUID is 8-4-4-4-12 hex digits (e.g. UUID=03138356-5e61-4ab3-b58e-27507ac41937)",
				   dname, val);
		/* blkid prints lower case; compare in one case */
		for (s = val + 5; *s; s++)
			*s = (char)tolower((unsigned char)*s);
		return 0;
	}
	if (has_space(val))
		return bad(p, "%s '%s': one device expected, found spaces",
			   dname, val);
	if (eq && val[0] != '/')
		return bad(p, "%s %s: only a /dev path, LABEL= or UUID= is understood",
			   dname, val);
	if (strncmp(val, "/dev/", 5) || !val[5])
		return bad(p, "%s %s: not a device path (/dev/...)%s", dname, val,
			   allow_fs_id ? ", LABEL= or UUID=" : "");
	return 0;
}

/* host:/path, or [ipv6]:/path */
static int check_nfs(struct pctx *p, const char *val)
{
	const char *colon;

	if (has_space(val))
		return bad(p, "nfs '%s': spaces are not allowed", val);
	if (val[0] == '[') {
		const char *end = strchr(val, ']');

		if (!end || end == val + 1)
			return bad(p, "nfs %s: unterminated or empty [IPv6 address]",
				   val);
		if (end[1] != ':')
			return bad(p, "nfs %s: expected [<IPv6 address>]:<path>",
				   val);
		colon = end + 1;
	} else {
		colon = strchr(val, ':');
	}
	if (!colon)
		return bad(p, "nfs %s: expected <host>:<path>, no ':' found", val);
	if (colon == val)
		return bad(p, "nfs %s: empty host name", val);
	if (colon[1] != '/')
		return bad(p, "nfs %s: the export path after ':' must be absolute",
			   val);
	return 0;
}

static int check_ssh(struct pctx *p, const char *val)
{
	const char *at = strchr(val, '@');

	if (has_space(val))
		return bad(p, "ssh '%s': spaces are not allowed", val);
	if (!at)
		return bad(p, "ssh %s: expected <user>@<host>, no '@' found", val);
	if (at == val)
		return bad(p, "ssh %s: empty user name", val);
	if (!at[1])
		return bad(p, "ssh %s: empty host name", val);
	if (strchr(at + 1, '@'))
		return bad(p, "ssh %s: more than one '@'", val);
	return 0;
}

static int set_target(struct pctx *p, const struct directive *d, char *val)
{
	struct kcap_conf *c = p->c;
	enum conf_target_kind kind = (enum conf_target_kind)d->arg;
	struct conf_target *t;
	int i, ret = 0;

	if (strlen(val) >= CONF_STR_MAX)
		return bad(p, "%s: value longer than %d bytes", d->name,
			   CONF_STR_MAX - 1);
	switch (kind) {
	case TARGET_RAW:
		ret = check_device(p, d->name, 0, val);
		break;
	case TARGET_EXT4:
	case TARGET_XFS:
		ret = check_device(p, d->name, 1, val);
		break;
	case TARGET_NFS:
		ret = check_nfs(p, val);
		break;
	case TARGET_SSH:
		ret = check_ssh(p, val);
		break;
	}
	if (ret)
		return ret;

	/* The first target on the command line replaces the file's chain;
	 * further ones extend it, in command-line order. */
	if (p->cmdline && !p->cmdline_targets) {
		c->nr_targets = 0;
		p->cmdline_targets = 1;
	}
	for (i = 0; i < c->nr_targets; i++) {
		t = &c->targets[i];
		if (t->kind == kind && !strcmp(t->spec, val)) {
			if (t->line)
				warn(p, "%s %s: same target as line %d, not tried twice",
				     d->name, val, t->line);
			else
				warn(p, "%s %s: same target as an earlier one, not tried twice",
				     d->name, val);
			return 0;
		}
	}
	if (c->nr_targets >= CONF_MAX_TARGETS)
		return bad(p, "%s %s: more than %d dump targets", d->name, val,
			   CONF_MAX_TARGETS);
	t = &c->targets[c->nr_targets++];
	t->kind = kind;
	copy_str(t->spec, sizeof(t->spec), val);
	t->line = p->line;
	return 0;
}

/* ---- paths ---- */

/* Absolute, no "..", "//" folded and no trailing '/'. */
static int set_path(struct pctx *p, const struct directive *d, char *val)
{
	char norm[PATH_MAX];
	const char *s;
	size_t n = 0;

	if (val[0] != '/')
		return bad(p, "path %s: must start with '/' (a directory from the root of the dump target)",
			   val);
	for (s = val; *s; s++) {
		if (*s == '/' && n && norm[n - 1] == '/')
			continue;
		if (n + 1 >= sizeof(norm))
			return bad(p, "path: longer than %zu bytes",
				   sizeof(norm) - 1);
		norm[n++] = *s;
	}
	if (n > 1 && norm[n - 1] == '/')
		n--;
	norm[n] = '\0';
	for (s = norm; (s = strstr(s, "/..")); s += 3)
		if (s[3] == '/' || !s[3])
			return bad(p, "path %s: '..' is not allowed", val);
	(void)d;
	copy_str(p->c->path, sizeof(p->c->path), norm);
	return 0;
}

static int set_file(struct pctx *p, const struct directive *d, char *val)
{
	char *dst;
	size_t size;

	if (val[0] != '/')
		return bad(p, "%s %s: must be an absolute path", d->name, val);
	switch (d->slot) {
	case SLOT_SSHKEY:
		dst = p->c->sshkey;
		size = sizeof(p->c->sshkey);
		break;
	case SLOT_PRE:
		dst = p->c->kdump_pre;
		size = sizeof(p->c->kdump_pre);
		break;
	default:
		dst = p->c->kdump_post;
		size = sizeof(p->c->kdump_post);
		break;
	}
	/* kdump runs the hook without arguments; a space is a mistake */
	if (d->slot != SLOT_SSHKEY && has_space(val))
		return bad(p, "%s '%s': one executable expected, arguments are not supported",
			   d->name, val);
	if (copy_str(dst, size, val))
		return bad(p, "%s: longer than %zu bytes", d->name, size - 1);
	return 0;
}

/* ---- actions ---- */

#define ACTIONS_FAILURE	1
#define ACTIONS_FINAL	2

static int set_action(struct pctx *p, const struct directive *d, char *val)
{
	static const struct {
		const char *name;
		enum conf_action act;
	} acts[] = {
		{ "reboot", ACT_REBOOT },
		{ "halt", ACT_HALT },
		{ "poweroff", ACT_POWEROFF },
		{ "shell", ACT_SHELL },
	};
	size_t i;

	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		if (strcmp(val, acts[i].name))
			continue;
		if (d->arg == ACTIONS_FINAL && acts[i].act == ACT_SHELL)
			return bad(p, "final_action shell: final_action is reboot, halt or poweroff (use failure_action shell)");
		if (d->arg == ACTIONS_FINAL)
			p->c->final_action = acts[i].act;
		else
			p->c->failure_action = acts[i].act;
		if (!strcmp(d->name, "default"))
			warn(p, "'default' is the old name of 'failure_action'");
		return 0;
	}
	if (d->arg == ACTIONS_FAILURE && !strcmp(val, "dump_to_rootfs"))
		return bad(p, "%s dump_to_rootfs: not supported by kcap, the capture image does not mount the root file system; add the root file system as a further ext4 target instead",
			   d->name);
	return bad(p, "%s %s: expected %s", d->name, val,
		   d->arg == ACTIONS_FINAL ? "reboot, halt or poweroff" :
		   "reboot, halt, poweroff or shell");
}

/* ---- numbers, modules ---- */

static int set_timeout(struct pctx *p, const struct directive *d, char *val)
{
	long v;
	int min = d->slot == SLOT_CAPTURE_TIMEOUT ? 0 : 1;

	if (parse_uint(val, CONF_TIMEOUT_MAX, &v) || v < min)
		return bad(p, "%s %s: expected a number of seconds, %s, at most %d",
			   d->name, val, min ? "at least 1" : "0 for no limit",
			   CONF_TIMEOUT_MAX);
	if (d->slot == SLOT_CAPTURE_TIMEOUT)
		p->c->capture_timeout = (int)v;
	else
		p->c->device_timeout = (int)v;
	return 0;
}

static int valid_module(const char *m, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)m[i]) && m[i] != '_' && m[i] != '-')
			return 0;
	return 1;
}

/* Space separated module names, added to those of earlier lines. */
static int set_modules(struct pctx *p, const struct directive *d, char *val)
{
	char mods[CONF_STR_MAX];
	const char *s, *e, *m;
	size_t n, len;

	copy_str(mods, sizeof(mods), p->c->extra_modules);
	len = strlen(mods);
	for (s = val; *s; s = e) {
		while (is_space((unsigned char)*s))
			s++;
		if (!*s)
			break;
		for (e = s; *e && !is_space((unsigned char)*e); e++)
			;
		n = (size_t)(e - s);
		if (!valid_module(s, n))
			return bad(p, "%s: '%.*s' is not a module name (letters, digits, '_' and '-'; no path or .ko)",
				   d->name, (int)n, s);
		/* already listed? */
		for (m = mods; *m; ) {
			size_t mn = strcspn(m, " ");

			if (mn == n && !strncmp(m, s, n))
				break;
			m += mn;
			while (*m == ' ')
				m++;
		}
		if (*m)
			continue;
		if (len + (len ? 1 : 0) + n >= sizeof(mods))
			return bad(p, "%s: the module list is longer than %d bytes",
				   d->name, CONF_STR_MAX - 1);
		if (len)
			mods[len++] = ' ';
		memcpy(mods + len, s, n);
		len += n;
		mods[len] = '\0';
	}
	memcpy(p->c->extra_modules, mods, len + 1);
	return 0;
}

/* ---- core_collector ---- */

/* makedumpfile's long options (makedumpfile.c longopts) and if they take a value. */
static const struct {
	const char *name;
	int has_arg;
} mdf_longopts[] = {
	{ "split", 0 }, { "reassemble", 0 }, { "xen-syms", 1 },
	{ "xen-vmcoreinfo", 1 }, { "xen_phys_start", 1 },
	{ "message-level", 1 }, { "vtop", 1 }, { "dump-dmesg", 0 },
	{ "partial-dmesg", 0 }, { "config", 1 }, { "help", 0 },
	{ "diskset", 1 }, { "cyclic-buffer", 1 }, { "eppic", 1 },
	{ "non-mmap", 0 }, { "mem-usage", 0 }, { "splitblock-size", 1 },
	{ "work-dir", 1 }, { "num-threads", 1 }, { "check-params", 0 },
	{ "dry-run", 0 }, { "show-stats", 0 }, { "extension", 1 },
};

/* makedumpfile's short options: "b:cDd:eEFfg:hi:lL:pRvXx:z" */
#define MDF_SHORT_ARG		"bdgiLx"
#define MDF_SHORT_IGNORED	"DefhRvX"

static const char *comp_flag(unsigned int comp)
{
	switch (comp) {
	case DUMP_COMP_ZLIB:
		return "-c";
	case DUMP_COMP_LZO:
		return "-l";
	case DUMP_COMP_SNAPPY:
		return "-p";
	case DUMP_COMP_ZSTD:
		return "-z";
	}
	return "";
}

static int parse_level(struct pctx *p, const char *arg, int *level)
{
	char first[16];
	size_t n = strcspn(arg, ",");
	long v;

	if (n >= sizeof(first))
		return bad(p, "core_collector: -d %s: expected a dump level 0..31", arg);
	memcpy(first, arg, n);
	first[n] = '\0';
	if (parse_uint(first, 1000, &v) || v > 31)
		return bad(p, "core_collector: -d %s: expected a dump level 0..31", arg);
	if (arg[n])
		warn(p, "core_collector: -d %s: only the first level (%ld) is used",
		     arg, v);
	*level = (int)v;
	return 0;
}

static int set_collector(struct pctx *p, const struct directive *d, char *val)
{
	struct kcap_conf *c = p->c;
	char words[CONF_LINE_MAX];
	char *argv[CONF_LINE_MAX / 2 + 1];
	int argc = 0, i, elf = 0, flat = 0, level = 0;
	unsigned int comp = 0;
	const char *prog, *base;
	char *s, *save;

	(void)d;
	if (strlen(val) >= sizeof(c->core_collector))
		return bad(p, "core_collector: longer than %zu bytes",
			   sizeof(c->core_collector) - 1);
	copy_str(words, sizeof(words), val);
	for (s = strtok_r(words, " \t\r\n", &save); s;
	     s = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = s;
	argv[argc] = NULL;
	/* only blanks ("core_collector \" \""): no program to look at */
	if (!argc)
		return bad(p, "core_collector: empty, expected 'makedumpfile <options>'");

	prog = argv[0];
	base = strrchr(prog, '/');
	base = base ? base + 1 : prog;
	if (strcmp(base, "makedumpfile"))
		return bad(p, "core_collector %s: not supported, kcap writes the dump itself and understands only 'makedumpfile <options>'",
			   prog);

	for (i = 1; i < argc; i++) {
		const char *w = argv[i];

		if (w[0] != '-' || !w[1])
			return bad(p, "core_collector: unexpected argument '%s' (kcap supplies the source and the destination)",
				   w);
		if (w[1] == '-') {
			const char *name = w + 2;
			size_t n = strcspn(name, "=");
			size_t k;

			for (k = 0; k < sizeof(mdf_longopts) / sizeof(mdf_longopts[0]); k++)
				if (strlen(mdf_longopts[k].name) == n &&
				    !strncmp(mdf_longopts[k].name, name, n))
					break;
			if (k == sizeof(mdf_longopts) / sizeof(mdf_longopts[0]))
				return bad(p, "core_collector: '%s' is not a makedumpfile option",
					   w);
			if (mdf_longopts[k].has_arg && !name[n]) {
				if (++i >= argc)
					return bad(p, "core_collector: %s needs a value", w);
				warn(p, "core_collector: makedumpfile option %s %s ignored by kcap",
				     w, argv[i]);
			} else {
				warn(p, "core_collector: makedumpfile option %s ignored by kcap",
				     w);
			}
			continue;
		}
		for (s = (char *)w + 1; *s; s++) {
			const char *optarg;

			switch (*s) {
			case 'c':
				comp = DUMP_COMP_ZLIB;
				continue;
			case 'l':
				comp = DUMP_COMP_LZO;
				continue;
			case 'p':
				comp = DUMP_COMP_SNAPPY;
				continue;
			case 'z':
				comp = DUMP_COMP_ZSTD;
				continue;
			case 'E':
				elf = 1;
				continue;
			case 'F':
				flat = 1;
				continue;
			}
			if (*s && strchr(MDF_SHORT_ARG, *s)) {
				/* the value is the rest of the word, or the next word */
				if (s[1]) {
					optarg = s + 1;
				} else if (i + 1 < argc) {
					optarg = argv[++i];
				} else {
					return bad(p, "core_collector: -%c needs a value",
						   *s);
				}
				if (*s == 'd') {
					if (parse_level(p, optarg, &level))
						return -1;
				} else {
					warn(p, "core_collector: makedumpfile option -%c %s ignored by kcap",
					     *s, optarg);
				}
				break;
			}
			if (strchr(MDF_SHORT_IGNORED, *s)) {
				warn(p, "core_collector: makedumpfile option -%c ignored by kcap",
				     *s);
				continue;
			}
			return bad(p, "core_collector: '-%c' is not a makedumpfile option",
				   *s);
		}
	}
	if (elf && comp)
		return bad(p, "core_collector: -E (ELF) cannot be combined with %s compression (makedumpfile refuses it too)",
			   comp_flag(comp));
	if (comp == DUMP_COMP_SNAPPY || comp == DUMP_COMP_ZSTD) {
		warn(p, "core_collector: %s (%s) written as -c (zlib): Debian's makedumpfile 1.7.2 cannot read %s dumps",
		     comp_flag(comp), comp == DUMP_COMP_ZSTD ? "zstd" : "snappy",
		     comp == DUMP_COMP_ZSTD ? "zstd" : "snappy");
		comp = DUMP_COMP_ZLIB;
	}
#ifndef KCAP_WITH_LZO
	if (comp == DUMP_COMP_LZO) {
		warn(p, "core_collector: -l (lzo) written as -c (zlib): this kcap is built without LZO");
		comp = DUMP_COMP_ZLIB;
	}
#endif
	copy_str(c->core_collector, sizeof(c->core_collector), val);
	c->format = elf ? DUMP_FMT_ELF : DUMP_FMT_KDUMP;
	c->compress = comp;
	c->flat = flat;
	c->dump_level = level;
	return 0;
}

/* ---- directives kcap knows but does not implement ---- */

static int set_ignored(struct pctx *p, const struct directive *d, char *val)
{
	(void)val;
	warn(p, "'%s' ignored by kcap: %s", d->name, d->why);
	return 0;
}

static int set_dracut_args(struct pctx *p, const struct directive *d, char *val)
{
	/* kdumpctl takes a dump target from dracut_args --mount */
	if (strstr(val, "--mount"))
		return bad(p, "dracut_args --mount: not supported by kcap, write the dump target as an ext4 or nfs line");
	return set_ignored(p, d, val);
}

static int set_unsupported(struct pctx *p, const struct directive *d, char *val)
{
	(void)val;
	return bad(p, "'%s' %s", d->name, d->why);
}

/* ---- network targets and netconsole (net.c, target_nfs.c) ---- */

/* An IPv4 or IPv6 address (no brackets): its family, or 0. */
static int addr_family(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (inet_pton(AF_INET, s, buf) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, buf) == 1)
		return AF_INET6;
	return 0;
}

/* aa:bb:cc:dd:ee:ff */
static int is_mac(const char *s)
{
	int i;

	for (i = 0; i < 6; i++, s += 3)
		if (!is_hex((unsigned char)s[0]) || !is_hex((unsigned char)s[1]) ||
		    s[2] != (i < 5 ? ':' : '\0'))
			return 0;
	return 1;
}

/* network <dev>[,<addr>/<prefix>|dhcp[,<gateway>[,<dns>]]] (net.h) */
static int set_network(struct pctx *p, const struct directive *d, char *val)
{
	struct conf_net n;
	char *f[4] = { NULL }, *s = val, *slash;
	int nf = 0, fam = 0;
	long prefix;

	memset(&n, 0, sizeof(n));
	if (has_space(val))
		return bad(p, "%s '%s': fields are separated by ',' without spaces", d->name, val);
	for (;;) {
		if (nf == 4)
			return bad(p, "%s: more than 4 fields (<dev>,<addr>/<prefix>,<gateway>,<dns>)",
				   d->name);
		f[nf++] = s;
		s = strchr(s, ',');
		if (!s)
			break;
		*s++ = '\0';
	}
	if (!f[0][0])
		return bad(p, "%s: empty interface (a name, a MAC or auto)", d->name);
	if (strcmp(f[0], "auto")) {
		if (!is_mac(f[0]) && (strlen(f[0]) >= 16 || strchr(f[0], '/') || strchr(f[0], ':')))
			return bad(p, "%s %s: not an interface name or a MAC (aa:bb:cc:dd:ee:ff)",
				   d->name, f[0]);
		copy_str(n.dev, sizeof(n.dev), f[0]);
	}
	if (nf > 1 && f[1][0] && strcmp(f[1], "dhcp")) {
		slash = strchr(f[1], '/');
		if (!slash)
			return bad(p, "%s %s: the address needs its prefix length (/24, /64)",
				   d->name, f[1]);
		*slash = '\0';
		fam = addr_family(f[1]);
		if (!fam)
			return bad(p, "%s %s: not an IPv4 or IPv6 address", d->name, f[1]);
		if (parse_uint(slash + 1, fam == AF_INET ? 32 : 128, &prefix) || prefix < 1)
			return bad(p, "%s %s/%s: prefix length 1..%d expected", d->name, f[1],
				   slash + 1, fam == AF_INET ? 32 : 128);
		copy_str(n.addr, sizeof(n.addr), f[1]);
		n.prefix = (int)prefix;
	}
	if (nf > 2 && f[2][0]) {
		if (!fam)
			return bad(p, "%s: a gateway without a static address", d->name);
		if (addr_family(f[2]) != fam)
			return bad(p, "%s %s: the gateway is not an address of the same family as %s",
				   d->name, f[2], n.addr);
		copy_str(n.gw, sizeof(n.gw), f[2]);
	}
	if (nf > 3 && f[3][0]) {
		if (!addr_family(f[3]))
			return bad(p, "%s %s: the DNS server must be an IPv4 or IPv6 address",
				   d->name, f[3]);
		copy_str(n.dns, sizeof(n.dns), f[3]);
	}
	p->c->net = n;
	return 0;
}

/* netconsole <ipv4>:<port> or [<ipv6>]:<port> */
static int set_netconsole(struct pctx *p, const struct directive *d, char *val)
{
	char host[64];
	const char *colon;
	size_t n;
	long port;

	if (val[0] == '[') {
		colon = strstr(val, "]:");
		if (!colon)
			return bad(p, "%s %s: expected [<IPv6 address>]:<port>", d->name, val);
		n = (size_t)(colon - val - 1);
		colon++;
		val++;
	} else {
		colon = strrchr(val, ':');
		if (!colon)
			return bad(p, "%s %s: expected <ip>:<port>", d->name, val);
		n = (size_t)(colon - val);
	}
	if (n >= sizeof(host))
		return bad(p, "%s: address too long", d->name);
	memcpy(host, val, n);
	host[n] = '\0';
	if (!addr_family(host))
		return bad(p, "%s %s: an IP address is needed (netconsole cannot resolve names)",
			   d->name, host);
	if (parse_uint(colon + 1, 65535, &port) || port < 1)
		return bad(p, "%s %s: port 1..65535 expected", d->name, colon + 1);
	snprintf(p->c->netconsole, sizeof(p->c->netconsole), "%s%s%s:%ld",
		 strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", port);
	return 0;
}

/* nfs_options vers=3,port=20490,...: no spaces, no options kcap must set itself */
static int set_nfs_options(struct pctx *p, const struct directive *d, char *val)
{
	static const char *const own[] = { "hard", "intr", "addr=", "clientaddr=" };
	const char *o;
	size_t i, n;

	if (has_space(val))
		return bad(p, "%s '%s': comma separated mount options without spaces", d->name, val);
	for (o = val; *o; o += n + (o[n] == ',')) {
		n = strcspn(o, ",");
		for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
			if (!strncmp(o, own[i], strlen(own[i])) &&
			    (own[i][strlen(own[i]) - 1] == '=' || n == strlen(own[i])))
				return bad(p, "%s: '%.*s' is not allowed (kcap mounts soft and sets the addresses itself)",
					   d->name, (int)n, o);
	}
	if (copy_str(p->c->nfs_options, sizeof(p->c->nfs_options), val))
		return bad(p, "%s: longer than %d bytes", d->name, CONF_STR_MAX - 1);
	return 0;
}

static int set_nfs_vers(struct pctx *p, const struct directive *d, char *val)
{
	static const char *const ok[] = { "3", "4", "4.0", "4.1", "4.2" };
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(val, ok[i])) {
			copy_str(p->c->nfs_vers, sizeof(p->c->nfs_vers), val);
			return 0;
		}
	return bad(p, "%s %s: 3, 4, 4.0, 4.1 or 4.2 expected", d->name, val);
}

/* ---- host side (conf_host.c): kcapctl applies them, the capture kernel ignores them ---- */

static int set_host(struct pctx *p, const struct directive *d, char *val)
{
	char err[CONF_MSG_MAX];

	if (conf_host_set(&p->c->host, (enum conf_host_key)d->arg, val, err, sizeof(err)))
		return bad(p, "%s", err);
	return 0;
}

/* ---- ssh target and fence_kdump (target_ssh.c, fence_kdump.c) ---- */

static int set_sshport(struct pctx *p, const struct directive *d, char *val)
{
	long v;

	if (parse_uint(val, 65535, &v) || v < 1)
		return bad(p, "%s %s: expected a TCP port, 1 to 65535", d->name, val);
	p->c->ssh_port = (int)v;
	return 0;
}

static int set_known_hosts(struct pctx *p, const struct directive *d, char *val)
{
	if (val[0] != '/' || has_space(val))
		return bad(p, "%s %s: must be one absolute path", d->name, val);
	if (copy_str(p->c->ssh_known_hosts, sizeof(p->c->ssh_known_hosts), val))
		return bad(p, "%s: longer than %zu bytes", d->name, sizeof(p->c->ssh_known_hosts) - 1);
	return 0;
}

/* Host names and addresses (IPv6 too): letters, digits and . - _ : */
static int valid_node(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr(".-_:", s[i]))
			return 0;
	return n > 0;
}

/* Space separated nodes; a later line replaces an earlier one, as kdumpctl reads it. */
static int set_fence_nodes(struct pctx *p, const struct directive *d, char *val)
{
	char nodes[CONF_STR_MAX] = "";
	const char *s, *e;
	size_t len = 0, n;
	int count = 0;

	for (s = val; *s; s = e) {
		while (is_space((unsigned char)*s))
			s++;
		if (!*s)
			break;
		for (e = s; *e && !is_space((unsigned char)*e); e++)
			;
		n = (size_t)(e - s);
		if (!valid_node(s, n))
			return bad(p, "%s: '%.*s' is not a host name or address", d->name, (int)n, s);
		if (++count > FENCE_MAX_NODES)
			return bad(p, "%s: more than %d nodes", d->name, FENCE_MAX_NODES);
		if (len + n + 2 > sizeof(nodes))
			return bad(p, "%s: longer than %zu bytes", d->name, sizeof(nodes) - 1);
		if (len)
			nodes[len++] = ' ';
		memcpy(nodes + len, s, n);
		len += n;
		nodes[len] = '\0';
	}
	if (!count)
		return bad(p, "%s: no node given", d->name);
	copy_str(p->c->fence_nodes, sizeof(p->c->fence_nodes), nodes);
	return 0;
}

/* fence_kdump_send's options: -p PORT -f auto|ipv4|ipv6 -c COUNT -i INTERVAL -v */
static int set_fence_args(struct pctx *p, const struct directive *d, char *val)
{
	char buf[CONF_LINE_MAX], *opt, *arg, *save = NULL;
	int port = DEFAULT_FENCE_PORT, interval = DEFAULT_FENCE_INTERVAL, count = 0, family = 0;
	long v;

	if (copy_str(buf, sizeof(buf), val))
		return bad(p, "%s: too long", d->name);
	for (opt = strtok_r(buf, " \t", &save); opt; opt = strtok_r(NULL, " \t", &save)) {
		if (!strcmp(opt, "-v"))
			continue;	/* fence_kdump_send's verbose: kcap logs every node anyway */
		if (strlen(opt) != 2 || opt[0] != '-' || !strchr("pfci", opt[1]))
			return bad(p, "%s: unknown option '%s' (-p PORT, -i INTERVAL, -c COUNT, -f auto|ipv4|ipv6, -v)",
				   d->name, opt);
		arg = strtok_r(NULL, " \t", &save);
		if (!arg)
			return bad(p, "%s: %s needs a value", d->name, opt);
		switch (opt[1]) {
		case 'p':
			if (parse_uint(arg, 65535, &v) || v < 1)
				return bad(p, "%s -p %s: expected a UDP port, 1 to 65535", d->name, arg);
			port = (int)v;
			break;
		case 'i':
			if (parse_uint(arg, 3600, &v) || v < 1)
				return bad(p, "%s -i %s: expected seconds, 1 to 3600", d->name, arg);
			interval = (int)v;
			break;
		case 'c':
			if (parse_uint(arg, 1000000, &v))
				return bad(p, "%s -c %s: expected a count, 0 for no limit", d->name, arg);
			count = (int)v;
			break;
		default:
			if (!strcmp(arg, "auto"))
				family = 0;
			else if (!strcmp(arg, "ipv4"))
				family = 4;
			else if (!strcmp(arg, "ipv6"))
				family = 6;
			else
				return bad(p, "%s -f %s: expected auto, ipv4 or ipv6", d->name, arg);
			break;
		}
	}
	p->c->fence_port = port;
	p->c->fence_interval = interval;
	p->c->fence_count = count;
	p->c->fence_family = family;
	return 0;
}

#define NOT_EXT4	"dump target not supported by kcap (ext4 and xfs; raw, nfs and ssh also work)"
#define DEPRECATED	"is a deprecated kdump.conf directive (kdumpctl refuses it too): "

static const struct directive directives[] = {
	{ "raw", set_target, SLOT_NONE, TARGET_RAW, NULL },
	{ "ext4", set_target, SLOT_NONE, TARGET_EXT4, NULL },
	{ "nfs", set_target, SLOT_NONE, TARGET_NFS, NULL },
	{ "ssh", set_target, SLOT_NONE, TARGET_SSH, NULL },
	/* LVM and XFS */
	{ "xfs", set_target, SLOT_NONE, TARGET_XFS, NULL },
	{ "path", set_path, SLOT_PATH, 0, NULL },
	{ "sshkey", set_file, SLOT_SSHKEY, 0, NULL },
	{ "core_collector", set_collector, SLOT_COLLECTOR, 0, NULL },
	{ "failure_action", set_action, SLOT_FAILURE, ACTIONS_FAILURE, NULL },
	{ "default", set_action, SLOT_FAILURE, ACTIONS_FAILURE, NULL },
	{ "final_action", set_action, SLOT_FINAL, ACTIONS_FINAL, NULL },
	{ "kdump_pre", set_file, SLOT_PRE, 0, NULL },
	{ "kdump_post", set_file, SLOT_POST, 0, NULL },
	{ "extra_modules", set_modules, SLOT_NONE, 0, NULL },
	{ "capture_timeout", set_timeout, SLOT_CAPTURE_TIMEOUT, 0, NULL },
	{ "device_timeout", set_timeout, SLOT_DEVICE_TIMEOUT, 0, NULL },

	/* network targets and netconsole (net.h, target_nfs.c) */
	{ "network", set_network, SLOT_NETWORK, 0, NULL },
	{ "netconsole", set_netconsole, SLOT_NETCONSOLE, 0, NULL },
	{ "nfs_options", set_nfs_options, SLOT_NFS_OPTIONS, 0, NULL },
	{ "nfs_vers", set_nfs_vers, SLOT_NFS_VERS, 0, NULL },

	/* host side: panic triggers (sysctl) and retention, see conf_host.h */
	{ "sysrq", set_host, SLOT_NONE, HOST_SYSRQ, NULL },
	{ "panic_on_oops", set_host, SLOT_NONE, HOST_PANIC_ON_OOPS, NULL },
	{ "unknown_nmi_panic", set_host, SLOT_NONE, HOST_UNKNOWN_NMI_PANIC, NULL },
	{ "panic_on_unrecovered_nmi", set_host, SLOT_NONE, HOST_PANIC_ON_UNRECOVERED_NMI, NULL },
	{ "softlockup_panic", set_host, SLOT_NONE, HOST_SOFTLOCKUP_PANIC, NULL },
	{ "hung_task_panic", set_host, SLOT_NONE, HOST_HUNG_TASK_PANIC, NULL },
	{ "panic_on_oom", set_host, SLOT_NONE, HOST_PANIC_ON_OOM, NULL },
	{ "keep_old_dumps", set_host, SLOT_NONE, HOST_KEEP_OLD_DUMPS, NULL },

	/* ssh target and fence_kdump (target_ssh.c, fence_kdump.c) */
	{ "sshport", set_sshport, SLOT_NONE, 0, NULL },
	{ "ssh_known_hosts", set_known_hosts, SLOT_NONE, 0, NULL },
	{ "fence_kdump_nodes", set_fence_nodes, SLOT_NONE, 0, NULL },
	{ "fence_kdump_args", set_fence_args, SLOT_NONE, 0, NULL },
	{ "btrfs", set_unsupported, SLOT_NONE, 0, NOT_EXT4 },
	{ "ext2", set_unsupported, SLOT_NONE, 0, NOT_EXT4 },
	{ "ext3", set_unsupported, SLOT_NONE, 0, NOT_EXT4 },
	{ "minix", set_unsupported, SLOT_NONE, 0, NOT_EXT4 },
	{ "virtiofs", set_unsupported, SLOT_NONE, 0, NOT_EXT4 },

	{ "dracut_args", set_dracut_args, SLOT_NONE, 0,
	  "kcap.img is not built by dracut" },
	{ "extra_bins", set_ignored, SLOT_NONE, 0,
	  "kcap.img holds only BusyBox and dbclient; kdump_pre/kdump_post must use those" },
	{ "force_rebuild", set_ignored, SLOT_NONE, 0,
	  "the image builder decides when kcap.img is rebuilt" },
	{ "force_no_rebuild", set_ignored, SLOT_NONE, 0,
	  "the image builder decides when kcap.img is rebuilt" },
	{ "auto_reset_crashkernel", set_ignored, SLOT_NONE, 0,
	  "kcap does not manage crashkernel=" },
	{ "kdump_emergency", set_ignored, SLOT_NONE, 0,
	  "no emergency hook; use failure_action shell" },

	{ "net", set_unsupported, SLOT_NONE, 0, DEPRECATED "use nfs or ssh" },
	{ "options", set_unsupported, SLOT_NONE, 0,
	  DEPRECATED "put module options on the capture kernel command line" },
	{ "link_delay", set_unsupported, SLOT_NONE, 0,
	  DEPRECATED "use device_timeout" },
	{ "disk_timeout", set_unsupported, SLOT_NONE, 0,
	  DEPRECATED "use device_timeout" },
	{ "debug_mem_level", set_unsupported, SLOT_NONE, 0,
	  DEPRECATED "not needed by kcap" },
	{ "blacklist", set_unsupported, SLOT_NONE, 0,
	  DEPRECATED "put module_blacklist= on the capture kernel command line" },
};

#define NR_DIRECTIVES	(sizeof(directives) / sizeof(directives[0]))

static const struct directive *find_directive(const char *name)
{
	size_t i;

	for (i = 0; i < NR_DIRECTIVES; i++)
		if (!strcmp(directives[i].name, name))
			return &directives[i];
	return NULL;
}

/* Apply one directive: validation, duplicates, then the value. */
static void apply(struct pctx *p, const char *name, char *val)
{
	const struct directive *d = find_directive(name);
	int slot, first;

	if (!d) {
		char alt[64];
		size_t i;

		/* "failure-action" is a likely typo for "failure_action" */
		if (strlen(name) < sizeof(alt)) {
			for (i = 0; name[i]; i++)
				alt[i] = name[i] == '-' ? '_' :
					 (char)tolower((unsigned char)name[i]);
			alt[i] = '\0';
			if (find_directive(alt)) {
				bad(p, "unknown directive '%s' (did you mean '%s'?)",
				    name, alt);
				return;
			}
		}
		bad(p, "unknown directive '%s'", name);
		return;
	}
	if (!*val) {
		bad(p, "'%s' needs a value", name);
		return;
	}
	if (d->set(p, d, val))
		return;
	slot = d->slot;
	if (slot == SLOT_NONE || p->cmdline)
		return;
	first = p->seen[slot];
	if (!first) {
		p->seen[slot] = p->line;
		p->seen_name[slot] = d->name;
		return;
	}
	if (p->strict) {
		bad(p, "duplicate '%s': already set by '%s' at line %d (kdumpctl refuses duplicates too)",
		    name, p->seen_name[slot], first);
		return;
	}
	warn(p, "duplicate '%s': already set by '%s' at line %d, this line wins",
	     name, p->seen_name[slot], first);
}

/* ---- parsing ---- */

void conf_init(struct kcap_conf *c)
{
	memset(c, 0, sizeof(*c));
	copy_str(c->path, sizeof(c->path), DEFAULT_PATH);
	copy_str(c->sshkey, sizeof(c->sshkey), DEFAULT_SSHKEY);
	copy_str(c->core_collector, sizeof(c->core_collector), DEFAULT_COLLECTOR);
	c->format = DUMP_FMT_KDUMP;
	c->compress = DUMP_COMP_ZLIB;
	c->flat = 0;
	c->dump_level = 31;
	c->failure_action = ACT_REBOOT;
	c->final_action = ACT_UNSET;
	c->capture_timeout = DEFAULT_CAPTURE_TIMEOUT;
	c->device_timeout = DEFAULT_DEVICE_TIMEOUT;
	conf_host_init(&c->host);
	c->ssh_port = DEFAULT_SSH_PORT;
	copy_str(c->ssh_known_hosts, sizeof(c->ssh_known_hosts), DEFAULT_KNOWN_HOSTS);
	c->fence_port = DEFAULT_FENCE_PORT;
	c->fence_interval = DEFAULT_FENCE_INTERVAL;
}

static void ctx_init(struct pctx *p, struct kcap_conf *c, const char *file,
		     int strict, conf_report_fn report, void *arg)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
	p->file = file;
	p->strict = strict;
	p->report = report;
	p->arg = arg;
}

/* One line, without its '\n'; modified in place. */
static void parse_line(struct pctx *p, char *s)
{
	char *name, *val, *e;

	while (is_space((unsigned char)*s))
		s++;
	if (!*s || *s == '#')
		return;
	name = s;
	while (*s && !is_space((unsigned char)*s))
		s++;
	if (*s)
		*s++ = '\0';
	while (is_space((unsigned char)*s))
		s++;
	val = s;
	/* a '#' ends the value, as in kdump_get_conf_val */
	e = strchr(val, '#');
	if (e)
		*e = '\0';
	e = val + strlen(val);
	while (e > val && is_space((unsigned char)e[-1]))
		*--e = '\0';
	/* and so does one pair of surrounding double quotes */
	if (e - val >= 2 && val[0] == '"' && e[-1] == '"') {
		e[-1] = '\0';
		val++;
	}
	apply(p, name, val);
}

/* After the whole file: combinations of values. */
static void check_all(struct pctx *p)
{
	struct kcap_conf *c = p->c;

	if (c->capture_timeout && c->device_timeout >= c->capture_timeout) {
		p->line = p->seen[SLOT_DEVICE_TIMEOUT] ?
			  p->seen[SLOT_DEVICE_TIMEOUT] :
			  p->seen[SLOT_CAPTURE_TIMEOUT];
		warn(p, "device_timeout %d is not shorter than capture_timeout %d",
		     c->device_timeout, c->capture_timeout);
	}
}

int conf_parse_buf(struct kcap_conf *c, const char *buf, const char *name,
		   int strict, conf_report_fn report, void *arg)
{
	struct pctx p;
	char line[CONF_LINE_MAX];
	const char *s = buf, *nl;
	size_t n;

	ctx_init(&p, c, name, strict, report, arg);
	while (*s) {
		p.line++;
		nl = strchr(s, '\n');
		n = nl ? (size_t)(nl - s) : strlen(s);
		if (n >= sizeof(line)) {
			bad(&p, "line too long (%zu bytes, at most %zu)", n,
			    sizeof(line) - 1);
		} else {
			memcpy(line, s, n);
			line[n] = '\0';
			parse_line(&p, line);
		}
		s += n;
		if (*s)
			s++;
	}
	check_all(&p);
	return strict && p.errors ? -EINVAL : 0;
}

int conf_parse_file(struct kcap_conf *c, const char *path, int strict,
		    conf_report_fn report, void *arg)
{
	static char buf[CONF_FILE_MAX + 1];
	size_t len = 0;
	ssize_t r;
	char *nul;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		r = read(fd, buf + len, sizeof(buf) - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			close(fd);
			return ret;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == sizeof(buf)) {
			close(fd);
			return -EFBIG;
		}
	}
	close(fd);
	buf[len] = '\0';

	nul = memchr(buf, '\0', len);
	ret = conf_parse_buf(c, buf, path, strict, report, arg);
	if (nul) {
		struct pctx p;
		const char *s;

		/* the parse stopped at the NUL: say where */
		ctx_init(&p, c, path, strict, report, arg);
		p.line = 1;
		for (s = buf; s < nul; s++)
			if (*s == '\n')
				p.line++;
		bad(&p, "NUL byte in the file, the rest of it is not read");
		if (strict)
			ret = -EINVAL;
	}
	return ret;
}

/* ---- kernel command line ---- */

/*
 * Split like the kernel's next_arg(): words are separated by spaces
 * outside double quotes; then a leading quote of the word, or of the
 * value after '=', is dropped together with the word's trailing quote.
 * Returns the next position, or NULL at the end. Words longer than the
 * buffer are truncated and flagged in *trunc.
 */
static const char *next_word(const char *s, char *word, size_t size,
			     int *trunc)
{
	int in_quote = 0;
	size_t n = 0;
	char *eq, *val;

	while (is_space((unsigned char)*s))
		s++;
	if (!*s)
		return NULL;
	*trunc = 0;
	for (; *s && (in_quote || !is_space((unsigned char)*s)); s++) {
		if (*s == '"')
			in_quote = !in_quote;
		if (n + 1 < size)
			word[n++] = *s;
		else
			*trunc = 1;
	}
	word[n] = '\0';

	if (word[0] == '"') {
		memmove(word, word + 1, n--);
		if (n && word[n - 1] == '"')
			word[--n] = '\0';
	}
	eq = strchr(word, '=');
	if (eq && eq[1] == '"') {
		val = eq + 1;
		memmove(val, val + 1, strlen(val));
		n = strlen(word);
		if (n && word[n - 1] == '"' && word + n - 1 >= val)
			word[--n] = '\0';
	}
	return s;
}

int conf_apply_cmdline(struct kcap_conf *c, const char *cmdline,
		       conf_report_fn report, void *arg)
{
	struct pctx p;
	char word[CONF_LINE_MAX];
	char name[64];
	const char *s = cmdline;
	char *val;
	size_t n, i;
	int trunc;

	ctx_init(&p, c, CMDLINE_NAME, 0, report, arg);
	p.cmdline = 1;
	while ((s = next_word(s, word, sizeof(word), &trunc))) {
		if (strncmp(word, "kcap.", 5))
			continue;
		val = strchr(word, '=');
		n = val ? (size_t)(val - word) - 5 : strlen(word) - 5;
		if (trunc) {
			bad(&p, "%.*s: longer than %zu bytes", (int)n + 5, word,
			    sizeof(word) - 1);
			continue;
		}
		if (n >= sizeof(name)) {
			warn(&p, "unknown parameter '%.40s...', ignored", word);
			continue;
		}
		/* the kernel treats '-' and '_' alike in parameter names */
		for (i = 0; i < n; i++)
			name[i] = word[5 + i] == '-' ? '_' : word[5 + i];
		name[n] = '\0';
		if (!val) {
			bad(&p, "%s: needs a value", word);
			continue;
		}
		val++;
		if (!strcmp(name, "panic")) {
			if (parse_int(val, &c->panic))
				bad(&p, "kcap.panic=%s: expected an integer (the crashed kernel's kernel.panic)",
				    val);
			else
				c->panic_set = 1;
			continue;
		}
		if (!find_directive(name)) {
			warn(&p, "unknown parameter 'kcap.%s', ignored", name);
			continue;
		}
		/* the value must be one that a kcap.conf line can hold */
		while (is_space((unsigned char)*val))
			val++;
		for (n = strlen(val); n && is_space((unsigned char)val[n - 1]); )
			val[--n] = '\0';
		if (strchr(val, '#')) {
			bad(&p, "kcap.%s=%s: '#' cannot be part of a value (kcap.conf reads it as a comment)",
			    name, val);
			continue;
		}
		apply(&p, name, val);
	}
	return p.errors ? -EINVAL : 0;
}

/* ---- output ---- */

const char *conf_action_name(enum conf_action a)
{
	switch (a) {
	case ACT_UNSET:
		return "unset";
	case ACT_REBOOT:
		return "reboot";
	case ACT_HALT:
		return "halt";
	case ACT_POWEROFF:
		return "poweroff";
	case ACT_SHELL:
		return "shell";
	}
	return "?";
}

const char *conf_target_kind_name(enum conf_target_kind k)
{
	switch (k) {
	case TARGET_RAW:
		return "raw";
	case TARGET_EXT4:
		return "ext4";
	case TARGET_NFS:
		return "nfs";
	case TARGET_SSH:
		return "ssh";
	case TARGET_XFS:
		return "xfs";
	}
	return "?";
}

struct out {
	char *buf;
	size_t len, pos;
	int overflow;
};

__attribute__((format(printf, 2, 3)))
static void out(struct out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->pos < o->len ? o->len - o->pos : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + (room ? o->pos : 0), room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		o->overflow = 1;
	else
		o->pos += (size_t)n;
}

int conf_format(const struct kcap_conf *c, char *buf, size_t len)
{
	struct out o = { buf, len, 0, 0 };
	int i;

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	for (i = 0; i < c->nr_targets; i++)
		out(&o, "%s %s\n", conf_target_kind_name(c->targets[i].kind),
		    c->targets[i].spec);
	out(&o, "path %s\n", c->path);
	out(&o, "sshkey %s\n", c->sshkey);
	out(&o, "core_collector makedumpfile%s%s%s%s -d %d\n",
	    c->format == DUMP_FMT_ELF ? " -E" : "",
	    c->compress ? " " : "", comp_flag(c->compress),
	    c->flat ? " -F" : "", c->dump_level);
	out(&o, "failure_action %s\n", conf_action_name(c->failure_action));
	if (c->final_action != ACT_UNSET)
		out(&o, "final_action %s\n", conf_action_name(c->final_action));
	if (c->kdump_pre[0])
		out(&o, "kdump_pre %s\n", c->kdump_pre);
	if (c->kdump_post[0])
		out(&o, "kdump_post %s\n", c->kdump_post);
	if (c->extra_modules[0])
		out(&o, "extra_modules %s\n", c->extra_modules);
	out(&o, "capture_timeout %d\n", c->capture_timeout);
	out(&o, "device_timeout %d\n", c->device_timeout);
	/* ssh target and fence_kdump: only what differs from the defaults */
	if (c->ssh_port != DEFAULT_SSH_PORT)
		out(&o, "sshport %d\n", c->ssh_port);
	if (strcmp(c->ssh_known_hosts, DEFAULT_KNOWN_HOSTS))
		out(&o, "ssh_known_hosts %s\n", c->ssh_known_hosts);
	if (c->fence_nodes[0])
		out(&o, "fence_kdump_nodes %s\n", c->fence_nodes);
	if (c->fence_port != DEFAULT_FENCE_PORT || c->fence_interval != DEFAULT_FENCE_INTERVAL ||
	    c->fence_count || c->fence_family)
		out(&o, "fence_kdump_args -p %d -i %d -c %d -f %s\n", c->fence_port,
		    c->fence_interval, c->fence_count,
		    c->fence_family == 4 ? "ipv4" : c->fence_family == 6 ? "ipv6" : "auto");
	if (c->net.dev[0] || c->net.addr[0] || c->net.dns[0]) {
		char a[80];

		if (c->net.addr[0])
			snprintf(a, sizeof(a), "%s/%d", c->net.addr, c->net.prefix);
		else
			snprintf(a, sizeof(a), "dhcp");
		out(&o, "network %s,%s%s%s%s%s\n", c->net.dev[0] ? c->net.dev : "auto", a,
		    c->net.gw[0] || c->net.dns[0] ? "," : "", c->net.gw,
		    c->net.dns[0] ? "," : "", c->net.dns);
	}
	if (c->netconsole[0])
		out(&o, "netconsole %s\n", c->netconsole);
	if (c->nfs_options[0])
		out(&o, "nfs_options %s\n", c->nfs_options);
	if (c->nfs_vers[0])
		out(&o, "nfs_vers %s\n", c->nfs_vers);
	o.pos += conf_host_format(&c->host, buf + o.pos, o.pos < len ? len - o.pos : 0);
	if (c->panic_set)
		out(&o, "# kcap.panic=%d from the kernel command line\n",
		    c->panic);
	if (o.overflow)
		return -ENOSPC;
	return (int)o.pos;
}
