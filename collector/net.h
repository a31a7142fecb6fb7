/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_NET_H
#define KCAP_NET_H

/*
 * The capture kernel's network, for the network targets (nfs, ssh),
 * netconsole and fence_kdump.
 *
 * The NIC drivers are in the image's load.list ([net] in modules.list plus
 * the production NIC's driver, chosen by mkimage) and are loaded with the
 * other modules before the first target; net_up() does the rest:
 *
 *   1. wait for the interface (up to device_timeout): the one kcap.conf's
 *      "network" names (interface name or MAC), else the first Ethernet
 *      interface that appears;
 *   2. bring it up and wait for the carrier (up to device_timeout);
 *   3. an address: the static one of "network" (kcapctl puts the
 *      production interface's values on the capture command line as
 *      kcap.network=<mac>,<addr>/<prefix>,<gateway>,<dns>), else DHCP with
 *      BusyBox udhcpc (up to device_timeout); a default route through the
 *      gateway; /etc/resolv.conf when a DNS server is known.
 *
 * Every step is logged with the interface, the address and its time in ms.
 *
 * Config (conf.h, struct conf_net):
 *	network <dev>[,<addr>/<prefix>[,<gateway>[,<dns>]]]
 *	  dev: an interface name (eth0), a MAC (52:54:00:12:34:56) or "auto"
 *	  addr: an IPv4 or IPv6 address with its prefix length, or "dhcp"
 *	  gateway, dns: addresses of the same family; either may be empty
 *	kcap.network=... on the capture command line replaces it.
 */
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "conf.h"
#include "sink.h"

struct net_info {
	char ifname[IF_NAMESIZE];
	int ifindex;
	unsigned char mac[6];
	int family;			/* AF_INET or AF_INET6 */
	char addr[64];			/* the capture kernel's address */
	int prefix;
	char gw[64];			/* "" when there is no default route */
	int dhcp;			/* the address came from DHCP */
};

/*
 * Bring the network up (see above). Idempotent: the first call does the
 * work and logs it (with lc->tag); later calls return the first call's
 * result without doing or logging anything. Must be called in the worker
 * (it may wait up to 3 * device_timeout).
 * Returns 0, or -errno: -ENODEV no interface, -ENOLINK no carrier,
 * -ETIMEDOUT no DHCP lease, another -errno from the kernel.
 */
int net_up(const struct kcap_conf *c, const struct log_ctx *lc);

/* After net_up() returned 0: what it configured; NULL before. */
const struct net_info *net_info(void);

/*
 * host (a name, an IPv4 address, an IPv6 address with or without [])
 * and port (decimal, or NULL for 0) to a socket address, with musl's
 * getaddrinfo (/etc/hosts, then the servers of /etc/resolv.conf). The
 * first address returned wins; family AF_UNSPEC, AF_INET or AF_INET6.
 * Returns 0, or a nonzero EAI_* code: say why with gai_strerror().
 */
int net_resolve(const char *host, const char *port, int family,
		struct sockaddr_storage *ss, socklen_t *len);

/* The address part of ss as text (no port, no brackets). Returns buf. */
const char *net_ntop(const struct sockaddr_storage *ss, char *buf, size_t size);

/*
 * netconsole (conf "netconsole <ip>:<port>"): after net_up(), send the
 * kernel log (with the collector's lines, log.c writes /dev/kmsg) to a
 * UDP listener, through configfs (or the module parameter). Best effort:
 * 0 or -errno, logged.
 */
int net_netconsole(const struct kcap_conf *c, const struct log_ctx *lc);

#endif
