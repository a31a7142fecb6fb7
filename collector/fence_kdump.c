// SPDX-License-Identifier: GPL-2.0-or-later
/* fence_kdump notifications to the cluster nodes: see fence_kdump.h. */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "early.h"
#include "fence_kdump.h"
#include "log.h"
#include "net.h"

#define FENCE_MAX_NODES		16
#define FENCE_RESOLVE_TRIES	3	/* a name may resolve only once the DNS answers */

static pid_t fence_pid = -1;

struct fence_node {
	char name[CONF_STR_MAX];
	struct sockaddr_storage addr;
	socklen_t len;
	int fd;
	int ok;		/* resolved */
	int warned;	/* a send failure was logged */
	unsigned long sent;
};

static int fence_resolve(struct fence_node *n, int port, int family)
{
	struct addrinfo hints, *res;
	char serv[16];
	int ret;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family == 4 ? AF_INET : family == 6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	snprintf(serv, sizeof(serv), "%d", port);
	ret = getaddrinfo(n->name, serv, &hints, &res);
	if (ret)
		return ret;
	memcpy(&n->addr, res->ai_addr, res->ai_addrlen);
	n->len = res->ai_addrlen;
	n->fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	freeaddrinfo(res);
	if (n->fd < 0)
		return EAI_SYSTEM;
	n->ok = 1;
	return 0;
}

static void fence_child(const struct kcap_conf *c, const struct log_ctx *lc, int net_here)
{
	const char *tag = lc->tag;
	static struct fence_node nodes[FENCE_MAX_NODES];
	uint32_t msg[2] = { FENCE_KDUMP_MAGIC, FENCE_KDUMP_MSGV1 };	/* host byte order, as fence_kdump_send */
	char list[CONF_STR_MAX], *w, *save = NULL;
	int nr = 0, i, round, ret, tries;

	early_child_signals();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (net_here && net_up(c, lc) < 0) {
		log_warnx("%s: no network: the cluster gets no notification", tag);
		_exit(1);
	}
	snprintf(list, sizeof(list), "%s", c->fence_nodes);
	for (w = strtok_r(list, " ", &save); w && nr < FENCE_MAX_NODES;
	     w = strtok_r(NULL, " ", &save)) {
		snprintf(nodes[nr].name, sizeof(nodes[nr].name), "%s", w);
		nodes[nr].fd = -1;
		nr++;
	}
	for (round = 0; !c->fence_count || round < c->fence_count; round++) {
		for (i = 0; i < nr; i++) {
			struct fence_node *n = &nodes[i];

			if (!n->ok) {
				if (round >= FENCE_RESOLVE_TRIES)
					continue;
				ret = fence_resolve(n, c->fence_port, c->fence_family);
				tries = round + 1;
				if (ret) {
					if (tries == FENCE_RESOLVE_TRIES)
						log_warnx("%s: cannot resolve %s (%s): that node gets no notification",
							  tag, n->name, gai_strerror(ret));
					continue;
				}
			}
			if (sendto(n->fd, msg, sizeof(msg), 0, (struct sockaddr *)&n->addr,
				   n->len) != (ssize_t)sizeof(msg)) {
				if (!n->warned)
					log_warn("%s: send to %s port %d", tag, n->name,
						 c->fence_port);
				n->warned = 1;
				continue;
			}
			if (!n->sent++)
				log_info("%s: notifying %s port %d every %d s%s", tag,
					 n->name, c->fence_port, c->fence_interval,
					 c->fence_count ? "" : " until the capture ends");
		}
		if (getppid() == 1 && getpid() != 1)
			break;	/* the worker is gone */
		sleep((unsigned int)c->fence_interval);
	}
	_exit(0);
}

void fence_kdump_start(const struct kcap_conf *c, const struct log_ctx *lc)
{
	int i, net_later = 0, ret;
	pid_t pid;

	if (!c->fence_nodes[0] || fence_pid > 0)
		return;
	/*
	 * A network target will need net_up() anyway: do it here, once, and
	 * notify from the start. With local targets only, the child brings
	 * the network up itself, so the dump does not wait for it.
	 */
	for (i = 0; i < c->nr_targets; i++)
		if (c->targets[i].kind == TARGET_NFS || c->targets[i].kind == TARGET_SSH)
			net_later = 1;
	if (net_later) {
		ret = net_up(c, lc);
		if (ret < 0) {
			log_errno(ret, "%s: no network: the cluster gets no notification",
				  lc->tag);
			return;
		}
	}
	pid = fork();
	if (pid < 0) {
		log_warn("%s: fork (no notifications: the cluster may fence this node)",
			 lc->tag);
		return;
	}
	if (pid == 0)
		fence_child(c, lc, !net_later);
	fence_pid = pid;
}

void fence_kdump_stop(void)
{
	if (fence_pid <= 0)
		return;
	kill(fence_pid, SIGKILL);
	waitpid(fence_pid, NULL, 0);
	fence_pid = -1;
}
