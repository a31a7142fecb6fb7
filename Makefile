# kcap: crash-dump capture for Linux. `make` builds build/kcap and build/kcap.img; see README.md.
# Overrides go in config.mak (see config.mak.example), not in this file.

B           := build
SYSROOT     := $(B)/sysroot
MUSL_CC     := musl-gcc
HOSTCC      := gcc
KVER        :=
MODULES_DIR :=
KCAP_CONF   := rootfs-overlay/etc/kcap.conf
IMAGE       := $(B)/kcap.img
KCAP_COMPRESS :=
# Fixed time for every file in the image (unless set in the environment): the commit time
# of HEAD, so the same commit gives the same bytes.
ifeq ($(origin SOURCE_DATE_EPOCH),undefined)
SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || echo 1700000000)
endif

-include config.mak
export SOURCE_DATE_EPOCH KCAP_COMPRESS

# Size flags, shared by the collector and the third-party packages:
#  -Os                     optimise for size: all of it sits in crashkernel= reserved memory
#  -ffunction-sections     one section per function and per data object, so that...
#  -fdata-sections
#  -Wl,--gc-sections       ...the linker drops every section nothing refers to
#  -static                 no dynamic loader or shared libc in the image
#  -ffile-prefix-map       no build-machine paths (assert() messages) in the binaries
OPT_CFLAGS  := -Os -ffunction-sections -fdata-sections -ffile-prefix-map=$(CURDIR)/=
OPT_LDFLAGS := -static -Wl,--gc-sections
# Linux UAPI headers for musl: links to linux-libc-dev's directories, nothing else of glibc.
UAPI        := $(B)/musl-include
PKG_CFLAGS  := $(OPT_CFLAGS) -isystem $(CURDIR)/$(UAPI)

# stamp FILE,WORDS: FILE holds WORDS, rewritten (new mtime) only when they change, so that
# what depends on FILE is rebuilt when a setting changes and a second make does nothing.
stamp = $(shell mkdir -p $(dir $(1)) && echo '$(2)' | cmp -s - $(1) || echo '$(2)' >$(1))

# The Debian version of a source package that this build uses, without the epoch: the one
# pinned in scripts/sources.lock, or the archive's when it no longer serves the pin
# (scripts/fetch-source says which, with a warning; KCAP_STRICT_LOCK=1 makes it an error).
# Paths carry the version, so a new version rebuilds what depends on it.
KCAP_SRC_DIR := $(abspath $(B))/src
export KCAP_SRC_DIR
srcver = $(shell scripts/fetch-source --version $(1) 2>/dev/null)

.PHONY: all deps check demo fuzz size kernel clean distclean hostlib FORCE
all: $(B)/kcap $(IMAGE)
FORCE:

include scripts/pkg/zlib.mk scripts/pkg/libdeflate.mk scripts/pkg/lzo2.mk \
	scripts/pkg/e2fsprogs.mk scripts/pkg/busybox.mk scripts/pkg/dropbear.mk

$(UAPI)/.stamp:
	@test -d /usr/include/linux || { echo "no /usr/include/linux: run make deps"; exit 1; }
	mkdir -p $(@D)
	ln -sfn /usr/include/linux $(@D)/linux
	ln -sfn /usr/include/x86_64-linux-gnu/asm $(@D)/asm
	ln -sfn /usr/include/asm-generic $(@D)/asm-generic
	touch $@

