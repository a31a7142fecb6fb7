// SPDX-License-Identifier: GPL-2.0
/*
 * kcapoops: a real kernel oops (or soft lockup) on demand, for the kcap QEMU tests.
 * The Debian cloud kernel has no lkdtm and no user-space path to a genuine oops, so this
 * module is built out of tree against the pinned kernel's headers (scripts/fetch-kernel
 * --headers) and loaded by the production VM's /init.
 *
 *   insmod kcapoops.ko                 NULL pointer write in module init (oops; with
 *                                      kernel.panic_on_oops=1 a "Fatal exception" panic)
 *   insmod kcapoops.ko mode=softlockup spin 60 s with preemption off (soft lockup; with
 *                                      kernel.softlockup_panic=1 a panic)
 *   insmod kcapoops.ko mode=scribble   a kernel whose memory was corrupted before it died:
 *                                      the struct pages of 4 MiB it allocates are filled
 *                                      with 0xa5 (flags, mapping, compound head: garbage),
 *                                      then panic()
 */
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/string.h>

static char *mode = "oops";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "oops (default), softlockup or scribble");

static noinline void kcapoops_null_write(void)
{
	int *volatile p = NULL;

	pr_emerg("kcapoops: writing through a NULL pointer\n");
	*p = 0x6b636170;
}

static noinline void kcapoops_spin(void)
{
	unsigned long end = jiffies + 60 * HZ;

	pr_emerg("kcapoops: spinning with preemption disabled\n");
	preempt_disable();
	while (time_before(jiffies, end))
		cpu_relax();
	preempt_enable();
}

static noinline void kcapoops_scribble(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 10);

	if (!page)
		panic("kcapoops: no 4 MiB block to scribble on");
	pr_emerg("kcapoops: scribbling on the struct pages of pfn %lu..%lu\n",
		 page_to_pfn(page), page_to_pfn(page) + 1023);
	memset(page, 0xa5, 1024 * sizeof(struct page));
	panic("kcapoops: mem_map scribbled");
}

static int __init kcapoops_init(void)
{
	if (!strcmp(mode, "scribble"))
		kcapoops_scribble();
	else if (!strcmp(mode, "softlockup"))
		kcapoops_spin();
	else
		kcapoops_null_write();
	return -EAGAIN;
}
module_init(kcapoops_init);

MODULE_DESCRIPTION("kcap test: trigger a real oops or soft lockup");
MODULE_LICENSE("GPL");
