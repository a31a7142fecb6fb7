// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The capture kernel's network (net.h): find the interface, link up, an
 * address (static or DHCP), a default route, a resolver; then name
 * resolution and netconsole for the network targets.
 *
 * Addresses are set with the old ioctls (SIOCSIFADDR, SIOCADDRT, and their
 * in6_ifreq/in6_rtmsg forms for IPv6): a few lines each, no netlink parser.
 * DHCP is BusyBox udhcpc; its script (/lib/kcap/udhcpc.sh, written by
 * mkimage) only writes the lease to NET_LEASE, and this file applies it,
 * so both paths log and fail the same way.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/route.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "net.h"

#define NET_SYS			"/sys/class/net"
#define NET_UDHCPC		"/sbin/udhcpc"
#define NET_UDHCPC_SCRIPT	"/lib/kcap/udhcpc.sh"
#define NET_LEASE		"/run/kcap-dhcp.lease"
#define NET_RESOLV		"/etc/resolv.conf"
#define NET_POLL_MS		100
#define ARPHRD_ETHER_TYPE	1	/* /sys/class/net/X/type of Ethernet */

/* linux/ipv6.h and linux/ipv6_route.h, which do not mix with musl's headers */
struct net_in6_ifreq {
	struct in6_addr addr;
	uint32_t prefixlen;
	int ifindex;
};

struct net_in6_rtmsg {
	struct in6_addr dst;
	struct in6_addr src;
	struct in6_addr gateway;
	uint32_t type;
	uint16_t dst_len;
	uint16_t src_len;
	uint32_t metric;
	unsigned long info;
	uint32_t flags;
	int ifindex;
};

static int net_state;		/* 0: not tried, 1: up, <0: the first call's -errno */
static struct net_info net_cur;

static long net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void net_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A small sysfs attribute of an interface, without the newline. */
static int net_sysfs(const char *ifname, const char *attr, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), NET_SYS "/%s/%s", ifname, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Copy a name that is known to fit (checked by the caller). */
static void net_copy(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* want: a name, a MAC or "" (the first Ethernet interface). 0 with ifname set, or -ENODEV. */
static int net_find_once(const char *want, char *ifname, size_t size)
{
	char buf[64];
	struct dirent *de;
	DIR *d;
	int ret = -ENODEV;

	if (want[0] && !strchr(want, ':')) {
		if (net_sysfs(want, "type", buf, sizeof(buf)) < 0)
			return -ENODEV;
		if (strlen(want) >= size)
			return -ENODEV;
		net_copy(ifname, size, want);
		return 0;
	}
	d = opendir(NET_SYS);
	if (!d)
		return -ENODEV;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= size)
			continue;
		if (want[0]) {
			if (net_sysfs(de->d_name, "address", buf, sizeof(buf)) < 0 ||
			    strcasecmp(buf, want))
				continue;
		} else {
			if (net_sysfs(de->d_name, "type", buf, sizeof(buf)) < 0 ||
			    atoi(buf) != ARPHRD_ETHER_TYPE || !strcmp(de->d_name, "lo"))
				continue;
			/* the first in name order, so two NICs give the same choice each boot */
			if (ret == 0 && strcmp(de->d_name, ifname) > 0)
				continue;
		}
		net_copy(ifname, size, de->d_name);
		ret = 0;
		if (want[0])
			break;
	}
	closedir(d);
	return ret;
}

static int net_ifreq(int fd, unsigned long req, const char *ifname, struct ifreq *ifr)
{
	memset(ifr, 0, sizeof(*ifr));
	net_copy(ifr->ifr_name, sizeof(ifr->ifr_name), ifname);
	return ioctl(fd, req, ifr) < 0 ? -errno : 0;
}

