# symbolon: one plain GNU Makefile.  `make V=1` shows the commands.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
# The picture plugin (include/symbolon/picture.h) is installed here.
PICTUREDIR ?= $(LIBDIR)/symbolon
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=

CC      ?= cc
CFLAGS  ?= -O2 -g
PKG_CONFIG ?= pkg-config

# Libraries linked today; `make deps` checks every library of the design.
# The picture libraries are linked only into the picture plugin and the
# programs that write pictures: the others load the plugin when they meet
# a picture (picture.h), and do not pay for cairo and zbar at start-up.
CORE_PKGS := libsodium libcbor gpgme
PICTURE_PKGS := libqrencode zbar cairo libjpeg
# The TPM seal links tpm2-tss (and through it OpenSSL) only into its
# plugin, libsymbolon-tpm2.so (seal_tpm2.h); PKCS#11 modules are dlopen'ed
# and need only p11-kit's header.
TPM2_PKGS := tss2-esys tss2-tctildr tss2-mu tss2-rc
HEADER_PKGS := p11-kit-1
PKGS := $(CORE_PKGS) $(PICTURE_PKGS)

WARNINGS := -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion \
	-Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Wvla
HARDENING := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
LDHARDENING := -pie -Wl,-z,relro,-z,now -Wl,--as-needed

# `make CAMERA=0`: build without reading QR codes from a video device.
CAMERA ?= 1
CAMERA_FLAGS := $(if $(filter 0,$(CAMERA)),-DSYMBOLON_NO_CAMERA)

ALL_CFLAGS = -std=gnu11 $(WARNINGS) $(HARDENING) -Iinclude $(CAMERA_FLAGS) \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) $(TPM2_PKGS) $(HEADER_PKGS) \
	2>/dev/null) $(CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDHARDENING) $(LDFLAGS)
# What a compile-and-link rule hands the compiler: not the headers that
# the dependency files (-MMD) add to a target's prerequisites.
LINK_INPUTS = $(filter %.c %.o %.a %.so,$^)
LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CORE_LIBS = $(shell $(PKG_CONFIG) --libs $(CORE_PKGS) 2>/dev/null)
PICTURE_LIBS = $(shell $(PKG_CONFIG) --libs $(PICTURE_PKGS) 2>/dev/null)
TPM2_LIBS = $(shell $(PKG_CONFIG) --libs $(TPM2_PKGS) 2>/dev/null)

ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-7s %s\n' $(1) $(2);
endif

