// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfs target: "nfs <host>:/export" (or "[<IPv6>]:/export"), mounted by the
 * collector with mount(2) and text options (no mount.nfs in the image), as
 * a directory sink: the same <path>/<host>-<date>/ layout and rules as ext4.
 *
 * Options: kcap's own, then nfs_options from kcap.conf (a later option wins
 * in the kernel's parser, so nfs_options may change timeo, retrans, port=,
 * mountport=, ...):
 *   vers=4.2, then 4.1, 4.0 if the server refuses the version; or the
 *     version of nfs_vers (kcap.nfs_vers=3);
 *   soft,timeo=50,retrans=2: a server that dies mid-dump fails the writes
 *     with EIO after about 15 s instead of blocking the capture forever;
 *   proto=tcp (tcp6 for an IPv6 server: the kernel refuses a mismatch with
 *     EINVAL), addr=<resolved address> (the kernel does not resolve names);
 *   v3: nolock (no lockd/statd in the image), mountproto=tcp(6); a server
 *     without rpcbind needs port= and mountport= in nfs_options.
 * Each mount(2) runs in a child process that is killed when device_timeout
 * is over (a server that answers nothing cannot hang the capture); the
 * worker's capture_timeout covers everything after it.
 *
 * A soft mount alone is not enough when the server dies mid-dump: write(2)
 * on NFS does not report writeback errors (only fsync/close do), and each
 * batch of dirty pages waits out timeo*retrans, so the dump would crawl
 * until the worker deadline and the next target would never get its turn.
 * So while the sink is in use a watchdog process connects to the server's
 * port every NFS_PROBE_S; after NFS_DEAD_S without one connection it says
 * so and aborts every RPC of the mount (umount2 MNT_FORCE, repeated), so
 * the writes fail at once and the writer's fdatasync returns EIO.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dumpdir.h"
#include "log.h"
#include "net.h"
#include "target.h"

#define NFS_OPTS	"soft,timeo=50,retrans=2"
#define NFS_UMOUNT_S	20	/* a clean unmount flushes what is left: give it time */
#define NFS_DETACH_S	3	/* a forced lazy unmount of a dead server's mount */
#define NFS_POLL_MS	100
#define NFS_PROBE_S	2	/* watchdog: one TCP connect to the server */
#define NFS_DEAD_S	15	/* watchdog: no connection for this long: the server is gone */
#define NFS_PORT_DEFAULT 2049

/* one nfs sink at a time (the capture's targets are sequential): its watchdog and server */
static pid_t nfs_watchdog_pid;
static struct sockaddr_storage nfs_srv;
static socklen_t nfs_srv_len;

static long nfs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/*
 * mount(2) or umount2(2) in a child, given up (child killed) after
 * timeout_ms. 0, -errno of the call, or -ETIMEDOUT.
 */
static int nfs_call(const char *src, const char *mnt, const char *opts, int umount_flags,
		    long timeout_ms)
{
	struct timespec ts = { 0, NFS_POLL_MS * 1000000L };
	long deadline = nfs_now_ms() + timeout_ms;
	int status, ret;
	pid_t pid, w;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (src)
			ret = mount(src, mnt, "nfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts);
		else
			ret = umount2(mnt, umount_flags);
		/* an exit status holds 1..254; 255: an errno beyond that (the kernel's 524) */
		_exit(ret < 0 ? (errno > 0 && errno < 255 ? errno : 255) : 0);
	}
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (nfs_now_ms() >= deadline) {
			kill(pid, SIGKILL);
			/* an RPC in progress dies with SIGKILL; wait for it a little */
			for (ret = 0; ret < 20 && waitpid(pid, &status, WNOHANG) == 0; ret++)
				nanosleep(&ts, NULL);
			return -ETIMEDOUT;
		}
		nanosleep(&ts, NULL);
	}
	if (!WIFEXITED(status))
		return -EINTR;
	if (WEXITSTATUS(status) == 255)
		return -EPROTONOSUPPORT;
	return -WEXITSTATUS(status);
}

/* Worth trying an older NFSv4 minor version: the server refused this one. */
static int nfs_version_refused(int err)
{
	return err == -EPROTONOSUPPORT || err == -EINVAL || err == -EPROTO;
}