static int net_link_up(const char *ifname)
{
	struct ifreq ifr;
	int fd, ret;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = net_ifreq(fd, SIOCGIFFLAGS, ifname, &ifr);
	if (!ret && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr) < 0 ? -errno : 0;
	}
	if (!ret)
		ret = net_ifreq(fd, SIOCGIFINDEX, ifname, &ifr);
	if (!ret)
		net_cur.ifindex = ifr.ifr_ifindex;
	if (!ret && !net_ifreq(fd, SIOCGIFHWADDR, ifname, &ifr))
		memcpy(net_cur.mac, ifr.ifr_hwaddr.sa_data, sizeof(net_cur.mac));
	close(fd);
	return ret;
}

static int net_set_ipv4(const char *ifname, const char *addr, int prefix, const char *gw)
{
	struct sockaddr_in *sin;
	struct rtentry rt;
	struct ifreq ifr;
	uint32_t mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
	int fd, ret;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	net_copy(ifr.ifr_name, sizeof(ifr.ifr_name), ifname);
	sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	ret = inet_pton(AF_INET, addr, &sin->sin_addr) == 1 ? 0 : -EINVAL;
	if (!ret && ioctl(fd, SIOCSIFADDR, &ifr) < 0)
		ret = -errno;
	sin->sin_addr.s_addr = mask;
	if (!ret && ioctl(fd, SIOCSIFNETMASK, &ifr) < 0)
		ret = -errno;
	if (!ret && gw[0]) {
		memset(&rt, 0, sizeof(rt));
		((struct sockaddr_in *)&rt.rt_dst)->sin_family = AF_INET;
		((struct sockaddr_in *)&rt.rt_genmask)->sin_family = AF_INET;
		sin = (struct sockaddr_in *)&rt.rt_gateway;
		sin->sin_family = AF_INET;
		if (inet_pton(AF_INET, gw, &sin->sin_addr) != 1)
			ret = -EINVAL;
		rt.rt_flags = RTF_UP | RTF_GATEWAY;
		rt.rt_dev = (char *)ifname;
		if (!ret && ioctl(fd, SIOCADDRT, &rt) < 0 && errno != EEXIST)
			ret = -errno;
	}
	close(fd);
	return ret;
}

static int net_set_ipv6(const char *ifname, const char *addr, int prefix, const char *gw)
{
	struct net_in6_ifreq ifr6;
	struct net_in6_rtmsg rt;
	char path[PATH_MAX];
	int fd, ret = 0;

	/* no duplicate address detection: the address is usable at once */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_dad", ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "0\n", 2) < 0) {
			/* best effort: DAD only delays the address by a second */
		}
		close(fd);
	}
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno == EAFNOSUPPORT ? -EAFNOSUPPORT : -errno;
	memset(&ifr6, 0, sizeof(ifr6));
	if (inet_pton(AF_INET6, addr, &ifr6.addr) != 1)
		ret = -EINVAL;
	ifr6.prefixlen = (uint32_t)prefix;
	ifr6.ifindex = net_cur.ifindex;
	if (!ret && ioctl(fd, SIOCSIFADDR, &ifr6) < 0 && errno != EEXIST)
		ret = -errno;
	if (!ret && gw[0]) {
		memset(&rt, 0, sizeof(rt));
		if (inet_pton(AF_INET6, gw, &rt.gateway) != 1)
			ret = -EINVAL;
		rt.flags = RTF_UP | RTF_GATEWAY;
		rt.metric = 1;
		rt.ifindex = net_cur.ifindex;
		if (!ret && ioctl(fd, SIOCADDRT, &rt) < 0 && errno != EEXIST)
			ret = -errno;
	}
	close(fd);
	return ret;
}

static int net_set_resolver(const char *dns)
{
	char buf[128];
	int fd, n, ret = 0;

	n = snprintf(buf, sizeof(buf), "# kcap: the capture network's DNS server\nnameserver %s\n", dns);
	fd = open(NET_RESOLV, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n)
		ret = -EIO;
	close(fd);
	return ret;
}

/* One "key=value" of the lease file, "" when absent. */
static void net_lease_get(const char *lease, const char *key, char *val, size_t size)
{
	size_t kn = strlen(key);
	const char *s;

	val[0] = '\0';
	for (s = lease; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL) {
		if (!strncmp(s, key, kn) && s[kn] == '=') {
			size_t n = strcspn(s + kn + 1, " \n");

			if (n >= size)
				n = size - 1;
			memcpy(val, s + kn + 1, n);
			val[n] = '\0';
			return;
		}
	}
}

