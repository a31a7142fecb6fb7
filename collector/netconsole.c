// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netconsole (net.h): "netconsole <ip>:<port>" sends the capture kernel's
 * log, with kcap's own lines (log.c writes them to /dev/kmsg, and printk
 * hands every record to every console), to a UDP listener, so an admin
 * watching a log server sees the capture happen and why it failed.
 *
 * Through netconsole's configfs interface (CONFIG_NETCONSOLE_DYNAMIC; the
 * module is in the image's load.list): a target named "kcap" with our
 * interface, our address, the listener's address and port, and the MAC
 * of the next hop. The kernel's netconsole does not resolve MACs (its
 * default is broadcast), so we send one UDP datagram to the listener
 * (a line it should see anyway), which makes the kernel resolve the next
 * hop (the listener on the link, else the gateway), and read the answer
 * from /proc/net/arp.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "net.h"

#define NC_CONFIGFS	"/sys/kernel/config"
#define NC_DIR		NC_CONFIGFS "/netconsole/kcap"
#define NC_ARP_MS	3000

static int nc_write(const char *attr, const char *val)
{
	char path[128];
	size_t n = strlen(val);
	int fd, ret = 0;

	snprintf(path, sizeof(path), NC_DIR "/%s", attr);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, n) != (ssize_t)n)
		ret = errno ? -errno : -EIO;
	close(fd);
	return ret;
}

/* The MAC of ip in /proc/net/arp (complete entries only). 0 or -ENOENT. */
static int nc_arp_lookup(const char *ip, char *mac, size_t size)
{
	char line[256], a[64], hw[32], flags[16];
	FILE *f = fopen("/proc/net/arp", "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* IP address  HW type  Flags  HW address  Mask  Device */
		if (sscanf(line, "%63s %*s %15s %31s", a, flags, hw) != 3 || strcmp(a, ip))
			continue;
		if (strtol(flags, NULL, 16) & 0x2) {	/* ATF_COM */
			snprintf(mac, size, "%s", hw);
			ret = 0;
		}
		break;
	}
	fclose(f);
	return ret;
}

/* The next hop towards ip (itself when on our IPv4 link, else the gateway). */
static const char *nc_next_hop(const struct net_info *ni, const char *ip)
{
	struct in_addr a, b;
	uint32_t mask;

	if (ni->family != AF_INET || inet_pton(AF_INET, ip, &a) != 1 ||
	    inet_pton(AF_INET, ni->addr, &b) != 1 || !ni->gw[0])
		return ip;
	mask = ni->prefix ? htonl(~0u << (32 - ni->prefix)) : 0;
	return (a.s_addr & mask) == (b.s_addr & mask) ? ip : ni->gw;
}

int net_netconsole(const struct kcap_conf *c, const struct log_ctx *lc)
{
	const struct net_info *ni;
	const char *tag = lc->tag, *hop;
	struct sockaddr_storage ss;
	char ip[64], port[8], mac[32] = "ff:ff:ff:ff:ff:ff", msg[128];
	const char *colon;
	socklen_t len;
	struct timespec ts = { 0, 100 * 1000000L };
	int fd, ret, i;
	size_t n;

	if (!c->netconsole[0])
		return 0;
	ret = net_up(c, lc);
	ni = net_info();
	if (ret < 0 || !ni) {
		log_warnx("%s: netconsole %s: no network, no netconsole", tag, c->netconsole);
		return ret < 0 ? ret : -ENETDOWN;
	}
	/* <ip>:<port> or [<ipv6>]:<port> (conf.c checked it) */
	colon = strrchr(c->netconsole, ':');
	n = (size_t)(colon - c->netconsole);
	if (c->netconsole[0] == '[')
		snprintf(ip, sizeof(ip), "%.*s", (int)n - 2, c->netconsole + 1);
	else
		snprintf(ip, sizeof(ip), "%.*s", (int)n, c->netconsole);
	snprintf(port, sizeof(port), "%s", colon + 1);

	/* one datagram: the listener hears of us, and the kernel resolves the next hop */
	hop = nc_next_hop(ni, ip);
	if (!net_resolve(ip, port, AF_UNSPEC, &ss, &len)) {
		fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd >= 0) {
			int m = snprintf(msg, sizeof(msg), "kcap: netconsole from %s (%s) starting\n",
					 ni->addr, ni->ifname);

			if (sendto(fd, msg, (size_t)m, 0, (struct sockaddr *)&ss, len) < 0)
				log_warn("%s: netconsole: sending to %s", tag, c->netconsole);
			close(fd);
		}
	}
	for (i = 0; i < NC_ARP_MS / 100; i++) {
		if (ni->family != AF_INET || !nc_arp_lookup(hop, mac, sizeof(mac)))
			break;
		nanosleep(&ts, NULL);
	}
	if (ni->family == AF_INET && i == NC_ARP_MS / 100)
		log_warnx("%s: netconsole: no ARP answer from %s in %d ms: broadcasting to ff:ff:ff:ff:ff:ff",
			  tag, hop, NC_ARP_MS);

	if (mount("configfs", NC_CONFIGFS, "configfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 &&
	    errno != EBUSY) {
		ret = -errno;
		log_errno(ret, "%s: netconsole: mount configfs on %s (is netconsole a module in the image, with CONFIG_NETCONSOLE_DYNAMIC?)",
			  tag, NC_CONFIGFS);
		return ret;
	}
	if (mkdir(NC_DIR, 0700) < 0 && errno != EEXIST) {
		ret = -errno;
		log_errno(ret, "%s: netconsole: mkdir %s (netconsole not loaded, or no CONFIG_NETCONSOLE_DYNAMIC)",
			  tag, NC_DIR);
		return ret;
	}
	ret = nc_write("dev_name", ni->ifname);
	if (!ret)
		ret = nc_write("local_ip", ni->addr);
	if (!ret)
		ret = nc_write("remote_ip", ip);
	if (!ret)
		ret = nc_write("remote_port", port);
	if (!ret)
		ret = nc_write("remote_mac", mac);
	if (!ret)
		ret = nc_write("enabled", "1");
	if (ret < 0) {
		log_errno(ret, "%s: netconsole: configuring %s", tag, NC_DIR);
		return ret;
	}
	log_info("%s: netconsole: kernel log to %s via %s (%s, next hop %s %s)", tag,
		 c->netconsole, ni->ifname, ni->addr, hop, mac);
	return 0;
}
