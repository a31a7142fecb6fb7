// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE	/* pipe2 */
/* Running dbclient for the ssh target: see ssh.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "early.h"
#include "ssh.h"

static long ssh_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void ssh_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void ssh_child(const struct ssh_dest *d, const char *cmd, int in[2], int out[2],
		      int err[2])
{
	char port[16], keepalive[16], idle[16], home[PATH_MAX + 8];
	const char *dbclient = getenv("KCAP_DBCLIENT");
	char *env[] = { "PATH=/bin:/sbin:/usr/bin:/usr/sbin", home, NULL };
	char *argv[] = {
		"dbclient", "-T", "-i", (char *)d->key, "-p", port, "-K", keepalive, "-I", idle,
		"-o", "DisableTrivialAuth=yes", "-l", (char *)d->user, (char *)d->host,
		(char *)cmd, NULL,
	};

	early_child_signals();
	signal(SIGPIPE, SIG_DFL);
	setsid();	/* no controlling terminal: dbclient cannot open /dev/tty to ask */
	if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0)
		_exit(126);
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(out[1]);
	close(err[0]);
	close(err[1]);
	snprintf(port, sizeof(port), "%d", d->port);
	snprintf(keepalive, sizeof(keepalive), "%d", SSH_KEEPALIVE_S);
	snprintf(idle, sizeof(idle), "%d", SSH_IDLE_S);
	snprintf(home, sizeof(home), "HOME=%s", d->home);
	execve(dbclient && dbclient[0] ? dbclient : SSH_DBCLIENT, argv, env);
	dprintf(2, "kcap: exec %s: %s\n", dbclient && dbclient[0] ? dbclient : SSH_DBCLIENT,
		strerror(errno));
	_exit(127);
}

int ssh_start(const struct ssh_dest *d, const char *cmd, struct ssh_proc *p)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 }, ret;

	memset(p, 0, sizeof(*p));
	p->pid = -1;
	p->in = p->out = p->err = -1;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		ret = -errno;
		goto out_close;
	}
	p->pid = fork();
	if (p->pid < 0) {
		ret = -errno;
		goto out_close;
	}
	if (p->pid == 0)
		ssh_child(d, cmd, in, out, err);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	p->in = in[1];
	p->out = out[0];
	p->err = err[0];
	return 0;
out_close:
	ssh_close(&in[0]);
	ssh_close(&in[1]);
	ssh_close(&out[0]);
	ssh_close(&out[1]);
	ssh_close(&err[0]);
	ssh_close(&err[1]);
	return ret;
}

void ssh_kill(struct ssh_proc *p)
{
	ssh_close(&p->in);
	ssh_close(&p->out);
	ssh_close(&p->err);
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, NULL, 0);
		p->pid = -1;
	}
}

/* stdout: the first bytes; stderr: the last ones (dbclient's reason is at the end). */
static int ssh_read(int *fd, char *buf, size_t *len, int keep_end)
{
	char tmp[512];
	ssize_t n;
	size_t room;

	n = read(*fd, tmp, sizeof(tmp));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		ssh_close(fd);
		return 0;
	}
	if (keep_end && *len + (size_t)n > SSH_OUT_MAX - 1) {
		size_t drop = *len + (size_t)n - (SSH_OUT_MAX - 1);

		if (drop > *len)
			drop = *len;
		memmove(buf, buf + drop, *len - drop);
		*len -= drop;
	}
	room = SSH_OUT_MAX - 1 - *len;
	if ((size_t)n > room)
		n = (ssize_t)room;
	memcpy(buf + *len, tmp, (size_t)n);
	*len += (size_t)n;
	buf[*len] = '\0';
	return 0;
}

int ssh_finish(struct ssh_proc *p, const void *in, size_t inlen, int timeout_ms)
{
	const char *src = in;
	long end = ssh_now_ms() + timeout_ms, left;
	struct pollfd pfd[3];
	int status, n, ret = 0;
	ssize_t w;
	pid_t r;

	if (p->in >= 0 && inlen)
		fcntl(p->in, F_SETFL, fcntl(p->in, F_GETFL) | O_NONBLOCK);
	if (!inlen)
		ssh_close(&p->in);
	while (p->in >= 0 || p->out >= 0 || p->err >= 0) {
		left = end - ssh_now_ms();
		if (left <= 0) {
			ret = -ETIMEDOUT;
			goto out_kill;
		}
		n = 0;
		if (p->in >= 0)
			pfd[n++] = (struct pollfd){ .fd = p->in, .events = POLLOUT };
		if (p->out >= 0)
			pfd[n++] = (struct pollfd){ .fd = p->out, .events = POLLIN };
		if (p->err >= 0)
			pfd[n++] = (struct pollfd){ .fd = p->err, .events = POLLIN };
		if (poll(pfd, (nfds_t)n, left > 200 ? 200 : (int)left) < 0 && errno != EINTR) {
			ret = -errno;
			goto out_kill;
		}
		if (p->in >= 0) {
			w = write(p->in, src, inlen);
			if (w > 0) {
				src += w;
				inlen -= (size_t)w;
			} else if (w < 0 && errno != EAGAIN && errno != EINTR) {
				ssh_close(&p->in);	/* EPIPE: it is gone; its status says why */
			}
			if (!inlen)
				ssh_close(&p->in);
		}
		if (p->out >= 0)
			ssh_read(&p->out, p->outbuf, &p->outlen, 0);
		if (p->err >= 0)
			ssh_read(&p->err, p->errbuf, &p->errlen, 1);
	}
	/* its pipes are closed: it is exiting */
	while ((r = waitpid(p->pid, &status, WNOHANG)) == 0) {
		if (ssh_now_ms() >= end) {
			ret = -ETIMEDOUT;
			goto out_kill;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 20000000L }, NULL);
	}
	if (r < 0) {
		ret = -errno;
		goto out_kill;
	}
	p->pid = -1;
	if (WIFSIGNALED(status))
		return -EINTR;
	return WEXITSTATUS(status);
