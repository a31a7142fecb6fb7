// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The capture sequence, run by PID 1's worker:
 *
 *   1. config: /etc/kcap.conf + kcap.* on the command line   (PID 1, must)
 *   2. open /proc/vmcore, say whose crash it is              (must)
 *   3. kernel modules for the targets                        (best effort)
 *   4. kdump_pre                                             (best effort)
 *   5. each target in order until one has a complete vmcore  (must: one)
 *        the target prepares a sink (target_*.c, targets[] below),
 *        save.c writes into it: vmcore-dmesg.txt first (best effort),
 *        free space, vmcore, kexec-dmesg.log (best effort)
 *   6. kdump_post <status> <dump dir>                        (best effort)
 *
 * The worker's exit status tells PID 1 which final action to take.
 * `kcap save` (cmd_save.c) runs steps 2 and 5's saving on the host.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "fence_kdump.h"
#include "log.h"
#include "modules.h"
#include "net.h"
#include "save.h"
#include "script.h"
#include "target.h"

void capture_conf_report(void *arg, const char *file, int line, const char *msg)
{
	(void)arg;
	if (line > 0)
		log_warnx("%s:%d: %s", file, line, msg);
	else
		log_warnx("%s: %s", file, msg);
}

void capture_load_conf(struct kcap_conf *c, const char *cmdline)
{
	struct dumpfile_opts o;
	char fmt[64], panic[16] = "unset";
	int ret;

	conf_init(c);
	ret = conf_parse_file(c, CAPTURE_CONF, 0, capture_conf_report, NULL);
	if (ret == -ENOENT)
		log_info("config: no %s: defaults and the command line only", CAPTURE_CONF);
	else if (ret < 0)
		log_errno(ret, "config: reading %s (going on with what was read)", CAPTURE_CONF);
	conf_apply_cmdline(c, cmdline, capture_conf_report, NULL);

	save_opts(c, &o);
	if (c->panic_set)
		snprintf(panic, sizeof(panic), "%d", c->panic);
	log_info("config: %d target(s), path %s, %s, dump level %d, final_action %s, failure_action %s, capture_timeout %d s, device_timeout %d s, kcap.panic=%s",
		 c->nr_targets, c->path, save_format_name(&o, fmt, sizeof(fmt)), c->dump_level,
		 conf_action_name(c->final_action), conf_action_name(c->failure_action),
		 c->capture_timeout, c->device_timeout, panic);
}

static void capture_script(const char *what, const char *path, char *const args[])
{
	int ret, sig;

	if (!path[0])
		return;
	log_info("%s: running %s", what, path);
	ret = script_run(path, args, SCRIPT_TIMEOUT_S, &sig);
	if (ret == 0)
		log_info("%s: %s: exit status 0", what, path);
	else if (ret > 0)
		log_warnx("%s: %s: exit status %d (ignored)", what, path, ret);
	else if (ret == -ETIMEDOUT)
		log_warnx("%s: %s: killed after %d s (ignored)", what, path, SCRIPT_TIMEOUT_S);
	else if (ret == -EINTR)
		log_warnx("%s: %s: killed by signal %d (ignored)", what, path, sig);
	else
		log_errno(ret, "%s: cannot run %s (ignored)", what, path);
}

/* The targets: each finds and prepares its place and hands back a sink (target.h). */
static const struct target_kind {
	enum conf_target_kind kind;
	int (*prepare)(const struct kcap_conf *c, const struct conf_target *t, int n,
		       const struct log_ctx *lc, struct sink *s);
	void (*release)(const struct log_ctx *lc, struct sink *s);
} targets[] = {
	{ TARGET_EXT4, target_fs_prepare, target_fs_release },
	{ TARGET_RAW, target_raw_prepare, target_raw_release },
	{ TARGET_XFS, target_fs_prepare, target_fs_release },
	{ TARGET_SSH, target_ssh_prepare, target_ssh_release },
	{ TARGET_NFS, target_nfs_prepare, target_nfs_release },
};
#define NR_TARGETS	(sizeof(targets) / sizeof(targets[0]))

static const struct target_kind *capture_target_kind(enum conf_target_kind kind)
{
	size_t i;

	for (i = 0; i < NR_TARGETS; i++)
		if (targets[i].kind == kind)
			return &targets[i];
	return NULL;
}

int capture_worker(void *arg)
{
	const struct kcap_conf *c = arg;
	const struct conf_target *t;
	const struct target_kind *tk = NULL;
	struct sink s;
	struct capture cap;
	struct log_ctx lc;
	char tag[32], what[CONF_STR_MAX + 16], where[PATH_MAX] = "";
	char status[4];
	int i, ret, ok = 0;

	if (save_open(&cap, CAPTURE_VMCORE, c) < 0) {
		log_warnx("capture failed: %s cannot be read", CAPTURE_VMCORE);
		capture_script("kdump_post", c->kdump_post, (char *const[]){ "1", "", NULL });
		return 1;
	}
	modules_load(c->extra_modules);
	net_netconsole(c, &(const struct log_ctx){ "netconsole", "" });	/* best effort, if configured */
	fence_kdump_start(c, &(const struct log_ctx){ "fence_kdump", "" });	/* if configured */
	target_ssh_early(c);	/* if an ssh target is configured */
	capture_script("kdump_pre", c->kdump_pre, NULL);

	if (!c->nr_targets)
		log_warnx("no dump target configured (raw, ext4, nfs or ssh in %s, or kcap.ext4= on the command line): nothing can be saved",
			  CAPTURE_CONF);
	lc.tag = tag;
	lc.what = what;
	for (i = 0; i < c->nr_targets && !ok; i++) {
		t = &c->targets[i];
		snprintf(tag, sizeof(tag), "target %d/%d", i + 1, c->nr_targets);
		snprintf(what, sizeof(what), "%s %s", conf_target_kind_name(t->kind), t->spec);
		if (i > 0)
			log_info("%s: falling back to %s", tag, what);
		tk = capture_target_kind(t->kind);
		if (!tk) {
			log_warnx("%s: %s: %s targets are not supported yet: skipping", tag, what,
				  conf_target_kind_name(t->kind));
			continue;
		}
		ret = tk->prepare(c, t, i + 1, &lc, &s);
		if (ret < 0)
			continue;
		ret = save_to_sink(&cap, &s, &lc);
		if (ret < 0) {
			save_finish(&s, &lc);
			tk->release(&lc, &s);
			continue;
		}
		ok = i + 1;
		snprintf(where, sizeof(where), "%s", s.kind == SINK_DIR ? s.dir : t->spec);
		log_info("capture complete: vmcore on %s (%s)", tag, what);
	}
	if (!ok && c->nr_targets)
		log_warnx("capture failed: no target got a complete vmcore (%d tried)", c->nr_targets);
	save_log_peak_memory();

	snprintf(status, sizeof(status), "%d", ok ? 0 : 1);
	capture_script("kdump_post", c->kdump_post, (char *const[]){ status, where, NULL });
	if (ok) {	/* kdump_post has seen the dump directory: now close and unmount */
		save_finish(&s, &lc);
		tk->release(&lc, &s);
	}
	fence_kdump_stop();
	save_close(&cap);
	return ok ? 0 : 1;
}
