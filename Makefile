# lwipsim - the one build entry.
#
#   make            build build/lwipsim and one engine per lwipopts profile
#   make run        build, then `lwipsim suite`: every scenario variant
#   make test       install what is missing, build, run every test
#   make deps       install missing Debian packages (root), else say how
#   make lwip       fetch lwIP 2.1.3 (Debian source package) to build/deps/;
#                   LWIP_VERSION=2.2.1 fetches and builds 2.2.1 instead,
#                   into build/lwip-2.2.1/
#   make asan       the same build with ASan+UBSan, under build/asan/
#   make tsan       the same build with TSan, under build/tsan/
#   make bench      benchmarks (bench/)
#   make fuzz       libFuzzer harnesses, FUZZ_SECONDS each (tests/fuzz/)
#   make docs       regenerate the lists in README.md and docs/ that the
#                   code knows (tools/gen-docs.sh)
#   make clean      remove build/
#
# LWIP_DIR=/path builds against another lwIP tree (2.0.x to 2.2.x), into
# build/tree-<its folder's name>/.
#
# Products go to $(B) only.  Our code builds with -Werror; lwIP's sources
# build with their own warnings, which are not ours to fix.  Each room gets
# its own include path, so an include against the dependency order fails
# to compile (docs/architecture.md; tools/check-layers.sh checks it):
#   engine -> scenarios -> peers -> tapif -> contrib_port -> sim
#   engine, cli -> proto -> sim          (cli spawns engines, never links one)
# Output is one line per step ("  CC      engines/board/port/sys_arch.o");
# `make V=1` prints the commands.  Warnings and errors always show in full.

SHELL := /bin/bash
# Parallel builds in run, test, asan and tsan.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SAN ?=
CC ?= gcc
TOP := $(abspath .)

# Quiet output: a recipe line that starts with $(call say,CC,target)
# prints that one line instead of the command; V=1 shows the commands.
ifeq ($(V),1)
  say =
else
  say = @printf '  %-7s %s\n' '$(1)' '$(patsubst $(B)/%,%,$(2))';
endif

# The lwIP tree.  `make lwip` fetches LWIP_VERSION (tools/fetch-lwip.sh:
# 2.1.3, the default, or 2.2.1) into build/deps/lwip-VERSION/.  Each tree
# builds into a directory of its own, so switching never rebuilds another:
# build/ for the default, build/lwip-VERSION/ for another fetched version,
# build/tree-NAME/ for LWIP_DIR=.../NAME.  Its front end is $(B)/lwipsim.
LWIP_DEFAULT_VERSION := 2.1.3
LWIP_VERSION ?= $(LWIP_DEFAULT_VERSION)
LWIP_FETCHED_DIR := $(TOP)/build/deps/lwip-$(LWIP_VERSION)
ifdef LWIP_DIR
  ifeq ($(wildcard $(LWIP_DIR)/src/include/lwip/init.h),)
    $(error LWIP_DIR=$(LWIP_DIR) is not an lwIP tree (no src/include/lwip/init.h))
  endif
  LWIP := $(abspath $(LWIP_DIR))
  LWIP_FETCH :=
  B ?= build/tree-$(notdir $(LWIP))
else
  LWIP := $(LWIP_FETCHED_DIR)
  LWIP_FETCH := $(LWIP)/.lwipsim-stamp
  ifeq ($(LWIP_VERSION),$(LWIP_DEFAULT_VERSION))
    B ?= build
  else
    B ?= build/lwip-$(LWIP_VERSION)
  endif
endif
# The pthread switch backend builds beside the default (SIM_SWITCH below).
ifeq ($(SIM_SWITCH),pthread)
  ifeq ($(origin B),file)
    B := $(B)/pthread
  endif
endif

ifeq ($(SAN),asan)
  SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
              -fno-omit-frame-pointer
else ifeq ($(SAN),fuzz)
  # clang only: coverage for libFuzzer, which the harness links.
  SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined \
              -fno-sanitize-recover=undefined -fno-omit-frame-pointer
else ifeq ($(SAN),tsan)
  SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
else
  SANFLAGS :=
endif

OPT := -O2 -g
OUR_CFLAGS := -std=gnu11 $(OPT) -Wall -Wextra -Werror -MMD -MP $(SANFLAGS)
LWIP_CFLAGS := -std=gnu11 $(OPT) -MMD -MP $(SANFLAGS)
# lwIP's pool and heap functions reach the port first (fault injection,
# "pool" trace records: contrib_port/sys_arch_mem.c); lwIP is unchanged.
MEM_WRAP := $(foreach f,memp_malloc memp_malloc_fn memp_malloc_pool \
  memp_malloc_pool_fn memp_free memp_free_pool mem_malloc mem_calloc \
  mem_free mem_trim,-Wl,--wrap=$(f))
LDFLAGS_ALL := $(SANFLAGS) -pthread $(MEM_WRAP)
# Immediate binding: every dynamic symbol is resolved once at start, so
# the children explore's fork server makes do not each redo it lazily.
LDFLAGS_ALL += -Wl,-z,now
LIBS := -ljansson -lxxhash -lm