# --- the collector: every collector/*.c, static, musl ---------------------------------------
KCAP_SRCS   := $(sort $(wildcard collector/*.c))
KCAP_OBJS   := $(KCAP_SRCS:collector/%.c=$(B)/obj/%.o)
KCAP_CFLAGS := -std=gnu11 $(OPT_CFLAGS) -Wall -Wextra -Wshadow -Wmissing-prototypes -Werror \
	-isystem $(UAPI) -I$(SYSROOT)/include -MMD -MP -DKCAP_LIBDEFLATE -DKCAP_WITH_LZO \
	$(EXTRA_CFLAGS)
KCAP_LIBS   := $(SYSROOT)/lib/libext2fs.a $(SYSROOT)/lib/libcom_err.a $(SYSROOT)/lib/libz.a \
	$(SYSROOT)/lib/libdeflate.a $(SYSROOT)/lib/liblzo2.a

# Objects are rebuilt when the flags change (e.g. -DKCAP_WITH_LZO, EXTRA_CFLAGS).
$(call stamp,$(B)/.kcap-cflags,$(subst ',,$(MUSL_CC) $(KCAP_CFLAGS)))

$(B)/obj/%.o: collector/%.c $(B)/.kcap-cflags | $(UAPI)/.stamp $(KCAP_LIBS)
	@mkdir -p $(@D)
	$(MUSL_CC) $(KCAP_CFLAGS) -c -o $@ $<

# The version kcap prints: git describe.
KCAP_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(call stamp,$(B)/.version,$(KCAP_VERSION))
$(B)/obj/main.o: $(B)/.version
$(B)/obj/main.o: KCAP_CFLAGS += -DKCAP_VERSION='"$(KCAP_VERSION)"'
$(B)/obj/report.o: $(B)/.version
$(B)/obj/report.o: KCAP_CFLAGS += -DKCAP_VERSION='"$(KCAP_VERSION)"'

# kcap.debug keeps the symbols for gdb; kcap is what goes into the image.
$(B)/kcap.debug: $(KCAP_OBJS) $(KCAP_LIBS)
	$(MUSL_CC) $(OPT_LDFLAGS) -o $@ $(KCAP_OBJS) -L$(SYSROOT)/lib -lext2fs -lcom_err -ldeflate -llzo2 -lz
$(B)/kcap: $(B)/kcap.debug
	strip -o $@ $<

-include $(KCAP_OBJS:.o=.d)

# --- the collector for the host: what the unit tests link ---------------------------------
# Everything but main.c, built once with the host gcc (AddressSanitizer and UBSan unless
# HOST_SAN is emptied) into static libraries; a test links only the objects it calls.
#   libkcap.a      zlib only
#   libkcap-ld.a   -DKCAP_LIBDEFLATE (pages compressed by libdeflate, as in the image)
#   libkcap-lzo.a  -DKCAP_WITH_LZO (-l writes LZO1X-1)
# build/host/cflags holds the flags a test compiles and links its own main with.
HOST_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Wshadow -Wmissing-prototypes -Werror \
	$(HOST_SAN) -I$(SYSROOT)/include -MMD -MP
HOST_SRCS   := $(filter-out collector/main.c,$(KCAP_SRCS))
HOST_VARIANTS := kcap kcap-ld kcap-lzo
HOST_DEFS_kcap     :=
HOST_DEFS_kcap-ld  := -DKCAP_LIBDEFLATE
HOST_DEFS_kcap-lzo := -DKCAP_WITH_LZO
HOST_LIBS   := $(HOST_VARIANTS:%=$(B)/host/lib%.a)

$(call stamp,$(B)/host/cflags,$(HOST_SAN))

define host_variant
$(B)/host/$(1)/%.o: collector/%.c $(B)/host/cflags | $(SYSROOT)/lib/libext2fs.a
	@mkdir -p $$(@D)
	$(HOSTCC) $(HOST_CFLAGS) $(HOST_DEFS_$(1)) -c -o $$@ $$<
$(B)/host/lib$(1).a: $(HOST_SRCS:collector/%.c=$(B)/host/$(1)/%.o)
	rm -f $$@
	ar rcs $$@ $$^
-include $(HOST_SRCS:collector/%.c=$(B)/host/$(1)/%.d)
endef
$(foreach v,$(HOST_VARIANTS),$(eval $(call host_variant,$(v))))

hostlib: $(HOST_LIBS)

# --- the image ----------------------------------------------------------------------------
# Without KVER: the pinned Debian cloud kernel (scripts/fetch-kernel, build/kernel/).
# fetch-kernel runs every time (it asks apt which kernel is current: Debian replaces it with
# security updates) and rewrites release/used only when they change.
ifeq ($(KVER),)
IMG_KERNEL := $(B)/kernel/release
IMG_KVER    = $$(cat $(B)/kernel/release)
IMG_MODDIR := $(B)/kernel/root
IMG_USED   := $(B)/kernel/used
$(IMG_KERNEL): FORCE
	KCAP_KERNEL_DIR=$(abspath $(B))/kernel scripts/fetch-kernel
$(IMG_USED): $(IMG_KERNEL)
else
IMG_KERNEL :=
IMG_KVER    = $(KVER)
IMG_MODDIR := $(or $(MODULES_DIR),/)
IMG_USED   := $(KVER) $(IMG_MODDIR)
endif

# What this build used (kcap, kernel, linux-source, each third-party source): printed by
# tests/run, in the image as /etc/kcap-release. Rewritten only when it changes.
PKG_SRCS := $(ZLIB_SRC) $(E2FS_SRC) $(BB_SRC) $(DB_SRC) $(LIBDEFLATE_SRC) $(LZO2_SRC)
$(B)/inputs.txt: FORCE $(IMG_KERNEL) $(PKG_SRCS:%=%/.kcap-unpacked)
	@KCAP_VERSION=$(KCAP_VERSION) scripts/inputs $@ "$(IMG_USED)" $(PKG_SRCS)

GEN_CPIO := $(B)/host/gen_cpio
$(GEN_CPIO): initramfs/gen_cpio.c
	@mkdir -p $(@D)
	$(HOSTCC) -std=gnu11 -O2 -Wall -Wextra -Wshadow -Wmissing-prototypes -Werror -o $@ $<

# The image is rebuilt when any of these settings change.
$(call stamp,$(B)/.image-args,$(KVER) $(IMG_MODDIR) $(KCAP_CONF) $(SOURCE_DATE_EPOCH) $(KCAP_COMPRESS))

OVERLAY := $(shell find rootfs-overlay -type f -o -type l 2>/dev/null)

$(IMAGE): initramfs/mkimage initramfs/modules.list $(GEN_CPIO) $(B)/kcap $(B)/busybox \
		$(B)/dbclient $(KCAP_CONF) $(OVERLAY) $(IMG_KERNEL) $(B)/inputs.txt $(B)/.image-args
	initramfs/mkimage -o $@ -k "$(IMG_KVER)" -m "$(IMG_MODDIR)" -c "$(KCAP_CONF)" \
		-b $(B) -r rootfs-overlay -i $(B)/inputs.txt

# --- everything else ----------------------------------------------------------------------
deps:
	scripts/install-deps

check: all
	tests/run

demo: all
	tests/qemu/demo.sh

# --- fuzzing ------------------------------------------------------------------------------
# libFuzzer harnesses for every parser (tests/fuzz/): make check runs each for a few seconds
# (tests/unit/62-fuzz.sh); this runs each for FUZZ_SECONDS. A crash input lands in
# tests/fuzz/corpus/TARGET/, where it stays as a regression case.
FUZZ_SECONDS := 300
fuzz:
	tests/fuzz/run $(FUZZ_SECONDS)

kernel:
	@test -x scripts/build-kernel || { echo "scripts/build-kernel does not exist yet"; exit 1; }
	scripts/build-kernel

size: all
	@initramfs/size-report $(B) $(IMAGE)

# --- install and package (scripts/kcapctl, scripts/systemd, scripts/kernel, scripts/deb) ----
# make install DESTDIR=/stage PREFIX=/usr: kcap and kcapctl, what kcapctl needs to build an
# image for the installed kernels (mkimage, gen_cpio, busybox, dbclient, the overlay), the
# systemd units, the kernel hooks and /etc/kcap.conf. make deb: a .deb of that (dpkg-deb).
PREFIX      ?= /usr/local
DESTDIR     ?=
SYSCONFDIR  ?= /etc
UNITDIR     ?= /lib/systemd/system
KCAP_LIB     = $(PREFIX)/lib/kcap
.PHONY: install deb
install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(KCAP_LIB)/bin/host $(DESTDIR)$(KCAP_LIB)/initramfs \
		$(DESTDIR)$(SYSCONFDIR)/default $(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d \
		$(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(PREFIX)/share/doc/kcap
	install -m 755 $(B)/kcap $(B)/busybox $(B)/dbclient $(B)/dropbearconvert $(DESTDIR)$(KCAP_LIB)/bin/
	install -m 644 $(B)/busybox.links $(B)/inputs.txt $(DESTDIR)$(KCAP_LIB)/bin/
	install -m 755 -s $(GEN_CPIO) $(DESTDIR)$(KCAP_LIB)/bin/host/
	install -m 755 initramfs/mkimage $(DESTDIR)$(KCAP_LIB)/initramfs/
	install -m 644 initramfs/modules.list $(DESTDIR)$(KCAP_LIB)/initramfs/
	rm -rf $(DESTDIR)$(KCAP_LIB)/rootfs-overlay
	cp -R --no-preserve=ownership rootfs-overlay $(DESTDIR)$(KCAP_LIB)/rootfs-overlay
	ln -sfn ../lib/kcap/bin/kcap $(DESTDIR)$(PREFIX)/sbin/kcap
	sed 's|^KCAP_LIBDIR=.*|KCAP_LIBDIR=$${KCAP_LIBDIR:-$(KCAP_LIB)}|' scripts/kcapctl >$(DESTDIR)$(PREFIX)/sbin/kcapctl
	chmod 755 $(DESTDIR)$(PREFIX)/sbin/kcapctl
	for u in kcap.service kcap-savecore.service; do \
		sed 's|/usr/sbin/|$(PREFIX)/sbin/|' scripts/systemd/$$u >$(DESTDIR)$(UNITDIR)/$$u && \
		chmod 644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	install -m 755 scripts/kernel/postinst.d-kcap $(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/kcap
	install -m 755 scripts/kernel/postrm.d-kcap $(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d/kcap
	install -m 644 scripts/default-kcap $(DESTDIR)$(SYSCONFDIR)/default/kcap
	install -m 644 $(KCAP_CONF) $(DESTDIR)$(SYSCONFDIR)/kcap.conf
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/kcap/

deb: all
	rm -rf $(B)/deb/root
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(B)/deb/root PREFIX=/usr >/dev/null
	scripts/deb/build-deb $(B)/deb/root $(B)/deb

# clean keeps what was downloaded (build/src/dl, build/kernel); distclean removes all of build/.
clean:
	rm -rf $(B)/obj $(B)/pkg $(B)/sysroot $(B)/host $(UAPI) $(B)/image $(B)/deb \
		$(B)/kcap $(B)/kcap.debug $(B)/kcap.img $(B)/busybox $(B)/busybox.links \
		$(B)/dbclient $(B)/dropbearconvert $(B)/.image-args $(B)/inputs.txt
	find $(B)/src -mindepth 1 -maxdepth 1 ! -name dl -exec rm -rf {} + 2>/dev/null || true

distclean:
	rm -rf $(B)