/* One TCP connect to ss, given up after timeout_s. 0 connected, -errno otherwise. */
static int nfs_probe(const struct sockaddr_storage *ss, socklen_t len, int timeout_s)
{
	struct pollfd pfd;
	socklen_t elen = sizeof(int);
	int fd, err = 0, ret;

	fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = connect(fd, (const struct sockaddr *)ss, len);
	if (ret < 0 && errno == EINPROGRESS) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		ret = poll(&pfd, 1, timeout_s * 1000);
		if (ret == 0)
			err = ETIMEDOUT;
		else if (ret < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
			err = errno;
		ret = err ? -1 : 0;
	} else if (ret < 0) {
		err = errno;
	}
	close(fd);
	return ret < 0 ? -err : 0;
}

/* The port= of nfs_options (the last one wins, as in the kernel), else 2049. */
static int nfs_port(const char *opts)
{
	const char *p;
	int port = NFS_PORT_DEFAULT;

	for (p = opts; p && *p; p = strchr(p, ','), p = p ? p + 1 : NULL)
		if (!strncmp(p, "port=", 5))
			port = atoi(p + 5);
	return port > 0 && port < 65536 ? port : NFS_PORT_DEFAULT;
}

/* The watchdog (see the top of this file). Runs until release kills it. */
static void nfs_watchdog(const char *tag, const char *mnt, struct sockaddr_storage *ss,
			 socklen_t len)
{
	struct timespec ts = { 0, 200 * 1000000L };
	long last_ok = nfs_now_ms();
	int ret;

	for (;;) {
		ret = nfs_probe(ss, len, NFS_PROBE_S);
		if (!ret)
			last_ok = nfs_now_ms();
		else if (nfs_now_ms() - last_ok >= NFS_DEAD_S * 1000L)
			break;
		sleep(NFS_PROBE_S);
	}
	log_errno(ret, "%s: NFS server gone: no connection for %d s; aborting the I/O on %s",
		  tag, NFS_DEAD_S, mnt);
	for (;;) {
		umount2(mnt, MNT_FORCE);
		nanosleep(&ts, NULL);
	}
}

