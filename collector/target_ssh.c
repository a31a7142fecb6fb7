// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ssh target: `ssh user@host` (sshkey, sshport, ssh_known_hosts). The dump
 * directory is on the server, reached by one dbclient run per step
 * (ssh.c); save.c drives the steps through the sink's remote operations:
 *
 *   mkdir   umask 077; mkdir -p <path>; mkdir <path>/<host>-<date>[-N]; and
 *           vmcore-dmesg.txt in it, as put does (one connection for both)
 *   put     vmcore-dmesg.txt, kexec-dmesg.log: cat > NAME.incomplete, size
 *           checked, renamed
 *   open    cat > vmcore-incomplete: the flattened dump, as a stream
 *   close   dbclient exit 0, then `wc -c` = bytes sent, then renamed to
 *           vmcore.flat (never when either fails)
 *
 * The server's host key must be in ssh_known_hosts (built into the image
 * by mkimage from kcapctl propagate's file, in the plain "host type key"
 * form dbclient reads): an unknown or changed key is refused before a
 * byte is sent. The remote side is a POSIX sh; every path is quoted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "net.h"
#include "ssh.h"
#include "target.h"

#define SSH_CMD_MAX	(4 * PATH_MAX)
#define SSH_MAX_SUFFIX	99	/* as dumpdir.c: <name>-2 .. -99 */

static pid_t ssh_rng_pid = -1;

static struct ssh_target {
	struct ssh_dest d;
	struct ssh_proc stream;
	int step_ms;		/* one small step: connect, log in, run */
	int home_made;
} st_ssh;

static void ssh_fail(const struct log_ctx *lc, const char *step, const struct ssh_proc *p,
		     int ret)
{
	char last[256];
	const char *why;
	int hostkey;

	why = ssh_why(p, ret, &hostkey);
	ssh_last_line(p, last, sizeof(last));
	if (ret >= 0)
		log_warnx("%s: %s: %s: %s (dbclient exit status %d%s%s)", lc->tag, lc->what, step,
			  why, ret, last[0] ? ": " : "", last);
	else
		log_errno(ret, "%s: %s: %s: %s%s%s", lc->tag, lc->what, step, why,
			  last[0] ? "; dbclient: " : "", last);
}

/* --- the remote operations (sink.h) --------------------------------------------------- */

static int ssh_mkdir(struct sink *s, const char *name, const char *first, const void *buf,
		     size_t len, const struct log_ctx *lc)
{
	struct ssh_target *t = s->remote_arg;
	char qbase[PATH_MAX + 64], qname[256], qtmp[160], qfirst[160], tmp[128], put[1024];
	char cmd[SSH_CMD_MAX], step[160], *got, *nl;
	struct ssh_proc p;
	int ret;

	if (ssh_quote(s->path, qbase, sizeof(qbase)) || ssh_quote(name, qname, sizeof(qname)))
		return -ENAMETOOLONG;
	put[0] = '\0';
	if (first) {	/* then the first file, as ssh_put() does, in the new directory */
		snprintf(tmp, sizeof(tmp), "%s.incomplete", first);
		if (ssh_quote(tmp, qtmp, sizeof(qtmp)) || ssh_quote(first, qfirst, sizeof(qfirst)))
			return -ENAMETOOLONG;
		if (snprintf(put, sizeof(put),
			 "cd -- \"$n\" && cat > %s || exit 6; "
			 "m=$(wc -c < %s | tr -d ' ') || exit 7; "
			 "[ \"$m\" = %zu ] || { echo \"kcap: %s holds $m bytes, %zu were sent\" >&2; exit 8; }; "
			 "mv -- %s %s && printf 'KCAPOK %%s\\n' \"$m\"",
			 qtmp, qtmp, len, tmp, len, qtmp, qfirst) >= (int)sizeof(put))
			return -ENAMETOOLONG;
	}
	/* mkdir without -p fails on an existing name: take the next one, as dumpdir.c does */
	if (snprintf(cmd, sizeof(cmd),
		     "umask 077 && mkdir -p -- %s && cd -- %s || exit 2; n=%s; i=1; "
		     "while ! mkdir -- \"$n\" 2>/dev/null; do "
		     "[ -e \"$n\" ] || { mkdir -- \"$n\"; exit 3; }; "
		     "i=$((i + 1)); [ $i -le %d ] || exit 4; n=%s-$i; done; "
		     "printf 'KCAPDIR %%s\\n' \"$n\"; %s",
		     qbase, qbase, qname, SSH_MAX_SUFFIX, qname, put) >= (int)sizeof(cmd))
		return -ENAMETOOLONG;
	log_info("%s: %s: connecting to port %d, making a dump directory under %s", lc->tag,
		 lc->what, t->d.port, s->path);
	/* a kernel log starts with '[', never with the 'y' dbclient would take as a yes */
	ret = ssh_run(&t->d, cmd, first ? buf : NULL, len, t->step_ms + (int)(len / 1024), &p);
	got = strstr(p.outbuf, "KCAPDIR ");
	if (!got) {
		ssh_fail(lc, "mkdir", &p, ret);
		return ret < 0 ? ret : -EIO;
	}
	got += 8;
	nl = strchr(got, '\n');
	if (nl)
		*nl = '\0';
	/* what came back must be name or name-N, nothing else */
	if (strncmp(got, name, strlen(name)) || strchr(got, '/') ||
	    (got[strlen(name)] && got[strlen(name)] != '-')) {
		log_warnx("%s: %s: mkdir: the server answered '%.64s', not %s[-N]", lc->tag,
			  lc->what, got, name);
		return -EPROTO;
	}
	if (snprintf(s->dir, sizeof(s->dir), "%s/%s", s->path, got) >= (int)sizeof(s->dir))
		return -ENAMETOOLONG;
	log_info("%s: dump directory %s:%s", lc->tag, t->d.host, s->dir);
	if (first && ret == 0 && nl && strstr(nl + 1, "KCAPOK ")) {
		log_info("%s: %s: %zu bytes", lc->tag, first, len);
	} else if (first) {
		snprintf(step, sizeof(step), "%s (%zu bytes)", first, len);
		ssh_fail(lc, step, &p, ret);	/* best effort: the directory is there */
	}
	return 0;
}

