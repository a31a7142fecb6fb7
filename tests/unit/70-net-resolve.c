// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_resolve() and net_ntop() (collector/net.c) as a table: the host forms
 * nfs and ssh targets use (names, IPv4, IPv6 with and without brackets) to
 * the family and text of the address. Only numeric forms and "localhost":
 * no DNS is needed.
 */
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "net.h"

static const struct row {
	const char *host;
	const char *port;
	int family;		/* requested */
	int ok;
	int got_family;
	const char *addr;
	int got_port;
} rows[] = {
	{ "10.0.2.2", NULL, AF_UNSPEC, 1, AF_INET, "10.0.2.2", 0 },
	{ "10.0.2.2", "20490", AF_UNSPEC, 1, AF_INET, "10.0.2.2", 20490 },
	{ "2001:db8::1", "2049", AF_UNSPEC, 1, AF_INET6, "2001:db8::1", 2049 },
	{ "[2001:db8::1]", "22", AF_UNSPEC, 1, AF_INET6, "2001:db8::1", 22 },
	{ "[::ffff:10.0.2.2]", NULL, AF_INET6, 1, AF_INET6, "::ffff:10.0.2.2", 0 },
	{ "127.0.0.1", NULL, AF_INET, 1, AF_INET, "127.0.0.1", 0 },
	{ "localhost", NULL, AF_INET, 1, AF_INET, "127.0.0.1", 0 },
	/* refused: the wrong family, a broken bracket, a port that is not a number */
	{ "10.0.2.2", NULL, AF_INET6, 0, 0, NULL, 0 },
	{ "[2001:db8::1", NULL, AF_UNSPEC, 0, 0, NULL, 0 },
	{ "10.0.2.2", "ssh", AF_UNSPEC, 0, 0, NULL, 0 },
};

int main(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[64];
	size_t i;
	int failed = 0, ret, port;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];

		ret = net_resolve(r->host, r->port, r->family, &ss, &len);
		if (!r->ok) {
			if (!ret) {
				printf("FAIL: net_resolve(%s, %s): expected an error, got %s\n", r->host,
				       r->port ? r->port : "NULL", net_ntop(&ss, buf, sizeof(buf)));
				failed++;
			}
			continue;
		}
		if (ret) {
			printf("FAIL: net_resolve(%s, %s): expected %s, got %s\n", r->host,
			       r->port ? r->port : "NULL", r->addr, gai_strerror(ret));
			failed++;
			continue;
		}
		port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
			     ((struct sockaddr_in *)&ss)->sin_port);
		net_ntop(&ss, buf, sizeof(buf));
		if (ss.ss_family != r->got_family || strcmp(buf, r->addr) || port != r->got_port) {
			printf("FAIL: net_resolve(%s, %s): expected %s port %d (family %d), got %s port %d (family %d)\n",
			       r->host, r->port ? r->port : "NULL", r->addr, r->got_port, r->got_family,
			       buf, port, ss.ss_family);
			failed++;
		}
	}
	printf("net_resolve: %zu cases, %d failed\n", sizeof(rows) / sizeof(rows[0]), failed);
	return failed ? 1 : 0;
}