# lib/seal_tpm2.c is only in its plugin, never in libsymbolon.a.
LIB_SRCS := $(filter-out lib/seal_tpm2.c,$(sort $(wildcard lib/*.c)))
LIB_OBJS := $(LIB_SRCS:%.c=build/%.o)
TOOLS    := split combine keygen verify status store rotate rekey qr
PROGRAMS := bin/symbolon $(TOOLS:%=bin/symbolon-%)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_TESTS := $(UNIT_SRCS:tests/unit/%.c=build/tests/%)
ASAN_TESTS := $(UNIT_SRCS:tests/unit/%.c=build/asan/tests/%)
CT_TESTS := $(patsubst tests/ct/%.c,build/tests/%,$(sort $(wildcard tests/ct/ct_*.c)))
MANPAGES := $(sort $(wildcard docs/man/*.1))

.SECONDARY:
.PHONY: all deps check demo bench fuzz install uninstall clean unit-tests
all: $(PROGRAMS) $(PICTURE_SO)

build/libsymbolon.a: $(LIB_OBJS)
	$(call say,AR,$@)
	$(Q)$(AR) rcs $@ $^

build/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# lib/ is position-independent code (-fPIC, also fine in a PIE): the
# same objects make libsymbolon.a and the picture plugin.
build/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -fPIC -DSYM_PICTURE_DIR='"$(PICTUREDIR)"' -c -o $@ $<

# The picture plugin: qr, raster and sheet with their own copy of the lib
# modules they need (from libsymbolon.a), exporting only the functions of
# qr.h, raster.h, sheet.h, qrread.h, qrwrite.h and the table
# sym_picture_plugin (lib/picture.map).  symbolon-qr takes qrread and
# qrwrite from it too: they are its only users.
PICTURE_SO := build/libsymbolon-picture.so
TPM2_SO := build/libsymbolon-tpm2.so
OPENPGP_SO := build/libsymbolon-openpgp.so
PICTURE_OBJS := build/lib/qr.o build/lib/raster.o build/lib/sheet.o \
    build/lib/qrread.o build/lib/qrwrite.o

$(PICTURE_SO): $(PICTURE_OBJS) build/libsymbolon.a lib/picture.map
	$(call say,LD,$@)
	$(Q)$(CC) -shared -Wl,-z,relro,-z,now -Wl,--no-undefined \
	    -Wl,-Bsymbolic -Wl,--version-script=lib/picture.map \
	    -Wl,-soname,$(notdir $@) $(LDFLAGS) -o $@ $(PICTURE_OBJS) \
	    build/libsymbolon.a $(PICTURE_LIBS) $(CORE_LIBS)

# The TPM seal plugin: seal_tpm2 with the lib modules it needs, exporting
# only sym_seal_tpm2_device (lib/seal_tpm2.map).
# The OpenPGP seal plugin: seal_openpgp with the lib modules it needs and
# GPGME (lib/seal_openpgp.map); its unit test links the object directly.
all: $(OPENPGP_SO)
$(OPENPGP_SO): build/lib/seal_openpgp.o build/libsymbolon.a lib/seal_openpgp.map
	$(call say,LD,$@)
	$(Q)$(CC) -shared -Wl,-z,relro,-z,now -Wl,--no-undefined \
	    -Wl,-Bsymbolic -Wl,--version-script=lib/seal_openpgp.map \
	    -Wl,-soname,$(notdir $@) $(LDFLAGS) -o $@ build/lib/seal_openpgp.o \
	    build/libsymbolon.a $(CORE_LIBS)

all: $(TPM2_SO)
$(TPM2_SO): build/lib/seal_tpm2.o build/libsymbolon.a lib/seal_tpm2.map
	$(call say,LD,$@)
	$(Q)$(CC) -shared -Wl,-z,relro,-z,now -Wl,--no-undefined \
	    -Wl,-Bsymbolic -Wl,--version-script=lib/seal_tpm2.map \
	    -Wl,-soname,$(notdir $@) $(LDFLAGS) -o $@ build/lib/seal_tpm2.o \
	    build/libsymbolon.a $(TPM2_LIBS) $(CORE_LIBS)

bin/symbolon: build/tools/symbolon.o
	@mkdir -p bin
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS)

# The programs' shared code as an archive: each program links only the
# members it uses, so status (no --pgp-keys) does not pull in GPGME.
TOOL_COMMON := build/tools/libcli.a
build/tools/libcli.a: build/tools/cli.o build/tools/cli_pgp.o \
    build/tools/gather.o build/tools/gather_unseal.o
	$(call say,AR,$@)
	$(Q)$(AR) rcs $@ $^

# Programs link no picture library: reading a picture loads the plugin.
bin/symbolon-%: build/tools/%.o $(TOOL_COMMON) build/libsymbolon.a
	@mkdir -p bin
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(CORE_LIBS)

# keygen is three files (tools/keygen.h).
KEYGEN_OBJS := build/tools/keygen.o build/tools/keygen_init.o \
    build/tools/keygen_export.o
bin/symbolon-keygen: $(KEYGEN_OBJS) $(TOOL_COMMON) build/libsymbolon.a
	@mkdir -p bin
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(CORE_LIBS)

# rekey is two files (tools/rekey.h).
REKEY_OBJS := build/tools/rekey.o build/tools/rekey_submit.o
bin/symbolon-rekey: $(REKEY_OBJS) $(TOOL_COMMON) build/libsymbolon.a
	@mkdir -p bin
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(CORE_LIBS)

# symbolon-qr writes pictures: it links the plugin (before libsymbolon.a,
# so that the picture functions come from it), found at run time where
# the loader of picture.h looks.
bin/symbolon-qr: build/tools/qr.o $(TOOL_COMMON) $(PICTURE_SO) \
    build/libsymbolon.a
	@mkdir -p bin
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(CORE_LIBS) \
	    -Wl,-rpath,'$$ORIGIN/../build:$$ORIGIN/../lib/symbolon:$(PICTUREDIR)'

# Unit tests: cmocka, once as built and once under ASan+UBSan.  The TPM
# seal's test reaches the provider through its plugin.
build/tests/test_seal_tpm2 build/asan/tests/test_seal_tpm2: $(TPM2_SO)

TEST_LIBS = $(LIBS) $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

build/tests/test_%: tests/unit/test_%.c build/libsymbolon.a
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(TEST_LIBS)

SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
ASAN_LIB_OBJS := $(LIB_SRCS:%.c=build/asan/%.o)

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC-ASAN,$<)
	$(Q)$(CC) $(ALL_CFLAGS) $(SANITIZE) -c -o $@ $<

build/asan/tests/test_%: tests/unit/test_%.c $(ASAN_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(call say,LD-ASAN,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SANITIZE) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(TEST_LIBS)

# Constant-time tests run under valgrind memcheck (ctgrind): built at -O2
# without sanitizers so memcheck sees the code that ships.
build/tests/ct_%: tests/ct/ct_%.c build/libsymbolon.a
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(LIBS)

# Interop helper for tests/cli/cose-interop.bats (signs/verifies COSE_Sign1).
build/tests/cose_sample: tests/interop/cose_sample.c build/libsymbolon.a
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(LIBS)

# Forger for the bundle tests in tests/cli/ (re-signs edited payloads).
build/tests/forge: tests/cli/forge.c build/libsymbolon.a
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(LIBS)

# libFuzzer targets (clang), one per parser: tests/fuzz/fuzz_<parser>.c
# with its seed corpus in tests/fuzz/corpus/<parser>/.
FUZZ_CC ?= clang
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=build/fuzz/%.o)
FUZZ_FLAGS := -std=gnu11 -g -O1 -Iinclude -fno-omit-frame-pointer \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) $(HEADER_PKGS) 2>/dev/null)
FUZZ_SECONDS ?= 60

build/fuzz/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(call say,CC-FUZZ,$<)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(call say,LD-FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer,address,undefined -o $@ $(LINK_INPUTS) $(LIBS)

fuzz: $(FUZZ_TARGETS)
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

unit-tests: $(UNIT_TESTS) $(ASAN_TESTS) $(CT_TESTS) $(FUZZ_TARGETS) \
	build/tests/cose_sample build/tests/forge

# ---- test build -------------------------------------------------------
# The crash-safety tests need the fault-injection hook (lib/fault.h:
# SYMBOLON_FAULT, SYMBOLON_FAULT_LOG); release programs must not have it.
# The test build compiles again, with -DSYMBOLON_TEST_HOOKS, only the lib
# sources that see the hook (they include fault.h or name the macro), and
# links the programs into build/test-bin/ from those objects and the
# release ones.  Unit tests that set SYMBOLON_FAULT link the same way.
TESTHOOK_SRCS := $(shell grep -lE 'SYMBOLON_TEST_HOOKS|"fault\.h"' lib/*.c)
TESTHOOK_OBJS := $(TESTHOOK_SRCS:%.c=build/testhooks/%.o)
TESTHOOK_LIB_OBJS := $(filter-out $(TESTHOOK_SRCS:%.c=build/%.o),$(LIB_OBJS)) \
	$(TESTHOOK_OBJS)
TEST_PROGRAMS := $(PROGRAMS:bin/%=build/test-bin/%)
HOOK_UNIT_SRCS := $(shell grep -l SYMBOLON_FAULT $(UNIT_SRCS))
HOOK_UNIT_TESTS := $(HOOK_UNIT_SRCS:tests/unit/%.c=build/tests/%)
HOOK_ASAN_TESTS := $(HOOK_UNIT_SRCS:tests/unit/%.c=build/asan/tests/%)
ASAN_TESTHOOK_LIB_OBJS := \
	$(filter-out $(TESTHOOK_SRCS:%.c=build/asan/%.o),$(ASAN_LIB_OBJS)) \
	$(TESTHOOK_SRCS:%.c=build/asan/testhooks/%.o)

build/testhooks/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(call say,CC-TEST,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -DSYMBOLON_TEST_HOOKS -c -o $@ $<

build/asan/testhooks/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(call say,CC-ASAN,$<)
	$(Q)$(CC) $(ALL_CFLAGS) $(SANITIZE) -DSYMBOLON_TEST_HOOKS -c -o $@ $<

build/testhooks/libsymbolon.a: $(TESTHOOK_LIB_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

build/test-bin/symbolon: build/tools/symbolon.o
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS)

build/test-bin/symbolon-%: build/tools/%.o $(TOOL_COMMON) build/testhooks/libsymbolon.a
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(LIBS)

build/test-bin/symbolon-keygen: $(KEYGEN_OBJS) $(TOOL_COMMON) \
    build/testhooks/libsymbolon.a
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(LIBS)

build/test-bin/symbolon-rekey: $(REKEY_OBJS) $(TOOL_COMMON) \
    build/testhooks/libsymbolon.a
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(LIBS)

$(HOOK_UNIT_TESTS): build/tests/%: tests/unit/%.c build/testhooks/libsymbolon.a
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(TEST_LIBS)

$(HOOK_ASAN_TESTS): build/asan/tests/%: tests/unit/%.c $(ASAN_TESTHOOK_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(call say,LD-ASAN,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SANITIZE) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(TEST_LIBS)

# `make unit-tests` (and so `make check`) builds the test programs too.
unit-tests: $(TEST_PROGRAMS)
# ---- end of test build ------------------------------------------------

deps:
	@scripts/deps.sh

check: deps
	$(MAKE) all unit-tests
	@tests/run.sh

demo: deps
	$(MAKE) all
	@ceremony-scripts/demo.sh

bench: deps
	$(MAKE) all build/bench/bench_shamir build/bench/bench_image \
	    build/bench/bench_startup build/bench/startup_sodium \
	    build/bench/dudect_shamir
	@tests/bench/run.sh

# The start-up floor: a program linked only to libsodium.
build/bench/startup_sodium: tests/bench/startup_sodium.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
	    $(shell $(PKG_CONFIG) --libs libsodium 2>/dev/null)

# The timing test links libm (Welch's t); it is not a bench_ program.
build/bench/dudect_shamir: tests/bench/dudect_shamir.c build/libsymbolon.a
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(LIBS) -lm

build/bench/bench_%: tests/bench/bench_%.c build/libsymbolon.a
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(LINK_INPUTS) $(LIBS)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(PICTUREDIR)
	install -m 755 $(PROGRAMS) $(DESTDIR)$(BINDIR)/
	install -m 644 $(PICTURE_SO) $(TPM2_SO) $(OPENPGP_SO) $(DESTDIR)$(PICTUREDIR)/
	install -m 644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1/

uninstall:
	rm -f $(PROGRAMS:bin/%=$(DESTDIR)$(BINDIR)/%) \
	    $(DESTDIR)$(PICTUREDIR)/$(notdir $(PICTURE_SO)) \
	    $(DESTDIR)$(PICTUREDIR)/$(notdir $(TPM2_SO)) \
	    $(DESTDIR)$(PICTUREDIR)/$(notdir $(OPENPGP_SO)) \
	    $(MANPAGES:docs/man/%=$(DESTDIR)$(MANDIR)/man1/%)

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
