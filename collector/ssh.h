/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_SSH_H
#define KCAP_SSH_H

/*
 * Running Dropbear's dbclient (ssh.c) for the ssh target: one child per
 * remote command, started with fork/exec (never a shell on our side), its
 * stdin, stdout and stderr on pipes, in its own session (no controlling
 * terminal, so it can never prompt on one).
 *
 * dbclient is built without password and keyboard-interactive
 * authentication (scripts/pkg/dropbear-localoptions.h): it logs in with
 * the key or not at all. It reads the server's host key from
 * HOME/.ssh/known_hosts; an unknown key makes it ask "y/n" on stdin, so
 * every command's input starts with a byte that is not 'y' (ssh_run
 * sends "n\n" when it has nothing to send; a dump stream starts with
 * "makedumpfile", a kernel log with "[" or "<"). -K and -I make it give up
 * on a server that stopped answering, so a write into its stdin fails
 * (EPIPE) instead of blocking for ever.
 */
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#define SSH_DBCLIENT		"/bin/dbclient"	/* KCAP_DBCLIENT overrides (tests) */
#define SSH_KEEPALIVE_S		5	/* dbclient -K: 3 unanswered = gone */
#define SSH_IDLE_S		60	/* dbclient -I: nothing moved at all */
#define SSH_OUT_MAX		1024	/* kept of a command's stdout / stderr */

struct ssh_dest {
	char user[256];
	char host[256];		/* a name or an address, IPv6 without [] */
	int port;
	char key[PATH_MAX];	/* Dropbear-format private key */
	char home[PATH_MAX];	/* dbclient's HOME: home/.ssh/known_hosts */
};

struct ssh_proc {
	pid_t pid;
	int in;			/* its stdin (we write), -1 once closed */
	int out;		/* its stdout */
	int err;		/* its stderr */
	char outbuf[SSH_OUT_MAX];
	char errbuf[SSH_OUT_MAX];
	size_t outlen, errlen;
};

/* dbclient ... d->user@d->host cmd. 0 or -errno (nothing left running). */
int ssh_start(const struct ssh_dest *d, const char *cmd, struct ssh_proc *p);
/*
 * Write in[0..inlen) to its stdin (non-blocking, with the deadline), close
 * it, read stdout and stderr to their end and reap it. On the deadline
 * the child is killed. Returns its exit status (0..255), -ETIMEDOUT,
 * -EINTR (killed by a signal) or -errno. p->outbuf, p->errbuf hold the
 * start of stdout and the end of stderr, NUL terminated.
 */
int ssh_finish(struct ssh_proc *p, const void *in, size_t inlen, int timeout_ms);
/* ssh_start + ssh_finish. */
int ssh_run(const struct ssh_dest *d, const char *cmd, const void *in, size_t inlen,
	    int timeout_ms, struct ssh_proc *p);
/* Kill and reap (after a failure). */
void ssh_kill(struct ssh_proc *p);

/*
 * Why a dbclient run failed, in words for the log, from its exit status
 * and stderr: "the server's host key changed", "authentication refused",
 * ... *hostkey is set when the host key was refused (unknown or changed).
 */
const char *ssh_why(const struct ssh_proc *p, int ret, int *hostkey);
/* The last line of stderr, printable, for the log ("" if none). */
const char *ssh_last_line(const struct ssh_proc *p, char *buf, size_t len);

/* 'path' for a POSIX sh: in single quotes, ' as '\''. -ENAMETOOLONG. */
int ssh_quote(const char *s, char *buf, size_t len);

#endif
