/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_FENCE_KDUMP_H
#define KCAP_FENCE_KDUMP_H

/*
 * fence_kdump (fence_kdump.c): while the capture runs, tell the cluster
 * nodes of fence_kdump_nodes that this node is dumping, so that their
 * fence_kdump agent waits instead of power-cycling it mid-dump. The
 * message is fence-agents' fence_kdump_msg_t: two 32-bit words in the
 * sender's byte order, magic 0x1B302A40 and version 1, in one UDP datagram
 * to port fence_kdump_args -p (7410), every -i seconds (10), to every node.
 *
 * A child process does the sending, so that nothing in it can delay or
 * endanger the dump; it dies with the worker (PR_SET_PDEATHSIG, and the
 * worker's process group on its deadline).
 */
#include "conf.h"
#include "sink.h"

#define FENCE_KDUMP_MAGIC	0x1B302A40u
#define FENCE_KDUMP_MSGV1	0x1u

/*
 * Best effort: when nodes are configured, bring the network up (net_up)
 * and start the sender; never fails the capture.
 */
void fence_kdump_start(const struct kcap_conf *c, const struct log_ctx *lc);
/* Stop it (after the capture). */
void fence_kdump_stop(void);

#endif