static void nfs_watchdog_start(const char *tag, const char *mnt, const struct sockaddr_storage *srv,
			       socklen_t len, const char *opts)
{
	struct sockaddr_storage ss = *srv;
	int port = nfs_port(opts);
	pid_t pid;

	if (ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	nfs_srv = ss;
	nfs_srv_len = len;
	pid = fork();
	if (pid < 0) {
		log_warn("%s: no NFS watchdog (a dead server will stall the dump until capture_timeout)",
			 tag);
		return;
	}
	if (pid == 0) {
		nfs_watchdog(tag, mnt, &ss, len);
		_exit(0);
	}
	nfs_watchdog_pid = pid;
}

/* A watchdog stuck in the kernel (unmounting a dead server's mount) is not waited for. */
static void nfs_watchdog_stop(void)
{
	struct timespec ts = { 0, NFS_POLL_MS * 1000000L };
	int i;

	if (nfs_watchdog_pid <= 0)
		return;
	kill(nfs_watchdog_pid, SIGKILL);
	for (i = 0; i < 20 && waitpid(nfs_watchdog_pid, NULL, WNOHANG) == 0; i++)
		nanosleep(&ts, NULL);
	nfs_watchdog_pid = 0;
}

int target_nfs_prepare(const struct kcap_conf *c, const struct conf_target *t, int n,
		       const struct log_ctx *lc, struct sink *s)
{
	static const char *const v4[] = { "4.2", "4.1", "4.0" };
	const char *tag = lc->tag, *what = lc->what;
	const char *const *vers = v4;
	const char *colon, *one[1], *tcp;
	struct sockaddr_storage ss;
	char host[256], addr[64], opts[CONF_STR_MAX * 2 + 128];
	socklen_t len;
	long t0, left;
	int ret, i, nvers = 3;

	sink_init(s, SINK_DIR, "");
	ret = net_up(c, lc);
	if (ret < 0) {
		log_warnx("%s: %s: no network: skipping", tag, what);
		return ret;
	}
	/* host:/export, [v6]:/export (conf.c checked the form) */
	colon = t->spec[0] == '[' ? strstr(t->spec, "]:") + 1 : strchr(t->spec, ':');
	if (!colon || (size_t)(colon - t->spec) >= sizeof(host)) {
		log_warnx("%s: %s: not <host>:/<export>: skipping", tag, what);
		return -EINVAL;
	}
	memcpy(host, t->spec, (size_t)(colon - t->spec));
	host[colon - t->spec] = '\0';
	t0 = nfs_now_ms();
	ret = net_resolve(host, NULL, AF_UNSPEC, &ss, &len);
	if (ret) {
		log_warnx("%s: %s: cannot resolve %s: %s: skipping", tag, what, host,
			  gai_strerror(ret));
		return -EHOSTUNREACH;
	}
	net_ntop(&ss, addr, sizeof(addr));
	tcp = ss.ss_family == AF_INET6 ? "tcp6" : "tcp";
	log_info("%s: %s: server %s is %s (%ld ms)", tag, what, host, addr, nfs_now_ms() - t0);

	ret = target_mountpoint(n, lc, s);
	if (ret < 0)
		return ret;
	if (c->nfs_vers[0] && strcmp(c->nfs_vers, "4")) {
		one[0] = c->nfs_vers;
		vers = one;
		nvers = 1;
	}
	t0 = nfs_now_ms();
	ret = -ETIMEDOUT;
	for (i = 0; i < nvers; i++) {
		int v3 = !strcmp(vers[i], "3");

		left = c->device_timeout * 1000L - (nfs_now_ms() - t0);
		if (left <= 0)
			break;
		if (snprintf(opts, sizeof(opts), "vers=%s,%s,proto=%s%s%s,addr=%s%s%s", vers[i],
			     NFS_OPTS, tcp, v3 ? ",nolock,mountproto=" : "", v3 ? tcp : "", addr,
			     c->nfs_options[0] ? "," : "", c->nfs_options) >= (int)sizeof(opts)) {
			ret = -ENAMETOOLONG;
			break;
		}
		log_info("%s: %s: mount -t nfs -o %s (up to %ld ms)", tag, what, opts, left);
		ret = nfs_call(t->spec, s->mnt, opts, 0, left);
		if (!ret || i + 1 == nvers || !nfs_version_refused(ret))
			break;
		log_errno(ret, "%s: %s: NFS %s refused", tag, what, vers[i]);
	}
	if (ret < 0) {
		if (ret == -ETIMEDOUT)
			log_warnx("%s: %s: mount gave no answer within device_timeout %d s: skipping",
				  tag, what, c->device_timeout);
		else
			log_errno(ret, "%s: %s: mount on %s failed: skipping", tag, what, s->mnt);
		/* a mount that completed as its child was killed */
		umount2(s->mnt, MNT_DETACH);
		s->mnt[0] = '\0';
		return ret;
	}
	log_info("%s: mounted %s (NFS %s) on %s in %ld ms", tag, t->spec, vers[i], s->mnt,
		 nfs_now_ms() - t0);
	nfs_watchdog_start(tag, s->mnt, &ss, len, opts);
	snprintf(s->dev, sizeof(s->dev), "%s", t->spec);
	ret = target_dump_path(c, lc, s);
	if (ret < 0)
		target_nfs_release(lc, s);
	return ret;
}

/*
 * save.c has fsynced what it wrote. A clean unmount (bounded) while the
 * server answers; else, or when that fails, force it (aborts the RPCs in
 * flight) and detach: a dead server's dirty pages are lost anyway.
 */
void target_nfs_release(const struct log_ctx *lc, struct sink *s)
{
	int ret;

	if (!s->mnt[0])
		return;
	/* the watchdog keeps aborting the I/O of a dead server while we unmount */
	ret = nfs_srv_len ? nfs_probe(&nfs_srv, nfs_srv_len, NFS_PROBE_S) : 0;
	if (!ret)
		ret = nfs_call(NULL, s->mnt, NULL, 0, NFS_UMOUNT_S * 1000L);
	if (ret < 0) {
		/*
		 * Even a lazy unmount of a dead server's mount waits out RPC
		 * timeouts in the task that drops the last reference: in a
		 * child, given NFS_DETACH_S, then left behind.
		 */
		log_errno(ret, "%s: umount %s (forcing and detaching it)", lc->tag, s->mnt);
		ret = nfs_call(NULL, s->mnt, NULL, MNT_FORCE | MNT_DETACH, NFS_DETACH_S * 1000L);
		if (ret < 0 && ret != -EINVAL)
			log_errno(ret, "%s: umount -f -l %s (going on)", lc->tag, s->mnt);
	}
	nfs_watchdog_stop();
	nfs_srv_len = 0;
	s->mnt[0] = '\0';
}
