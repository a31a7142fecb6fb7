# BusyBox: the shell and tools of the image (emergency shell, kdump_pre/post scripts).
# Source: Debian's busybox, pinned in scripts/sources.lock, fetched by scripts/fetch-source.
# Config: scripts/pkg/busybox.config, a fragment of =y lines; all else is off.
# Product: $(B)/busybox (static, stripped) and $(B)/busybox.links (where the applets go).
# BusyBox's own Makefile already compiles with -Os -ffunction-sections -fdata-sections and
# links with --gc-sections; we add the UAPI headers and a fixed version tag (no build date).
BB_VER := $(call srcver,busybox)
BB_SRC := $(B)/src/busybox-$(BB_VER)
BB_OUT := $(B)/pkg/busybox-$(BB_VER)
BB_MAKE = $(MAKE) -C $(BB_SRC) O=$(CURDIR)/$(BB_OUT) CC=$(MUSL_CC) HOSTCC=$(HOSTCC) \
	CONFIG_EXTRA_CFLAGS="-isystem $(CURDIR)/$(UAPI) -ffile-prefix-map=$(CURDIR)/=" \
	BB_EXTRA_VERSION="kcap, Debian $(BB_VER)" KCONFIG_NOTIMESTAMP=1

$(BB_SRC)/.kcap-unpacked:
	scripts/fetch-source busybox

# The fragment, expanded to a full .config (see busybox-config for why not KCONFIG_ALLCONFIG).
$(BB_OUT)/.config: scripts/pkg/busybox.config scripts/pkg/busybox-config $(BB_SRC)/.kcap-unpacked \
		scripts/pkg/busybox.mk
	rm -rf $(BB_OUT) && mkdir -p $(BB_OUT)
	+scripts/pkg/busybox-config scripts/pkg/busybox.config $(BB_OUT) $(BB_MAKE) -s

$(B)/busybox: $(BB_OUT)/.config | $(UAPI)/.stamp
	$(BB_MAKE) busybox busybox.links
	cp $(BB_OUT)/busybox $@
	cp $(BB_OUT)/busybox.links $(B)/busybox.links

$(B)/busybox.links: $(B)/busybox