PROFILES := $(notdir $(patsubst %/,%,$(dir $(wildcard contrib_port/lwipopts/*/lwipopts.h))))
SCENARIOS := $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard scenarios/*/desc.c)))))

.PHONY: switch-alt all run test test-passes deps lwip asan tsan bench clean unit-tests check-lwip-dir fuzz docs
.DEFAULT_GOAL := all
# Keep the test objects between runs (they are intermediates of a chain).
.PRECIOUS: $(B)/tests/%.o

# ------------------------------------------------------------------
# the lwIP tree

lwip: $(LWIP_FETCH)
	@$(MAKE) --no-print-directory check-lwip-dir

$(LWIP_FETCHED_DIR)/.lwipsim-stamp:
	@tools/fetch-lwip.sh $(TOP)/build $(LWIP_VERSION)

check-lwip-dir:
	@test -f $(LWIP)/src/include/lwip/init.h || { \
	  echo "lwipsim: $(LWIP) is not an lwIP tree (no src/include/lwip/init.h)" >&2; exit 2; }

# Rebuild lwIP-dependent objects when LWIP_DIR changes.
LWIP_TREE_STAMP := $(B)/lwip-tree.txt
$(shell mkdir -p $(B); [ "$$(cat $(LWIP_TREE_STAMP) 2>/dev/null)" = "$(LWIP)" ] || echo "$(LWIP)" > $(LWIP_TREE_STAMP))

deps:
	@tools/deps.sh

# ------------------------------------------------------------------
# sim/: the deterministic core, no lwIP.  proto/: the engine protocol,
# linked into the front end and every engine.

# SIM_SWITCH: how sim threads switch (sim/sim_priv.h): fiber (default) or
# pthread (a run token between pthreads; builds into $(B)/pthread/).
SIM_SWITCH ?= fiber
ifeq ($(filter $(SIM_SWITCH),fiber pthread),)
  $(error SIM_SWITCH=$(SIM_SWITCH): fiber or pthread)