/*
 * udhcpc -q: get one lease and quit; its script writes NET_LEASE. Killed
 * after timeout_s. 0 with addr/prefix/gw/dns, -ETIMEDOUT, or -errno.
 */
static int net_dhcp(const char *ifname, int timeout_s, struct conf_net *lease)
{
	char tries[16], buf[1024], mask[32];
	long deadline = net_now_ms() + timeout_s * 1000L;
	struct in_addr m;
	int status, fd, ret;
	ssize_t n;
	pid_t pid, w;

	unlink(NET_LEASE);
	/* one discover per 2 s for the whole time, then -n: exit without a lease */
	snprintf(tries, sizeof(tries), "%d", timeout_s / 2 > 0 ? timeout_s / 2 : 1);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		char *const argv[] = { "udhcpc", "-f", "-q", "-n", "-i", (char *)ifname, "-t", tries,
				       "-T", "2", "-A", "1", "-s", NET_UDHCPC_SCRIPT, NULL };

		setpgid(0, 0);
		execv(NET_UDHCPC, argv);
		_exit(127);
	}
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (net_now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		net_sleep_ms(NET_POLL_MS);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOEXEC;
	fd = open(NET_LEASE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ETIMEDOUT;	/* udhcpc -n exited without a lease */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ETIMEDOUT;
	buf[n] = '\0';
	memset(lease, 0, sizeof(*lease));
	net_lease_get(buf, "ip", lease->addr, sizeof(lease->addr));
	net_lease_get(buf, "subnet", mask, sizeof(mask));
	net_lease_get(buf, "router", lease->gw, sizeof(lease->gw));
	net_lease_get(buf, "dns", lease->dns, sizeof(lease->dns));
	if (inet_pton(AF_INET, lease->addr, &m) != 1)
		return -EPROTO;
	lease->prefix = 24;
	if (inet_pton(AF_INET, mask, &m) == 1)
		lease->prefix = __builtin_popcount(m.s_addr);
	if (lease->gw[0] && inet_pton(AF_INET, lease->gw, &m) != 1)
		lease->gw[0] = '\0';
	ret = 0;
	return ret;
}

static int net_do_up(const struct kcap_conf *c, const struct log_ctx *lc)
{
	const struct conf_net *cn = &c->net;
	const char *tag = lc->tag;
	struct conf_net lease;
	const struct conf_net *a = cn;
	char carrier[8], mac[24];
	long t0, t;
	int ret;

	t0 = net_now_ms();
	log_info("%s: network: waiting for interface %s (up to %d s)", tag,
		 cn->dev[0] ? cn->dev : "(first Ethernet)", c->device_timeout);
	while ((ret = net_find_once(cn->dev, net_cur.ifname, sizeof(net_cur.ifname))) < 0 &&
	       net_now_ms() - t0 < c->device_timeout * 1000L)
		net_sleep_ms(NET_POLL_MS);
	if (ret < 0) {
		log_warnx("%s: network: no interface %s after %d s (is its driver in the image? extra_modules)",
			  tag, cn->dev[0] ? cn->dev : "(Ethernet)", c->device_timeout);
		return -ENODEV;
	}
	ret = net_link_up(net_cur.ifname);
	if (ret < 0) {
		log_errno(ret, "%s: network: %s: cannot bring it up", tag, net_cur.ifname);
		return ret;
	}
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", net_cur.mac[0],
		 net_cur.mac[1], net_cur.mac[2], net_cur.mac[3], net_cur.mac[4], net_cur.mac[5]);
	t = net_now_ms();
	log_info("%s: network: %s (%s) found after %ld ms, up; waiting for the link (up to %d s)",
		 tag, net_cur.ifname, mac, t - t0, c->device_timeout);
	while ((net_sysfs(net_cur.ifname, "carrier", carrier, sizeof(carrier)) < 0 ||
		strcmp(carrier, "1")) && net_now_ms() - t < c->device_timeout * 1000L)
		net_sleep_ms(NET_POLL_MS);
	if (strcmp(carrier, "1")) {
		log_warnx("%s: network: %s: no link (carrier) after %d s: is the cable in?", tag,
			  net_cur.ifname, c->device_timeout);
		return -ENOLINK;
	}
	log_info("%s: network: %s: link up after %ld ms", tag, net_cur.ifname, net_now_ms() - t);

	t = net_now_ms();
	if (!cn->addr[0]) {
		log_info("%s: network: %s: DHCP (up to %d s)", tag, net_cur.ifname, c->device_timeout);
		ret = net_dhcp(net_cur.ifname, c->device_timeout, &lease);
		if (ret == -ENOEXEC) {
			log_warnx("%s: network: %s: cannot run %s: no DHCP client in the image; give a static address (network or kcap.network=)",
				  tag, net_cur.ifname, NET_UDHCPC);
			return ret;
		}
		if (ret < 0) {
			log_errno(ret, "%s: network: %s: no DHCP lease after %ld ms", tag,
				  net_cur.ifname, net_now_ms() - t);
			return ret;
		}
		if (cn->dns[0])
			snprintf(lease.dns, sizeof(lease.dns), "%s", cn->dns);
		a = &lease;
		net_cur.dhcp = 1;
	}
	net_cur.family = strchr(a->addr, ':') ? AF_INET6 : AF_INET;
	if (net_cur.family == AF_INET)
		ret = net_set_ipv4(net_cur.ifname, a->addr, a->prefix, a->gw);
	else
		ret = net_set_ipv6(net_cur.ifname, a->addr, a->prefix, a->gw);
	if (ret < 0) {
		log_errno(ret, "%s: network: %s: setting %s/%d%s%s%s", tag, net_cur.ifname, a->addr,
			  a->prefix, a->gw[0] ? " via " : "", a->gw,
			  ret == -EAFNOSUPPORT ? " (no IPv6 in the capture kernel)" : "");
		return ret;
	}
	snprintf(net_cur.addr, sizeof(net_cur.addr), "%s", a->addr);
	snprintf(net_cur.gw, sizeof(net_cur.gw), "%s", a->gw);
	net_cur.prefix = a->prefix;
	if (a->dns[0]) {
		ret = net_set_resolver(a->dns);
		if (ret < 0)
			log_errno(ret, "%s: network: writing %s (names may not resolve)", tag, NET_RESOLV);
	}
	log_info("%s: network: %s: address %s/%d (%s) in %ld ms, gateway %s, DNS %s; network up after %ld ms",
		 tag, net_cur.ifname, a->addr, a->prefix, net_cur.dhcp ? "DHCP" : "static",
		 net_now_ms() - t, a->gw[0] ? a->gw : "none", a->dns[0] ? a->dns : "from the image",
		 net_now_ms() - t0);
	return 0;
}

int net_up(const struct kcap_conf *c, const struct log_ctx *lc)
{
	if (net_state)
		return net_state > 0 ? 0 : net_state;
	net_state = net_do_up(c, lc);
	if (!net_state)
		net_state = 1;
	return net_state > 0 ? 0 : net_state;
}

const struct net_info *net_info(void)
{
	return net_state > 0 ? &net_cur : NULL;
}

int net_resolve(const char *host, const char *port, int family,
		struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints, *res;
	char name[256];
	size_t n = strlen(host);
	int ret;

	/* [2001:db8::1] as written in nfs/ssh targets */
	if (host[0] == '[' && n > 2 && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n >= sizeof(name))
		return EAI_NONAME;
	memcpy(name, host, n);
	name[n] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	ret = getaddrinfo(name, port ? port : "0", &hints, &res);
	if (ret)
		return ret;
	if (res->ai_addrlen > sizeof(*ss)) {
		freeaddrinfo(res);
		return EAI_FAMILY;
	}
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

const char *net_ntop(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	const void *a = ss->ss_family == AF_INET6 ?
			(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
			(const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}
