# Dropbear's dbclient: the ssh client of the `ssh` dump target.
# Source: Debian's dropbear, pinned in scripts/sources.lock, fetched by scripts/fetch-source.
# Options: scripts/pkg/dropbear-localoptions.h (copied in as localoptions.h).
# Product: $(B)/dbclient (static, stripped), for the image; $(B)/dropbearconvert, a build
# host tool only (dbclient reads only Dropbear-format keys; the image builder converts an
# OpenSSH sshkey with it). dropbear (the server) and dropbearkey are not built.
DB_VER := $(call srcver,dropbear)
DB_SRC := $(B)/src/dropbear-$(DB_VER)
DB_OUT := $(B)/pkg/dropbear-$(DB_VER)

# configure options, each dropping something the client in the capture kernel cannot use:
#  --enable-static            link statically (no loader, no libc in the image)
#  --disable-zlib             ssh compression: the payload is already compressed
#  --disable-harden           -fPIE/-pie and stack protector flags that fight -static size
#  --enable-bundled-libtom    the libtomcrypt/libtommath in the tarball, never the host's
#  --disable-pam --disable-shadow --disable-syslog and the login-record options: server-only
# LTM_CFLAGS=-Os: libtommath's own flags, -O3 -funroll-loops unless told otherwise.
DB_CONFIGURE := --enable-static --disable-zlib --disable-harden --enable-bundled-libtom \
	--disable-pam --disable-shadow --disable-syslog --disable-lastlog --disable-utmp \
	--disable-utmpx --disable-wtmp --disable-wtmpx --disable-loginfunc --disable-pututline \
	--disable-pututxline

$(DB_SRC)/.kcap-unpacked:
	scripts/fetch-source dropbear

$(DB_OUT)/Makefile: $(DB_SRC)/.kcap-unpacked scripts/pkg/dropbear.mk | $(UAPI)/.stamp
	rm -rf $(DB_OUT) && mkdir -p $(DB_OUT)
	cd $(DB_OUT) && CC=$(MUSL_CC) CFLAGS="$(PKG_CFLAGS)" LDFLAGS="$(OPT_LDFLAGS)" LTM_CFLAGS=-Os \
		$(CURDIR)/$(DB_SRC)/configure $(DB_CONFIGURE) >configure.log 2>&1 || \
		{ tail -n 20 $(DB_OUT)/configure.log; exit 1; }

# Dropbear's Makefile picks up localoptions.h from the build directory. The compiler output
# (thousands of -Wundef warnings about DROPBEAR_SERVER in a client-only build) goes to
# build.log.
$(B)/dbclient: $(DB_OUT)/Makefile scripts/pkg/dropbear-localoptions.h
	cp scripts/pkg/dropbear-localoptions.h $(DB_OUT)/localoptions.h
	# (its Makefile does not know its objects depend on localoptions.h: start clean)
	$(MAKE) -C $(DB_OUT) clean >/dev/null 2>&1 || true
	$(MAKE) -C $(DB_OUT) PROGRAMS="dbclient dropbearconvert" \
		dbclient dropbearconvert >$(DB_OUT)/build.log 2>&1 || \
		{ grep -B2 -A8 -m3 'error' $(DB_OUT)/build.log; exit 1; }
	strip -o $@ $(DB_OUT)/dbclient
	strip -o $(B)/dropbearconvert $(DB_OUT)/dropbearconvert

$(B)/dropbearconvert: $(B)/dbclient