endif
SIM_SRCS := $(filter-out sim/switch_%.c,$(wildcard sim/*.c)) sim/switch_$(SIM_SWITCH).c
SIM_OBJS := $(patsubst sim/%.c,$(B)/obj/sim/%.o,$(SIM_SRCS))
LIBSIM := $(B)/obj/libsim.a
PROTO_OBJS := $(patsubst proto/%.c,$(B)/obj/proto/%.o,$(wildcard proto/*.c))
LIBPROTO := $(B)/obj/libproto.a

$(B)/obj/sim/%.o: sim/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(OUR_CFLAGS) -Isim -c $< -o $@

$(B)/obj/proto/%.o: proto/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(OUR_CFLAGS) -Isim -Iproto -c $< -o $@

$(B)/obj/%.a:
	@rm -f $@
	$(call say,AR,$@)ar rcs $@ $^

$(LIBSIM): $(SIM_OBJS)

# The other switch backend, for the determinism check between the two
# (tests/cli/test_switch.sh): every engine relinked against a libsim whose
# only other object is the other switch_*.o, under $(SWALT)/ with a copy
# of the front end (it finds its engines beside itself).  Links only.
SIM_SWITCH_ALT := $(if $(filter fiber,$(SIM_SWITCH)),pthread,fiber)
SWALT := $(B)/switch-$(SIM_SWITCH_ALT)
LIBSIM_ALT := $(B)/obj/libsim-$(SIM_SWITCH_ALT).a
$(LIBSIM_ALT): $(filter-out $(B)/obj/sim/switch_%.o,$(SIM_OBJS)) \
    $(B)/obj/sim/switch_$(SIM_SWITCH_ALT).o
$(LIBPROTO): $(PROTO_OBJS)

# rtos/: the FreeRTOS and CMSIS-RTOS2 APIs on the core (docs/rtos-apis.md),
# compiled against one FreeRTOSConfig.h: $(call RTOS_template,NAME,DIR,
# CFLAGS) builds them with DIR's config into $(B)/obj/rtos-NAME/ and names
# the objects RTOS_OBJS_NAME (a board project passes its own folder).
# RTOS_CMSIS_OBJS_NAME adds the CMSIS-RTOS2 layer (configMAX_PRIORITIES 56).
RTOS_FR_SRCS := $(wildcard rtos/freertos/*.c)
RTOS_CMSIS_SRCS := $(wildcard rtos/cmsis_rtos2/*.c)
rtos_inc = -Isim -Irtos/freertos -Irtos/cmsis_rtos2 -I$(1)
define RTOS_template
RTOS_OBJS_$(1) := $$(patsubst rtos/%.c,$(B)/obj/rtos-$(1)/%.o,$(RTOS_FR_SRCS))
RTOS_CMSIS_OBJS_$(1) := $$(patsubst rtos/%.c,$(B)/obj/rtos-$(1)/%.o,$(RTOS_CMSIS_SRCS))
$(B)/obj/rtos-$(1)/%.o: rtos/%.c
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(OUR_CFLAGS) $(3) $$(call rtos_inc,$(2)) -c $$< -o $$@
endef

# ------------------------------------------------------------------
# generated registry of scenarios (one folder each)

GEN := $(B)/gen
SCN_LIST_STAMP := $(GEN)/scenarios.txt
$(shell mkdir -p $(GEN); [ "$$(cat $(SCN_LIST_STAMP) 2>/dev/null)" = "$(SCENARIOS)" ] || echo "$(SCENARIOS)" > $(SCN_LIST_STAMP))

$(GEN)/scn_catalog.c: $(SCN_LIST_STAMP)
	@mkdir -p $(@D)
	@{ echo '/* generated by the Makefile from scenarios/<name>/ folders */'; \
	   echo '#include "sim_catalog.h"'; \
	   for s in $(SCENARIOS); do echo "extern const sim_scenario scn_$${s}_desc;"; done; \
	   echo 'static const sim_scenario *const scn_all[] = {'; \
	   for s in $(SCENARIOS); do echo "  &scn_$${s}_desc,"; done; \
	   echo '};'; \
	   echo 'const sim_catalog scn_catalog = {scn_all, sizeof scn_all / sizeof scn_all[0]};'; \
	} > $@

# Each engine holds the scenarios that have a variant of its profile (the
# second string of a `SIM_VARIANT("name", "PROFILE", ...` or
# `SIM_VARIANT_BY_VERSION(...` line in the
# scenario's desc.c; see sim/sim_catalog.h; the sed below matches the
# parenthesis with `.` because make would count it), and a registry of
# those: $(GEN)/scn_impls_PROFILE.c.  Every engine holds the catalogue of
# all scenarios (the descriptions); asked for a scenario it lacks, an engine
# says so (exit 2).  `lwipsim suite` runs every variant on its engine.
scn_profiles = $(shell sed -n 's/.*SIM_VARIANT[A-Z_]*."[^"]*", *"\([^"]*\)".*/\1/p' scenarios/$(1)/desc.c | sort -u)
$(foreach s,$(SCENARIOS),$(eval SCN_PROFILES_$(s) := $(call scn_profiles,$(s))))
profile_scns = $(strip $(foreach s,$(SCENARIOS),$(if $(filter $(1),$(SCN_PROFILES_$(s))),$(s))))

define IMPLS_template
PROFILE_SCNS_$(1) := $$(call profile_scns,$(1))
$$(shell [ "$$$$(cat $(GEN)/scenarios-$(1).txt 2>/dev/null)" = "$$(PROFILE_SCNS_$(1))" ] || echo "$$(PROFILE_SCNS_$(1))" > $(GEN)/scenarios-$(1).txt)
$(GEN)/scn_impls_$(1).c: $(GEN)/scenarios-$(1).txt
	@mkdir -p $$(@D)
	@{ echo '/* generated by the Makefile: the scenarios of profile $(1) */'; \
	   echo '#include <string.h>'; \
	   echo '#include "scn_registry.h"'; \
	   for s in $$(PROFILE_SCNS_$(1)); do echo "extern const scn_impl scn_$$$${s}_impl;"; done; \
	   echo 'const scn_impl *const scn_impls[] = {'; \
	   for s in $$(PROFILE_SCNS_$(1)); do echo "  &scn_$$$${s}_impl,"; done; \
	   echo '  NULL};'; \
	   echo 'const scn_impl *scn_registry_impl(const char *name)'; \
	   echo '{'; \
	   echo '  for (int i = 0; scn_impls[i]; i++)'; \
	   echo '    if (strcmp(scn_impls[i]->name, name) == 0)'; \
	   echo '      return scn_impls[i];'; \
	   echo '  return NULL;'; \
	   echo '}'; \
	} > $$@
endef

# The HTML report's page (engine/report.html) as a C string, included
# by engine/report.c, so the engine writes the page without reading a file.
$(GEN)/report_html.inc: engine/report.html tools/embed.sh
	@mkdir -p $(@D)
	$(call say,GEN,$@)tools/embed.sh $< > $@.tmp && mv $@.tmp $@

# The report writer needs no lwIP: one object for every engine.
REPORT_OBJ := $(B)/obj/engine/report.o
$(REPORT_OBJ): engine/report.c $(GEN)/report_html.inc
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(OUR_CFLAGS) -Isim -Iengine -I$(GEN) -c $< -o $@

DESC_OBJS := $(patsubst %,$(B)/obj/desc/%.o,$(SCENARIOS)) $(B)/obj/gen/scn_catalog.o

$(B)/obj/desc/%.o: scenarios/%/desc.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(OUR_CFLAGS) -Isim -c $< -o $@

$(B)/obj/gen/%.o: $(GEN)/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(OUR_CFLAGS) -Isim -Iscenarios/lib -c $< -o $@

# ------------------------------------------------------------------
# per-profile engines: lwIP, the port and the scenarios built with that
# profile's lwipopts.h

# lwIP's core, APIs and Ethernet, plus the apps boards run: httpd (2.0.x
# keeps it in apps/httpd/), lwiperf and the TFTP server (tftp.c in 2.2).  Objects go into an archive, so an
# engine links only what its scenarios call.
LWIP_APP_SRCS := $(wildcard $(LWIP)/src/apps/http/httpd.c \
  $(LWIP)/src/apps/http/fs.c $(LWIP)/src/apps/httpd/httpd.c \
  $(LWIP)/src/apps/httpd/fs.c $(LWIP)/src/apps/lwiperf/lwiperf.c \
  $(LWIP)/src/apps/tftp/tftp_server.c $(LWIP)/src/apps/tftp/tftp.c)
LWIP_SRCS := $(sort $(wildcard $(LWIP)/src/core/*.c $(LWIP)/src/core/ipv4/*.c \
  $(LWIP)/src/core/ipv6/*.c $(LWIP)/src/api/*.c) $(LWIP)/src/netif/ethernet.c \
  $(LWIP_APP_SRCS))
PORT_SRCS := $(wildcard contrib_port/*.c)
TAPIF_SRCS := $(wildcard tapif/*.c)
PEERS_SRCS := $(wildcard peers/frame/*.c)
SCN_LIB_SRCS := $(wildcard scenarios/lib/*.c)
SCN_DIR_SRCS := $(filter-out scenarios/lib/% %/desc.c,$(wildcard scenarios/*/*.c))
ENGINE_SRCS := $(filter-out engine/report.c,$(wildcard engine/*.c))

port_inc = -Isim -Icontrib_port/include -Icontrib_port/lwipopts/$(1) -I$(LWIP)/src/include
tapif_inc = $(call port_inc,$(1)) -Itapif
# peers/lwip last: a profile's own lwipopts.h wins over the peer's.
peers_inc = $(call tapif_inc,$(1)) -Ipeers/frame -Ipeers/lwip
scn_inc = $(call peers_inc,$(1)) -Iscenarios/lib
engine_inc = $(call scn_inc,$(1)) -Iproto -Iengine

define ENGINE_template
E_$(1) := $(B)/engines/$(1)
LWIP_OBJS_$(1) := $$(patsubst $(LWIP)/src/%.c,$$(E_$(1))/lwip/%.o,$(LWIP_SRCS))
PORT_OBJS_$(1) := $$(patsubst contrib_port/%.c,$$(E_$(1))/port/%.o,$(PORT_SRCS))
$$(eval $$(call IMPLS_template,$(1)))
IMPLS_$(1) := $(B)/obj/gen/scn_impls_$(1).o
SCN_OBJS_$(1) := $$(patsubst scenarios/%.c,$$(E_$(1))/scn/%.o,$(SCN_LIB_SRCS) \
  $$(foreach s,$$(PROFILE_SCNS_$(1)),$$(filter scenarios/$$(s)/%,$(SCN_DIR_SRCS))))
TAPIF_OBJS_$(1) := $$(patsubst tapif/%.c,$$(E_$(1))/tapif/%.o,$(TAPIF_SRCS))
PEERS_OBJS_$(1) := $$(patsubst peers/%.c,$$(E_$(1))/peers/%.o,$(PEERS_SRCS))
ENGINE_OBJS_$(1) := $$(patsubst engine/%.c,$$(E_$(1))/engine/%.o,$(ENGINE_SRCS))
# What an engine links, in link order, but the core library: the
# deterministic engine adds $(LIBSIM), bench/free.mk's free-running one
# its own (bench/free.mk).
ENGINE_LINK_$(1) := $$(ENGINE_OBJS_$(1)) $(REPORT_OBJ) $$(SCN_OBJS_$(1)) \
  $$(IMPLS_$(1)) $(DESC_OBJS) $$(PEERS_OBJS_$(1)) $$(TAPIF_OBJS_$(1)) \
  $$(PORT_OBJS_$(1)) $$(E_$(1))/liblwip.a $(LIBPROTO)

$$(E_$(1))/lwip/%.o: $(LWIP)/src/%.c $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(LWIP_CFLAGS) $(call port_inc,$(1)) -c $$< -o $$@

$$(E_$(1))/liblwip.a: $$(LWIP_OBJS_$(1))
	@rm -f $$@
	$$(call say,AR,$$@)ar rcs $$@ $$^

$$(E_$(1))/port/%.o: contrib_port/%.c $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(OUR_CFLAGS) $(call port_inc,$(1)) -c $$< -o $$@

$$(E_$(1))/tapif/%.o: tapif/%.c $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(OUR_CFLAGS) $(call tapif_inc,$(1)) -c $$< -o $$@

$$(E_$(1))/peers/%.o: peers/%.c $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(OUR_CFLAGS) $(call peers_inc,$(1)) -c $$< -o $$@

$$(E_$(1))/scn/%.o: scenarios/%.c $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(OUR_CFLAGS) $(call scn_inc,$(1)) -c $$< -o $$@

$$(E_$(1))/engine/%.o: engine/%.c $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(OUR_CFLAGS) $(call engine_inc,$(1)) -c $$< -o $$@

$$(E_$(1))/lwipsim-engine: $$(ENGINE_LINK_$(1)) $(LIBSIM)
	$$(call say,LD,$$@)$(CC) $(LDFLAGS_ALL) -o $$@ $$^ $(LIBS) -lpcap

ENGINES += $$(E_$(1))/lwipsim-engine

$(SWALT)/engines/$(1)/lwipsim-engine: $$(ENGINE_LINK_$(1)) $(LIBSIM_ALT)
	@mkdir -p $$(@D)
	$$(call say,LD,$$@)$(CC) $(LDFLAGS_ALL) -o $$@ $$^ $(LIBS) -lpcap

SWALT_ENGINES += $(SWALT)/engines/$(1)/lwipsim-engine
endef

# A profile whose folder holds a `bugmodel` file (the name of a model in
# contrib_port/bugs/) compiles the files that model touches from its own
# copy, made by lwipsim-bugmodel: patched, or unchanged when the tree
# already has the defect.  A model that does not apply stops the build.
define BUGMODEL_template
BUG_$(1) := $(strip $(shell cat contrib_port/lwipopts/$(1)/bugmodel))
$$(E_$(1))/patched.stamp: contrib_port/bugs/$$(BUG_$(1)).bug $(LWIP_TREE_STAMP) \
    $(B)/tools/lwipsim-bugmodel | $(LWIP_FETCH)
	@rm -rf $$(E_$(1))/patched
	$$(call say,BUGMODEL,$$@)$(B)/tools/lwipsim-bugmodel $$< $(LWIP) $$(E_$(1))/patched
	@touch $$@
$$(foreach f,$$(shell sed -n 's/^file //p' contrib_port/bugs/$$(BUG_$(1)).bug),\
  $$(eval $$(call PATCHED_template,$(1),$$(f))))
endef

define PATCHED_template
$$(E_$(1))/lwip/$(patsubst src/%.c,%.o,$(2)): $$(E_$(1))/patched.stamp
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(LWIP_CFLAGS) $(call port_inc,$(1)) -c $$(E_$(1))/patched/$(2) -o $$@
endef

$(foreach p,$(PROFILES),$(eval $(call ENGINE_template,$(p))))
$(foreach p,$(PROFILES),$(if $(wildcard contrib_port/lwipopts/$(p)/bugmodel),\
  $(eval $(call BUGMODEL_template,$(p)))))

BUGMODEL_SRCS := $(wildcard tools/bugmodel/*.c)
$(B)/tools/lwipsim-bugmodel: $(patsubst tools/bugmodel/%.c,$(B)/obj/bugmodel/%.o,$(BUGMODEL_SRCS))
	@mkdir -p $(@D)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^

$(B)/obj/bugmodel/%.o: tools/bugmodel/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(OUR_CFLAGS) -Itools/bugmodel -c $< -o $@

# The front end links lwIP's headers only (for the version string).
$(B)/obj/cli/version.o: contrib_port/version.c $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(OUR_CFLAGS) $(call port_inc,board) -c $< -o $@

# The front end: no lwIP and no scheduler, but two leaf files of lower
# rooms: the capture reader for `replay` (tapif/pcapio.c, libc and
# libpcap) and the lwIP version string (contrib_port/version.c).
CLI_SRCS := $(wildcard cli/*.c)
$(B)/obj/cli/%.o: cli/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(OUR_CFLAGS) -Isim -Iproto -Icli -Itapif -Icontrib_port/include -c $< -o $@

$(B)/lwipsim: $(patsubst cli/%.c,$(B)/obj/cli/%.o,$(CLI_SRCS)) $(B)/obj/cli/version.o \
    $(B)/obj/tapif/pcapio.o $(DESC_OBJS) $(LIBPROTO) $(LIBSIM)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS) -lpcap

ifeq ($(wildcard $(LWIP)/src/core/init.c),)
# The tree is not there yet: fetch it, then build with its file list.  One
# target at a time here: `make -j2 all unit-tests` would otherwise fetch
# twice at once and collide on apt's lock.
.NOTPARALLEL:
all unit-tests:
	@$(MAKE) --no-print-directory lwip
	@$(MAKE) --no-print-directory $@
else
all: $(B)/lwipsim $(ENGINES)
endif

switch-alt: $(SWALT)/lwipsim $(SWALT_ENGINES)
$(SWALT)/lwipsim: $(B)/lwipsim
	@mkdir -p $(@D)
	$(call say,CP,$@)cp $< $@

# ------------------------------------------------------------------
# tests

TEST_CFLAGS := $(filter-out -Werror,$(OUR_CFLAGS)) -Werror -Wno-unused-parameter
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))
TEST_INC := -Itests/unit

# A unit test links what its module needs and no more: the core and the
# protocol by default, below the modules that need lwIP or libpcap.
$(B)/tests/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(TEST_CFLAGS) -Isim -Iproto -Iengine $(TEST_INC) -c $< -o $@

$(B)/tests/test_%: $(B)/tests/test_%.o $(LIBPROTO) $(LIBSIM)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS)

$(B)/tests/test_report: $(B)/tests/test_report.o $(REPORT_OBJ) $(LIBSIM)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS)

$(B)/tests/test_port.o: tests/unit/test_port.c $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(TEST_CFLAGS) $(call port_inc,board) $(TEST_INC) -c $< -o $@

$(B)/tests/test_port: $(B)/tests/test_port.o $(PORT_OBJS_board) $(E_board)/liblwip.a $(LIBSIM)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS)

# The board's RTOS heap model (contrib_port/sys_arch_heap.c) with the port.
$(B)/tests/test_heap_model.o: tests/unit/test_heap_model.c $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(TEST_CFLAGS) $(call port_inc,board) $(TEST_INC) -c $< -o $@

$(B)/tests/test_heap_model: $(B)/tests/test_heap_model.o $(PORT_OBJS_board) $(E_board)/liblwip.a $(LIBSIM)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS)

# The capture module and the frame builders need libc (and libpcap) only.
$(B)/obj/tapif/%.o: tapif/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(OUR_CFLAGS) -Itapif -c $< -o $@

$(B)/tests/test_pcapio.o $(B)/tests/test_frames.o: $(B)/tests/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(TEST_CFLAGS) -Itapif $(TEST_INC) -c $< -o $@

$(B)/tests/test_pcapio: $(B)/tests/test_pcapio.o $(B)/obj/tapif/pcapio.o
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka -lpcap

$(B)/tests/test_frames: $(B)/tests/test_frames.o $(B)/obj/tapif/frames.o
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka

$(B)/tests/test_emac.o: tests/unit/test_emac.c $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(TEST_CFLAGS) $(call tapif_inc,board) $(TEST_INC) -c $< -o $@

$(B)/tests/test_emac: $(B)/tests/test_emac.o $(TAPIF_OBJS_board) $(PORT_OBJS_board) \
    $(E_board)/liblwip.a $(LIBSIM)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka -lpcap $(LIBS)

$(B)/tests/test_bugmodel.o: tests/unit/test_bugmodel.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(TEST_CFLAGS) -Itools/bugmodel $(TEST_INC) -c $< -o $@

$(B)/tests/test_bugmodel: $(B)/tests/test_bugmodel.o $(B)/obj/bugmodel/bugmodel.o
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka

# The RTOS layers' tests, on tests/unit/rtos_config/FreeRTOSConfig.h at
# 1000 Hz; test_freertos_100hz is test_freertos.c again at 100 Hz ticks.
RTOS_TEST_CFG := tests/unit/rtos_config
$(eval $(call RTOS_template,test1000,$(RTOS_TEST_CFG),))
$(eval $(call RTOS_template,test100,$(RTOS_TEST_CFG),-DTEST_TICK_HZ=100))
UNIT_TESTS += $(B)/tests/test_freertos_100hz

$(B)/tests/test_freertos.o $(B)/tests/test_cmsis_rtos2.o: $(B)/tests/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(TEST_CFLAGS) $(call rtos_inc,$(RTOS_TEST_CFG)) $(TEST_INC) -c $< -o $@

$(B)/tests/test_freertos_100hz.o: tests/unit/test_freertos.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(TEST_CFLAGS) -DTEST_TICK_HZ=100 $(call rtos_inc,$(RTOS_TEST_CFG)) $(TEST_INC) -c $< -o $@

$(B)/tests/test_freertos: $(B)/tests/test_freertos.o $(RTOS_OBJS_test1000) $(LIBSIM)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS)

$(B)/tests/test_cmsis_rtos2: $(B)/tests/test_cmsis_rtos2.o $(RTOS_CMSIS_OBJS_test1000) \
    $(RTOS_OBJS_test1000) $(LIBSIM)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS)

$(B)/tests/test_freertos_100hz: $(B)/tests/test_freertos_100hz.o $(RTOS_OBJS_test100) $(LIBSIM)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS)

ifneq ($(wildcard $(LWIP)/src/core/init.c),)
# The pthread-backend engines only in a build without sanitizers: the
# sanitizer pass of make test compares its default backend with the plain
# build's pthread engines (tests/cli/test_switch.sh), saving a relink.
unit-tests: $(UNIT_TESTS) $(if $(SAN),,switch-alt)
endif

# Three passes through tests/tally.sh, which ends with "N passed, N
# failed[, N skipped]": plain, then ASan+UBSan against the plain digests,
# both on the default tree; then the suite and the scenario table on the
# second fetched version, SECOND_LWIP (plain, -O0 without debug info to
# keep CI short: digests do not depend on the optimisation level, as the
# ASan pass shows; tests/run-tree.sh).
SECOND_LWIP := 2.2.1
test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory lwip
	@tests/tally.sh $(MAKE) --no-print-directory test-passes

# The second version's build runs at the lowest priority during the ASan
# pass's tests (tests/overlap.sh), on the CPU time they leave idle.
# Each build's wall time is printed as a `time` line (not a check).
test-passes:
	@s=$$(date +%s); $(MAKE) --no-print-directory -j$(JOBS) all unit-tests && \
	  echo "time build: $$(($$(date +%s) - s)) s"
	@tests/run.sh $(B)
	@s=$$(date +%s); $(MAKE) --no-print-directory asan && \
	  echo "time asan build: $$(($$(date +%s) - s)) s"
	@$(MAKE) --no-print-directory LWIP_VERSION=$(SECOND_LWIP) lwip
	@tests/overlap.sh build/lwip-$(SECOND_LWIP).log "build of lwIP $(SECOND_LWIP)" \
	  "$(MAKE) --no-print-directory LWIP_VERSION=$(SECOND_LWIP) OPT=-O0 -j$(JOBS) all" \
	  -- tests/run.sh $(B)/asan --asan $(B)
	@tests/run-tree.sh build/lwip-$(SECOND_LWIP) $(SECOND_LWIP)

run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory lwip
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@$(B)/lwipsim suite --jobs 2

# The lists in README.md and docs/ that the code knows: scenarios from
# `lwipsim list`, profiles from contrib_port/lwipopts/*/ (tools/gen-docs.sh).
# tests/cli/test_docs.sh fails when the committed copy is stale.
docs: $(B)/lwipsim
	@tools/gen-docs.sh $(B)

# The Wireshark dissector and extcap into the invoking user's personal
# Wireshark folders, and out again (docs/wireshark.md).
.PHONY: install-wireshark uninstall-wireshark
install-wireshark:
	@tools/wireshark/install.sh install $(B)/lwipsim
uninstall-wireshark:
	@tools/wireshark/install.sh uninstall

asan:
	@$(MAKE) --no-print-directory -j$(JOBS) B=$(B)/asan SAN=asan OPT="-O1 -g" all unit-tests

tsan:
	@$(MAKE) --no-print-directory -j$(JOBS) B=$(B)/tsan SAN=tsan OPT="-O1 -g" all unit-tests

# The unit tests built with TSan and run, one line each (not in `make
# test`: a third sanitizer build; docs/testing.md says when it last ran).
.PHONY: tsan-unit
tsan-unit:
	@$(MAKE) --no-print-directory -j$(JOBS) B=$(B)/tsan SAN=tsan OPT="-O1 -g" unit-tests
	@for t in $(patsubst $(B)/%,$(B)/tsan/%,$(UNIT_TESTS)); do \
	  if $$t >$$t.log 2>&1; then echo "ok   tsan: $${t##*/}"; \
	  else tail -40 $$t.log; echo "FAIL: tsan: $${t##*/} (log $$t.log)"; exit 1; fi; \
	done

# The scheduler benchmark on the other switch backend (bench/switch_bench.sh).
$(B)/bench/sched_bench-$(SIM_SWITCH_ALT): bench/sched_bench.c $(LIBSIM_ALT)
	@mkdir -p $(@D)
	$(call say,CCLD,$@)$(CC) $(OUR_CFLAGS) -Isim -o $@ $(filter %.c %.a,$^) $(LDFLAGS_ALL) $(LIBS)

$(B)/bench/%: bench/%.c $(LIBSIM)
	@mkdir -p $(@D)
	$(call say,CCLD,$@)$(CC) $(OUR_CFLAGS) -Isim -o $@ $(filter %.c %.a,$^) $(LDFLAGS_ALL) $(LIBS)

# libFuzzer harnesses (clang): tests/fuzz/fuzz_<name>.c, each run for
# FUZZ_SECONDS on a corpus under build/fuzz/corpus/<name> seeded from the
# scenarios' captures.
FUZZ_SECONDS ?= 10
FUZZ_TARGETS ?= pcapio cli rx
FZ := build/fuzz
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer
$(FZ)/fuzz_pcapio: tests/fuzz/fuzz_pcapio.c tapif/pcapio.c
	@mkdir -p $(@D)
	$(call say,CCLD,$@)clang $(FUZZ_FLAGS) -Itapif -o $@ $^ -lpcap
$(FZ)/fuzz_cli: tests/fuzz/fuzz_cli.c proto/opts.c proto/fail.c proto/events.c \
    sim/catalog.c sim/names.c
	@mkdir -p $(@D)
	$(call say,CCLD,$@)clang $(FUZZ_FLAGS) -Isim -Iproto -o $@ $^ -ljansson -lxxhash -lm

# The RX harness links the board profile's lwIP, port, EMAC, wires and the
# serve services, all built by clang with coverage under $(FZ)/eng.
FUZZ_RX_OBJS = $(E_board)/scn/lib/scn_serve.o $(E_board)/scn/lib/scn_board.o \
  $(E_board)/scn/lib/scn_lwip.o $(E_board)/scn/lib/scn.o $(TAPIF_OBJS_board) \
  $(PORT_OBJS_board) $(E_board)/liblwip.a $(LIBSIM)
$(B)/fuzz_rx_cntrs.o: tests/fuzz/fuzz_rx_cntrs.c
	$(call say,CC,$@)$(CC) -std=gnu11 -O1 -Wall -Wextra -Werror -c $< -o $@
$(B)/fuzz_rx: tests/fuzz/fuzz_rx.c $(B)/fuzz_rx_cntrs.o $(FUZZ_RX_OBJS)
	$(call say,CCLD,$@)$(CC) $(OUR_CFLAGS) -fsanitize=fuzzer $(call scn_inc,board) -o $@ \
	  $(filter %.c %.o %.a,$^) \
	  -pthread $(MEM_WRAP) $(LIBS) -lpcap
# $(FZ)/fuzz_rx-fast: the same harness with coverage only (no ASan, no
# UBSan): about 3x the inputs per second (docs/benchmarks.md); a memory
# error shows only where lwIP or the sim notices it.
$(FZ)/fuzz_rx: FORCE
	@$(MAKE) --no-print-directory -j$(JOBS) B=$(FZ)/eng SAN=fuzz CC=clang \
	  OPT="-O1 -g" $(FZ)/eng/fuzz_rx
	@cp $(FZ)/eng/fuzz_rx $@
$(FZ)/fuzz_rx-fast: FORCE
	@$(MAKE) --no-print-directory -j$(JOBS) B=$(FZ)/eng-fast SAN=fuzz CC=clang \
	  OPT="-O1 -g" SANFLAGS="-fsanitize=fuzzer-no-link -fno-omit-frame-pointer" \
	  $(FZ)/eng-fast/fuzz_rx
	@cp $(FZ)/eng-fast/fuzz_rx $@
.PHONY: FORCE
FORCE:

FUZZ_SEED_SCNS := board_ping:default peer_ping_2000:default \
  peer_tcp_echo:default peer_http_get:default peer_udp_tftp:default
fuzz: all $(FZ)/fuzz_pcapio $(FZ)/fuzz_cli $(FZ)/fuzz_rx
	@mkdir -p $(FZ)/corpus/pcapio $(FZ)/corpus/cli $(FZ)/corpus/rx $(FZ)/seeds
	@for sv in $(FUZZ_SEED_SCNS); do \
	  $(B)/lwipsim run $${sv%%:*} --variant $${sv#*:} \
	    --pcap $(FZ)/seeds/$${sv%%:*}.pcapng >/dev/null 2>&1 || true; done
	@cp $(FZ)/seeds/*.pcapng $(FZ)/corpus/pcapio/
	@LWIPSIM_FUZZ_SEED_FROM="$$(echo $(FZ)/seeds/*.pcapng)" \
	  LWIPSIM_FUZZ_SEED_TO=$(FZ)/corpus/rx $(FZ)/fuzz_rx
	@printf 'run\0udp_loopback\0--seed\0007' >$(FZ)/corpus/cli/run
	@printf 'explore\0two\0--variant\0leak\0--runs\0003' >$(FZ)/corpus/cli/explore
	@for f in $(FUZZ_TARGETS); do \
	  echo "fuzz_$$f: $(FUZZ_SECONDS) s"; \
	  $(FZ)/fuzz_$$f $(FZ)/corpus/$$f -max_total_time=$(FUZZ_SECONDS) \
	    -rss_limit_mb=0 -artifact_prefix=$(FZ)/ -print_final_stats=1 \
	    >$(FZ)/$$f.log 2>&1; \
	  rc=$$?; grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec' $(FZ)/$$f.log; \
	  if [ $$rc != 0 ]; then grep -E 'ERROR|SUMMARY|fuzz_rx:' $(FZ)/$$f.log; \
	    echo "fuzz_$$f found a crash: see $(FZ)/$$f.log and $(FZ)/crash-*"; exit 1; fi; \
	done

bench: all switch-alt $(patsubst bench/%.c,$(B)/bench/%,$(wildcard bench/*.c)) \
    $(B)/bench/sched_bench-$(SIM_SWITCH_ALT) $(FZ)/fuzz_rx $(FZ)/fuzz_rx-fast
	@bench/run.sh $(B)

clean:
	rm -rf build

-include $(shell find $(B) -name '*.d' -type f -not -path '*/apt/*' -not -path '*/boards/*' 2>/dev/null)

# lwIP peer nodes: a second lwIP instance with its globals renamed.
-include peers/lwip/peer.mk
# The other switch backend's engines link the peer object too.
$(foreach p,$(PROFILES),$(eval $(SWALT)/engines/$(p)/lwipsim-engine: $(PEER_OBJ)))

# Free-running engines for benchmarks (same scenario code, OS scheduler).
-include bench/free.mk

# The MAC device's test; board projects (make BOARD=DIR).
include boards.mk