/* The shell words for "the file tmp in the dump directory holds bytes bytes: rename it to name". */
static int ssh_commit_cmd(const struct sink *s, const char *tmp, const char *name,
			  unsigned long long bytes, const char *first, char *cmd, size_t len)
{
	char qdir[PATH_MAX + 64], qtmp[128], qname[128];

	if (ssh_quote(s->dir, qdir, sizeof(qdir)) || ssh_quote(tmp, qtmp, sizeof(qtmp)) ||
	    ssh_quote(name, qname, sizeof(qname)))
		return -ENAMETOOLONG;
	if (snprintf(cmd, len,
		     "umask 077 && cd -- %s || exit 2; %s"
		     "n=$(wc -c < %s | tr -d ' ') || exit 3; "
		     "[ \"$n\" = %llu ] || { echo \"kcap: %s holds $n bytes, %llu were sent\" >&2; exit 4; }; "
		     "[ ! -e %s ] || { echo 'kcap: %s exists already' >&2; exit 5; }; "
		     "mv -- %s %s && printf 'KCAPOK %%s\\n' \"$n\"",
		     qdir, first, qtmp, bytes, tmp, bytes, qname, name, qtmp, qname) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

static int ssh_put(struct sink *s, const char *name, const void *buf, size_t len,
		   const struct log_ctx *lc)
{
	struct ssh_target *t = s->remote_arg;
	char tmp[128], qtmp[160], first[200], cmd[SSH_CMD_MAX], step[160];
	struct ssh_proc p;
	int ret;

	snprintf(tmp, sizeof(tmp), "%s.incomplete", name);
	if (ssh_quote(tmp, qtmp, sizeof(qtmp)))
		return -ENAMETOOLONG;
	snprintf(first, sizeof(first), "cat > %s || exit 6; ", qtmp);
	ret = ssh_commit_cmd(s, tmp, name, (unsigned long long)len, first, cmd, sizeof(cmd));
	if (ret < 0)
		return ret;
	/* a kernel log starts with '[' or '<', never with the 'y' dbclient would take as a yes */
	ret = ssh_run(&t->d, cmd, buf, len, t->step_ms + (int)(len / 1024), &p);
	if (ret != 0 || !strstr(p.outbuf, "KCAPOK ")) {
		snprintf(step, sizeof(step), "%s (%zu bytes)", name, len);
		ssh_fail(lc, step, &p, ret);
		return ret < 0 ? ret : -EIO;
	}
	return 0;
}

static int ssh_open(struct sink *s, const char *tmp, int *fd, const struct log_ctx *lc)
{
	struct ssh_target *t = s->remote_arg;
	char qdir[PATH_MAX + 64], qtmp[128], cmd[SSH_CMD_MAX];
	int ret;

	if (ssh_quote(s->dir, qdir, sizeof(qdir)) || ssh_quote(tmp, qtmp, sizeof(qtmp)))
		return -ENAMETOOLONG;
	snprintf(cmd, sizeof(cmd), "umask 077 && cd -- %s && exec cat > %s", qdir, qtmp);
	ret = ssh_start(&t->d, cmd, &t->stream);
	if (ret < 0) {
		log_errno(ret, "%s: %s: cannot start dbclient", lc->tag, lc->what);
		return ret;
	}
	*fd = t->stream.in;
	return 0;
}

static int ssh_close_stream(struct sink *s, const char *tmp, const char *name, int ok,
			    uint64_t bytes, const struct log_ctx *lc)
{
	struct ssh_target *t = s->remote_arg;
	char cmd[SSH_CMD_MAX];
	struct ssh_proc p;
	int ret;

	/* closing its stdin ends the remote cat; dbclient may still be sending */
	ret = ssh_finish(&t->stream, NULL, 0, t->step_ms * 2);
	if (ret != 0) {
		ssh_fail(lc, "the dump stream", &t->stream, ret);
		return ret < 0 ? ret : -EIO;
	}
	if (!ok)
		return -EIO;	/* the writer failed: it said why; tmp stays */
	ret = ssh_commit_cmd(s, tmp, name, (unsigned long long)bytes, "", cmd, sizeof(cmd));
	if (ret < 0)
		return ret;
	ret = ssh_run(&t->d, cmd, NULL, 0, t->step_ms, &p);
	if (ret != 0 || !strstr(p.outbuf, "KCAPOK ")) {
		ssh_fail(lc, "checking the size and renaming the dump", &p, ret);
		return ret < 0 ? ret : -EIO;
	}
	log_info("%s: %s: the server holds all %llu bytes of the stream", lc->tag, lc->what,
		 (unsigned long long)bytes);
	return 0;
}

static const struct sink_remote ssh_remote = {
	.mkdir = ssh_mkdir,
	.put = ssh_put,
	.open = ssh_open,
	.close = ssh_close_stream,
};

/* --- prepare and release --------------------------------------------------------------- */

/* user@host or user@[v6addr] (conf.c checked the '@'). 0, -EINVAL. */
static int ssh_parse_spec(const char *spec, struct ssh_dest *d)
{
	const char *at = strchr(spec, '@'), *h;
	size_t n;

	if (!at || at == spec || (size_t)(at - spec) >= sizeof(d->user))
		return -EINVAL;
	memcpy(d->user, spec, (size_t)(at - spec));
	d->user[at - spec] = '\0';
	h = at + 1;
	n = strlen(h);
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	/* dbclient reads host/port and host^port: neither may be in a host */
	if (!n || n >= sizeof(d->host) || strcspn(h, "/^[] \t") < n || d->user[0] == '-' ||
	    h[0] == '-')
		return -EINVAL;
	memcpy(d->host, h, n);
	d->host[n] = '\0';
	return 0;
}

/*
 * dbclient's HOME: a private directory holding .ssh/known_hosts, a copy of
 * ssh_known_hosts (dbclient opens it for appending: the original stays
 * untouched). Counts the lines for host in *found.
 */
static int ssh_make_home(const struct kcap_conf *c, struct ssh_target *t, int *found)
{
	char path[PATH_MAX + 32], line[8192];
	size_t hl = strlen(t->d.host);
	FILE *in, *out;
	int ret = 0;

	*found = 0;
	in = fopen(c->ssh_known_hosts, "re");
	if (!in)
		return -errno;
	snprintf(t->d.home, sizeof(t->d.home), "/tmp/kcap-ssh.XXXXXX");
	if (!mkdtemp(t->d.home)) {
		ret = -errno;
		goto out_in;
	}
	t->home_made = 1;
	snprintf(path, sizeof(path), "%s/.ssh", t->d.home);
	if (mkdir(path, 0700) < 0) {
		ret = -errno;
		goto out_in;
	}
	snprintf(path, sizeof(path), "%s/.ssh/known_hosts", t->d.home);
	out = fopen(path, "wxe");
	if (!out) {
		ret = -errno;
		goto out_in;
	}
	while (fgets(line, sizeof(line), in)) {
		if (!strncmp(line, t->d.host, hl) && line[hl] == ' ')
			(*found)++;
		fputs(line, out);
	}
	if (ferror(in) || fclose(out) != 0)
		ret = -EIO;
out_in:
	fclose(in);
	return ret;
}

static void ssh_remove_home(struct ssh_target *t)
{
	char path[PATH_MAX + 32];

	if (!t->home_made)
		return;
	snprintf(path, sizeof(path), "%s/.ssh/known_hosts", t->d.home);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.ssh", t->d.home);
	rmdir(path);
	rmdir(t->d.home);
	t->home_made = 0;
}

int target_ssh_prepare(const struct kcap_conf *c, const struct conf_target *ct, int n,
		       const struct log_ctx *lc, struct sink *s)
{
	struct ssh_target *t = &st_ssh;
	const char *tag = lc->tag, *what = lc->what;
	struct stat sb;
	int ret, found;

	(void)n;
	sink_init(s, SINK_STREAM, "");
	memset(t, 0, sizeof(*t));
	t->stream.pid = -1;
	t->stream.in = t->stream.out = t->stream.err = -1;
	if (ssh_parse_spec(ct->spec, &t->d) < 0) {
		log_warnx("%s: %s: expected user@host (a host name or address): skipping", tag, what);
		return -EINVAL;
	}
	t->d.port = c->ssh_port;
	t->step_ms = (c->device_timeout > 30 ? c->device_timeout : 30) * 1000;
	if (snprintf(t->d.key, sizeof(t->d.key), "%s", c->sshkey) >= (int)sizeof(t->d.key) ||
	    sink_init(s, SINK_STREAM, c->path) < 0)
		return -ENAMETOOLONG;
	if (stat(t->d.key, &sb) < 0) {
		ret = -errno;
		log_errno(ret, "%s: %s: sshkey %s (the image builder copies it in)", tag, what,
			  t->d.key);
		return ret;
	}
	if (sb.st_mode & 077)
		log_warnx("%s: %s: sshkey %s has mode %03o: others can read it (should be 600)",
			  tag, what, t->d.key, (unsigned)(sb.st_mode & 0777));

	ret = ssh_make_home(c, t, &found);
	if (ret < 0) {
		log_errno(ret, "%s: %s: ssh_known_hosts %s: without it the server cannot be checked: skipping (kcapctl propagate records the host key)",
			  tag, what, c->ssh_known_hosts);
		ssh_remove_home(t);
		return ret;
	}
	if (!found) {
		log_warnx("%s: %s: the server's host key is UNKNOWN: no '%s' line in %s: refusing to connect (kcapctl propagate records it)",
			  tag, what, t->d.host, c->ssh_known_hosts);
		ssh_remove_home(t);
		return -ENOKEY;
	}
	/* in the capture kernel (as report.c tells it): its network, idempotent (net.h);
	 * `kcap save --ssh` on a running system uses the network it has */
	if ((getpid() == 1 || getppid() == 1) && access("/proc/vmcore", F_OK) == 0) {
		ret = net_up(c, lc);
		if (ret < 0) {
			log_errno(ret, "%s: %s: no network: skipping", tag, what);
			ssh_remove_home(t);
			return ret;
		}
	}
	log_info("%s: %s: port %d, key %s, %d pinned host key(s) for %s", tag, what, t->d.port,
		 t->d.key, found, t->d.host);
	snprintf(s->dev, sizeof(s->dev), "ssh %.255s@%.255s", t->d.user, t->d.host);
	s->remote = &ssh_remote;
	s->remote_arg = t;
	return 0;
}

/*
 * dbclient's first getrandom() blocks until the kernel's RNG is ready, about 1 s
 * into a capture kernel without a CPU or virtio RNG (measured in QEMU: the first
 * connection took 1.6 s, the next ones 0.5 s). A child that asks for random
 * bytes right at the start makes the kernel gather its jitter entropy while the
 * collector opens the vmcore, loads modules and brings the network up. No
 * entropy is credited by us; the child only waits.
 */
void target_ssh_early(const struct kcap_conf *c)
{
	unsigned char b[16];
	int i;

	for (i = 0; i < c->nr_targets; i++)
		if (c->targets[i].kind == TARGET_SSH)
			break;
	if (i == c->nr_targets || ssh_rng_pid > 0 ||
	    getrandom(b, sizeof(b), GRND_NONBLOCK) == (ssize_t)sizeof(b))
		return;		/* no ssh target, or the RNG is ready already */
	ssh_rng_pid = fork();
	if (ssh_rng_pid == 0) {
		signal(SIGALRM, SIG_DFL);
		alarm(60);
		_exit(getrandom(b, sizeof(b), 0) == (ssize_t)sizeof(b) ? 0 : 1);
	}
}

void target_ssh_release(const struct log_ctx *lc, struct sink *s)
{
	struct ssh_target *t = s->remote_arg;

	(void)lc;
	if (ssh_rng_pid > 0) {	/* target_ssh_early's child: done long ago, or not needed now */
		kill(ssh_rng_pid, SIGKILL);
		waitpid(ssh_rng_pid, NULL, 0);
		ssh_rng_pid = -1;
	}
	if (!t)
		return;
	ssh_kill(&t->stream);
	ssh_remove_home(t);
	s->remote_arg = NULL;
}