out_kill:
	ssh_kill(p);
	return ret;
}

int ssh_run(const struct ssh_dest *d, const char *cmd, const void *in, size_t inlen,
	    int timeout_ms, struct ssh_proc *p)
{
	int ret;

	ret = ssh_start(d, cmd, p);
	if (ret < 0)
		return ret;
	if (!in) {	/* never an empty stdin: dbclient would wait for a 'y' for ever */
		in = "n\n";
		inlen = 2;
	}
	return ssh_finish(p, in, inlen, timeout_ms);
}

static const struct {
	const char *match;	/* in dbclient's stderr */
	const char *why;
	int hostkey;
} ssh_reasons[] = {
	{ "host key mismatch", "the server's host key CHANGED: it is not the one known_hosts pins (refusing; nothing sent)", 1 },
	{ "not in the trusted hosts file", "the server's host key is UNKNOWN: no entry for it in known_hosts (refusing; nothing sent)", 1 },
	{ "Didn't validate host key", "the server's host key is UNKNOWN: no entry for it in known_hosts (refusing; nothing sent)", 1 },
	{ "No auth methods could be used", "authentication refused: the server does not accept sshkey (authorized_keys?)", 0 },
	{ "Exhausted available authentication", "authentication refused: the server does not accept sshkey (authorized_keys?)", 0 },
	{ "Failed loading", "cannot load sshkey (missing, or not in Dropbear format)", 0 },
	{ "Connection refused", "connection refused (nothing listens on that port)", 0 },
	{ "No route to host", "no route to host", 0 },
	{ "Network is unreachable", "network unreachable", 0 },
	{ "timed out", "connection timed out", 0 },
	{ "Keepalive timeout", "the server stopped answering (keepalive timeout)", 0 },
	{ "Idle timeout", "the server stopped answering (idle timeout)", 0 },
	{ "Remote closed the connection", "the server closed the connection", 0 },
	{ "Error resolving", "cannot resolve the server's name", 0 },
	{ "kcap: exec", "cannot run dbclient", 0 },
};

const char *ssh_why(const struct ssh_proc *p, int ret, int *hostkey)
{
	size_t i;

	*hostkey = 0;
	for (i = 0; i < sizeof(ssh_reasons) / sizeof(ssh_reasons[0]); i++)
		if (strstr(p->errbuf, ssh_reasons[i].match)) {
			*hostkey = ssh_reasons[i].hostkey;
			return ssh_reasons[i].why;
		}
	if (ret == -ETIMEDOUT)
		return "no answer in time (killed dbclient)";
	if (ret == -EINTR)
		return "dbclient was killed by a signal";
	if (ret == 255)
		return "the connection failed";
	return "the remote command failed";
}

const char *ssh_last_line(const struct ssh_proc *p, char *buf, size_t len)
{
	const char *s = p->errbuf, *e = p->errbuf + p->errlen, *l;
	size_t n, i;

	while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' '))
		e--;
	for (l = e; l > s && l[-1] != '\n'; l--)
		;
	n = (size_t)(e - l);
	if (!len)
		return buf;
	if (n > len - 1)
		n = len - 1;
	for (i = 0; i < n; i++)
		buf[i] = l[i] >= ' ' && l[i] < 0x7f ? l[i] : '?';
	buf[n] = '\0';
	return buf;
}

int ssh_quote(const char *s, char *buf, size_t len)
{
	size_t n = 0;

#define PUT(c) do { if (n + 1 >= len) return -ENAMETOOLONG; buf[n++] = (c); } while (0)
	PUT('\'');
	for (; *s; s++) {
		if (*s == '\'') {
			PUT('\'');
			PUT('\\');
			PUT('\'');
			PUT('\'');
		} else {
			PUT(*s);
		}
	}
	PUT('\'');
#undef PUT
	buf[n] = '\0';
	return 0;
}
