# boards.mk - included by the Makefile: the MAC device's own unit test
# (and, below, board projects).  Kept apart so the Makefile's other edits
# merge easily.

# The MAC device and the wires need the core, not lwIP: built once.
MACDEV_OBJS := $(patsubst %,$(B)/obj/tapif-sim/%.o,macdev vwire wire pcapio)
$(B)/obj/tapif-sim/%.o: tapif/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(OUR_CFLAGS) -Isim -Itapif -c $< -o $@

$(B)/tests/test_macdev.o: tests/unit/test_macdev.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(TEST_CFLAGS) -Isim -Itapif $(TEST_INC) -c $< -o $@

$(B)/tests/test_macdev: $(B)/tests/test_macdev.o $(MACDEV_OBJS) $(LIBSIM)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka -lpcap $(LIBS)

# A NO_SYS=1 super-loop's wait for interrupt (sys_arch_wfi): the port
# under NO_SYS=1 with lwIP's timeouts alone (tests/unit/nosys_config/).
WFI_DIR := $(B)/tests/nosys
WFI_INC := -Isim -Icontrib_port/include -Itests/unit/nosys_config -I$(LWIP)/src/include
WFI_OBJS := $(patsubst %,$(WFI_DIR)/lwip/%.o,timeouts memp mem stats) \
  $(patsubst %,$(WFI_DIR)/%.o,sys_arch sys_arch_glue sys_arch_mem)
$(WFI_DIR)/lwip/%.o: $(LWIP)/src/core/%.c tests/unit/nosys_config/lwipopts.h $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(LWIP_CFLAGS) $(WFI_INC) -c $< -o $@
$(WFI_DIR)/%.o: contrib_port/%.c tests/unit/nosys_config/lwipopts.h $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(OUR_CFLAGS) $(WFI_INC) -c $< -o $@
$(B)/tests/test_wfi.o: tests/unit/test_wfi.c tests/unit/nosys_config/lwipopts.h $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(TEST_CFLAGS) $(WFI_INC) $(TEST_INC) -c $< -o $@
$(B)/tests/test_wfi: $(B)/tests/test_wfi.o $(WFI_OBJS) $(LIBSIM)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS)

# ------------------------------------------------------------------
# Board projects: make BOARD=DIR (several: BOARD="DIR1 DIR2").
#
# A board project is a directory outside this tree with a board.mk of
# plain make variables (docs/your-firmware.md):
#   BOARD_NAME      its name (default: the directory's name)
#   BOARD_PROFILES  PROFILE:DIR pairs, DIR (relative to the board) holding
#                   that profile's lwipopts.h (default: default:.)
#   BOARD_SRCS      the user's C sources (application, driver, port)
#   BOARD_INCLUDES  their include directories
#   BOARD_CFLAGS    their flags (no -Werror is added to the user's code)
#   BOARD_ENTRY     the board's entry, void NAME(void): what main does after
#                   hardware init (default: board_main)
#   BOARD_SCENARIOS scenario folders, each a desc.c and code, as
#                   scenarios/<name>/ in this tree
#   BOARD_RTOS      the RTOS API the user's code calls: freertos, or
#                   cmsis_rtos2 (CMSIS-RTOS2 on the FreeRTOS layer); both
#                   compile against the board's own FreeRTOSConfig.h, found
#                   on BOARD_INCLUDES, unmodified (docs/rtos-apis.md).
#                   Default: none (the user's code calls lwIP's sys_* API)
#   BOARD_PORT      lwipsim (default): lwIP's port is lwipsim's
#                   (contrib_port/sys_arch.c, arch/cc.h, arch/sys_arch.h);
#                   own: the board's own port replaces exactly those three:
#                   its sys_arch.c is in BOARD_SRCS and its arch/ on
#                   BOARD_INCLUDES (docs/your-firmware.md)
# Everything goes to $(B)/boards/<name>/: the board's front end `lwipsim`
# (what `lwipsim --board` runs) and engines/<profile>/lwipsim-engine.
# A bad project stops with one line "lwipsim: ..." and exit 2 before
# anything is written under $(B)/boards/<name>/.

BSCNLIB_SRCS := $(filter-out scenarios/lib/scn_serve.c,$(SCN_LIB_SRCS)) \
  $(wildcard scenarios/lib/board/*.c)
BOARD_VARS := NAME PROFILES SRCS INCLUDES CFLAGS ENTRY SCENARIOS RTOS PORT
board_fail = $(error lwipsim: $(1))
# The C compiler's errors go out as they are, then one line of ours.
# (the command stays outside the call: flags such as -fsanitize=a,b hold
# commas, which would split the call's arguments)
board_cc_fail = || { echo "lwipsim: board $(1): $(2) does not compile" >&2; exit 2; }

# Reads DIR/board.mk into BD_<name>_* and checks the project.
define BOARD_read
$(if $(wildcard $(1)/board.mk),,$(call board_fail,board $(1): no board.mk))
$(foreach v,$(BOARD_VARS),$(eval BOARD_$(v) :=))
include $(1)/board.mk
BN := $$(if $$(strip $$(BOARD_NAME)),$$(strip $$(BOARD_NAME)),$(notdir $(1)))
$$(if $$(filter $$(BN),$$(BOARD_NAMES)),$$(call board_fail,board $(1): name '$$(BN)' used by two boards))
BOARD_NAMES += $$(BN)
BD_$$(BN)_DIR := $(1)
BD_$$(BN)_PROFILES := $$(if $$(strip $$(BOARD_PROFILES)),$$(BOARD_PROFILES),default:.)
BD_$$(BN)_SRCS := $$(abspath $$(addprefix $(1)/,$$(BOARD_SRCS)))
BD_$$(BN)_INCLUDES := $$(abspath $$(addprefix $(1)/,$$(BOARD_INCLUDES)))
BD_$$(BN)_CFLAGS := $$(BOARD_CFLAGS)
BD_$$(BN)_ENTRY := $$(if $$(strip $$(BOARD_ENTRY)),$$(strip $$(BOARD_ENTRY)),board_main)
BD_$$(BN)_SCENARIOS := $$(abspath $$(addprefix $(1)/,$$(BOARD_SCENARIOS)))
BD_$$(BN)_RTOS := $$(strip $$(BOARD_RTOS))
BD_$$(BN)_PORT := $$(if $$(strip $$(BOARD_PORT)),$$(strip $$(BOARD_PORT)),lwipsim)
BD_$$(BN)_RTOS_CFG := $$(call BD_RTOS_CFG,$$(BN))
BD_$$(BN)_ARCH := $$(patsubst %/arch/sys_arch.h,%,$$(call BD_ARCH,$$(BN)))
$$(eval $$(call BOARD_check,$$(BN)))
endef

define BOARD_check
$(foreach p,$(BD_$(1)_PROFILES),\
  $(if $(wildcard $(BD_$(1)_DIR)/$(word 2,$(subst :, ,$(p)))/lwipopts.h),,\
    $(call board_fail,board $(1): profile '$(word 1,$(subst :, ,$(p)))': no lwipopts.h in $(BD_$(1)_DIR)/$(word 2,$(subst :, ,$(p))))))
$(foreach f,$(BD_$(1)_SRCS),$(if $(wildcard $(f)),,$(call board_fail,board $(1): no source $(f))))
$(foreach s,$(BD_$(1)_SCENARIOS),$(if $(wildcard $(s)/desc.c),,$(call board_fail,board $(1): scenario folder $(s) has no desc.c)))
$(foreach s,$(sort $(notdir $(BD_$(1)_SCENARIOS))),\
  $(if $(word 2,$(filter %/$(s),$(BD_$(1)_SCENARIOS))),\
    $(call board_fail,board $(1): scenario name '$(s)' used twice ($(filter %/$(s),$(BD_$(1)_SCENARIOS))))))
$(if $(BD_$(1)_SCENARIOS),,$(call board_fail,board $(1): no scenario (board.mk: BOARD_SCENARIOS)))
$(if $(filter-out freertos cmsis_rtos2,$(BD_$(1)_RTOS)),$(call board_fail,board $(1): BOARD_RTOS '$(BD_$(1)_RTOS)': freertos or cmsis_rtos2))
$(if $(BD_$(1)_RTOS),$(if $(BD_$(1)_RTOS_CFG),,$(call board_fail,board $(1): BOARD_RTOS $(BD_$(1)_RTOS): no FreeRTOSConfig.h on BOARD_INCLUDES)))
$(if $(filter-out lwipsim own,$(BD_$(1)_PORT)),$(call board_fail,board $(1): BOARD_PORT '$(BD_$(1)_PORT)': lwipsim or own))
$(if $(filter own,$(BD_$(1)_PORT)),$(if $(BD_$(1)_ARCH),,$(call board_fail,board $(1): BOARD_PORT own: no arch/cc.h and arch/sys_arch.h in one BOARD_INCLUDES directory)))
endef
# The board's FreeRTOSConfig.h and its own port's arch/ directory.
BD_RTOS_CFG = $(firstword $(foreach d,$(BD_$(1)_INCLUDES),$(wildcard $(d)/FreeRTOSConfig.h)))
BD_ARCH = $(firstword $(foreach d,$(BD_$(1)_INCLUDES),$(if $(wildcard $(d)/arch/cc.h),$(wildcard $(d)/arch/sys_arch.h))))

# Compiles and links one board: front end, descriptors, engines.
define BOARD_template
BB_$(1) := $(B)/boards/$(1)
# Built from another directory before: start afresh (its dependency files
# name the other directory's sources).
$$(shell [ "$$$$(cat $$(BB_$(1))/board-dir.txt 2>/dev/null)" = "$(BD_$(1)_DIR)" ] || \
  { rm -rf $$(BB_$(1)); mkdir -p $$(BB_$(1)); echo "$(BD_$(1)_DIR)" > $$(BB_$(1))/board-dir.txt; })
-include $$(shell find $$(BB_$(1)) -name '*.d' -type f 2>/dev/null)
BD_$(1)_PNAMES := $$(foreach p,$$(BD_$(1)_PROFILES),$$(word 1,$$(subst :, ,$$(p))))
BD_$(1)_SCNS := $$(notdir $$(BD_$(1)_SCENARIOS))
BD_$(1)_DESC_OBJS := $$(patsubst %,$$(BB_$(1))/desc/%.o,$$(BD_$(1)_SCNS)) $$(BB_$(1))/desc/catalog.o
BOARD_FRONTENDS += $$(BB_$(1))/lwipsim
# BOARD_RTOS: the FreeRTOS layer (and CMSIS-RTOS2 on it) compiled with the
# board's FreeRTOSConfig.h, once per board.
BD_$(1)_RTOS_SRCS := $(if $(BD_$(1)_RTOS),$(RTOS_FR_SRCS) $(if $(filter cmsis_rtos2,$(BD_$(1)_RTOS)),$(RTOS_CMSIS_SRCS)))
BD_$(1)_RTOS_OBJS := $$(patsubst rtos/%.c,$$(BB_$(1))/rtos/%.o,$$(BD_$(1)_RTOS_SRCS))
BD_$(1)_RTOS_INC := $(if $(BD_$(1)_RTOS)$(filter own,$(BD_$(1)_PORT)),-Irtos/freertos -Irtos/cmsis_rtos2)
$$(BB_$(1))/rtos/%.o: rtos/%.c $(BD_$(1)_RTOS_CFG)
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(OUR_CFLAGS) -Isim -Irtos/freertos -Irtos/cmsis_rtos2 $(addprefix -I,$(BD_$(1)_INCLUDES)) -c $$< -o $$@ $$(call board_cc_fail,$(1),$$<)

$$(BB_$(1))/gen/catalog.c:
	@mkdir -p $$(@D)
	@{ echo '/* generated: the scenarios of board $(1) */'; \
	   echo '#include "sim_catalog.h"'; \
	   for s in $$(BD_$(1)_SCNS); do echo "extern const sim_scenario scn_$$$${s}_desc;"; done; \
	   echo 'static const sim_scenario *const scn_all[] = {'; \
	   for s in $$(BD_$(1)_SCNS); do echo "  &scn_$$$${s}_desc,"; done; \
	   echo '};'; \
	   echo 'const sim_catalog scn_catalog = {scn_all, sizeof scn_all / sizeof scn_all[0]};'; \
	} > $$@.tmp && mv $$@.tmp $$@

$$(BB_$(1))/desc/catalog.o: $$(BB_$(1))/gen/catalog.c
	$$(call say,CC,$$@)$(CC) $(OUR_CFLAGS) -Isim -c $$< -o $$@

$(foreach s,$(BD_$(1)_SCENARIOS),
$$(BB_$(1))/desc/$(notdir $(s)).o: $(s)/desc.c
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(filter-out -Werror,$(OUR_CFLAGS)) -Isim -c $$< -o $$@ $$(call board_cc_fail,$(1),$$<)
)

# What each scenario's variants name: the engines it goes into.
$$(BB_$(1))/lister: cli/lister/lister.c $$(BD_$(1)_DESC_OBJS) $(B)/obj/sim/catalog.o
	$$(call say,LD,$$@)$(CC) $(OUR_CFLAGS) -Isim -o $$@ $$^ $(SANFLAGS)

$$(BB_$(1))/scenarios.mk: $$(BB_$(1))/lister $(BD_$(1)_DIR)/board.mk
	$$(call say,GEN,$$@)$$(BB_$(1))/lister $(1) $$(BD_$(1)_PNAMES) > $$@.list && \
	  { for p in $$(BD_$(1)_PNAMES); do \
	      echo "BD_$(1)_SCNS_$$$$p := $$$$(awk -v p=$$$$p '$$$$2 == p {print $$$$1}' $$@.list | sort -u | tr '\n' ' ')"; \
	    done; } > $$@.tmp && mv $$@.tmp $$@; rc=$$$$?; rm -f $$@.list; exit $$$$rc

include $$(BB_$(1))/scenarios.mk

$$(BB_$(1))/obj/cli/main.o: cli/main.c
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(OUR_CFLAGS) -Isim -Iproto -Icli -Itapif -Icontrib_port/include \
	  -DLWIPSIM_BOARD='"$(1)"' -c $$< -o $$@

$$(BB_$(1))/lwipsim: $$(BB_$(1))/obj/cli/main.o $(filter-out $(B)/obj/cli/main.o,$(patsubst cli/%.c,$(B)/obj/cli/%.o,$(CLI_SRCS))) \
    $(B)/obj/cli/version.o $(B)/obj/tapif/pcapio.o $$(BD_$(1)_DESC_OBJS) $(LIBPROTO) $(LIBSIM) \
    $$(foreach p,$$(BD_$(1)_PNAMES),$$(BB_$(1))/engines/$$(p)/lwipsim-engine)
	$$(call say,LD,$$@)$(CC) $(LDFLAGS_ALL) -o $$@.tmp $$(filter %.o %.a,$$^) $(LIBS) -lpcap && mv $$@.tmp $$@

$$(foreach p,$$(BD_$(1)_PROFILES),$$(eval $$(call BOARD_ENGINE_template,$(1),$$(word 1,$$(subst :, ,$$(p))),$$(word 2,$$(subst :, ,$$(p))))))
endef

# One engine of board $(1), profile $(2), lwipopts in $(BD_$(1)_DIR)/$(3).
define BOARD_ENGINE_template
BE_$(1)_$(2) := $$(BB_$(1))/engines/$(2)
BOPTS_$(1)_$(2) := $$(abspath $(BD_$(1)_DIR)/$(3))
# BOARD_PORT own: the wrapper's directory (its arch/ shims of the board's
# arch/ headers) before lwipsim's arch/; the board's RTOS headers last.
binc_$(1)_$(2) := -Isim $(if $(filter own,$(BD_$(1)_PORT)),-I$$(BE_$(1)_$(2))/opts) -Icontrib_port/include -I$$(BE_$(1)_$(2))/opts -I$$(BOPTS_$(1)_$(2)) -I$(LWIP)/src/include \
  $$(if $$(BD_$(1)_RTOS_INC),$$(BD_$(1)_RTOS_INC) $$(addprefix -I,$(BD_$(1)_INCLUDES)))
bscn_inc_$(1)_$(2) := $$(binc_$(1)_$(2)) -Itapif -Ipeers/frame -Iscenarios/lib -Ipeers/lwip
# The user's code: their includes first (after the wrapper), their flags.
buser_inc_$(1)_$(2) := -I$$(BE_$(1)_$(2))/opts $$(BD_$(1)_RTOS_INC) $$(addprefix -I,$(BD_$(1)_INCLUDES)) $$(bscn_inc_$(1)_$(2))

BUSER_OBJS_$(1)_$(2) := $$(foreach f,$(BD_$(1)_SRCS),$$(BE_$(1)_$(2))/user/$$(notdir $$(basename $$(f)))-$$(shell printf '%s' '$$(f)' | cksum | cut -c1-6).o)

$$(BE_$(1)_$(2))/opts/lwipopts.h: $$(BOPTS_$(1)_$(2))/lwipopts.h contrib_port/board-lwipopts.sh \
    $(if $(filter own,$(BD_$(1)_PORT)),contrib_port/board-arch.sh $(BD_$(1)_ARCH)/arch/cc.h)
	@mkdir -p $$(@D)
	$$(call say,GEN,$$@)contrib_port/board-lwipopts.sh $(1) $(2) $$< $$@ $(CC) \
	  $$(BD_$(1)_RTOS_INC) $$(addprefix -I,$(BD_$(1)_INCLUDES)) -I$$(BOPTS_$(1)_$(2)) -Icontrib_port/include -Isim -I$(LWIP)/src/include
	@$(if $(filter own,$(BD_$(1)_PORT)),contrib_port/board-arch.sh $(1) $(2) $(BD_$(1)_ARCH)/arch $$(@D)/arch $(CC) \
	  -I$$(@D) $$(BD_$(1)_RTOS_INC) $$(addprefix -I,$(BD_$(1)_INCLUDES)) -Icontrib_port/include -Isim -I$(LWIP)/src/include)

BLWIP_OBJS_$(1)_$(2) := $$(patsubst $(LWIP)/src/%.c,$$(BE_$(1)_$(2))/lwip/%.o,$(LWIP_SRCS))
# After the user's sources (order only): their compile errors come first.
$$(BE_$(1)_$(2))/lwip/%.o: $(LWIP)/src/%.c $$(BE_$(1)_$(2))/opts/lwipopts.h | $(LWIP_FETCH) $$(BUSER_OBJS_$(1)_$(2))
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(LWIP_CFLAGS) $$(binc_$(1)_$(2)) -c $$< -o $$@
$$(BE_$(1)_$(2))/liblwip.a: $$(BLWIP_OBJS_$(1)_$(2))
	@rm -f $$@
	$$(call say,AR,$$@)ar rcs $$@ $$^

$$(BE_$(1)_$(2))/port/%.o: contrib_port/%.c $$(BE_$(1)_$(2))/opts/lwipopts.h
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(OUR_CFLAGS) $$(binc_$(1)_$(2)) -c $$< -o $$@
# tapif for a board: the reference driver (emac.c) needs NO_SYS=0; a file
# that does not compile under the user's options is left out, one line.
$$(BE_$(1)_$(2))/libtapif.a: $(TAPIF_SRCS) $$(BE_$(1)_$(2))/opts/lwipopts.h
	@mkdir -p $$(@D)/tapif
	$$(call say,AR,$$@)rm -f $$@; objs=; for f in $(TAPIF_SRCS); do \
	  o=$$(@D)/tapif/$$$$(basename $$$$f .c).o; \
	  if $(CC) $(OUR_CFLAGS) $$(binc_$(1)_$(2)) -Itapif -c $$$$f -o $$$$o 2>$$$$o.err; then \
	    objs="$$$$objs $$$$o"; else \
	    echo "lwipsim: board $(1) profile $(2): $$$$f left out (it needs lwIP options this board does not set)" >&2; fi; \
	  rm -f $$$$o.err; done; ar rcs $$@.tmp $$$$objs && mv $$@.tmp $$@
$$(BE_$(1)_$(2))/peers/%.o: peers/%.c $$(BE_$(1)_$(2))/opts/lwipopts.h
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(OUR_CFLAGS) $$(binc_$(1)_$(2)) -Itapif -Ipeers/frame -c $$< -o $$@
# scenarios/lib for a board: the helpers its options allow.  A helper
# that does not compile under the user's lwipopts.h (sockets off, say) is
# left out, one line each; serve's services are the board's own firmware
# (scenarios/lib/board/), not scn_serve.c's.
$$(BE_$(1)_$(2))/libscn.a: $(BSCNLIB_SRCS) $$(BE_$(1)_$(2))/opts/lwipopts.h
	@mkdir -p $$(@D)/scnlib
	$$(call say,AR,$$@)rm -f $$@; objs=; for f in $(BSCNLIB_SRCS); do \
	  o=$$(@D)/scnlib/$$$$(basename $$$$f .c).o; \
	  if $(CC) $(OUR_CFLAGS) $$(bscn_inc_$(1)_$(2)) -c $$$$f -o $$$$o 2>$$$$o.err; then \
	    objs="$$$$objs $$$$o"; else case $$$$f in scenarios/lib/board/*) cat $$$$o.err >&2; exit 2;; esac; \
	    echo "lwipsim: board $(1) profile $(2): $$$$f left out (it needs lwIP options this board does not set)" >&2; fi; \
	  rm -f $$$$o.err; done; ar rcs $$@.tmp $$$$objs && mv $$@.tmp $$@

$$(BE_$(1)_$(2))/engine/%.o: engine/%.c $$(BE_$(1)_$(2))/opts/lwipopts.h
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) $(OUR_CFLAGS) $$(bscn_inc_$(1)_$(2)) -Iproto -Iengine -c $$< -o $$@

# The user's sources and scenarios: compiled from where they are.
$$(foreach f,$(BD_$(1)_SRCS),$$(eval $$(call BOARD_USER_template,$(1),$(2),$$(f),$$(BE_$(1)_$(2))/user/$$(notdir $$(basename $$(f)))-$$(shell printf '%s' '$$(f)' | cksum | cut -c1-6).o)))
BSCN_SRCS_$(1)_$(2) := $$(foreach s,$$(BD_$(1)_SCNS_$(2)),$$(filter-out %/desc.c,$$(wildcard $$(filter %/$$(s),$(BD_$(1)_SCENARIOS))/*.c)))
BSCN_OBJS_$(1)_$(2) := $$(foreach f,$$(BSCN_SRCS_$(1)_$(2)),$$(BE_$(1)_$(2))/scn/$$(notdir $$(patsubst %/,%,$$(dir $$(f))))/$$(notdir $$(basename $$(f))).o)
$$(foreach f,$$(BSCN_SRCS_$(1)_$(2)),$$(eval $$(call BOARD_USER_template,$(1),$(2),$$(f),$$(BE_$(1)_$(2))/scn/$$(notdir $$(patsubst %/,%,$$(dir $$(f))))/$$(notdir $$(basename $$(f))).o)))

$$(BE_$(1)_$(2))/gen/impls.c: $$(BB_$(1))/scenarios.mk
	@mkdir -p $$(@D)
	@{ echo '/* generated: the scenarios of board $(1), profile $(2) */'; \
	   echo '#include <string.h>'; \
	   echo '#include "scn_registry.h"'; \
	   for s in $$(BD_$(1)_SCNS_$(2)); do echo "extern const scn_impl scn_$$$${s}_impl;"; done; \
	   echo 'const scn_impl *const scn_impls[] = {'; \
	   for s in $$(BD_$(1)_SCNS_$(2)); do echo "  &scn_$$$${s}_impl,"; done; \
	   echo '  NULL};'; \
	   echo 'const scn_impl *scn_registry_impl(const char *name)'; \
	   echo '{'; \
	   echo '  for (int i = 0; scn_impls[i]; i++)'; \
	   echo '    if (strcmp(scn_impls[i]->name, name) == 0)'; \
	   echo '      return scn_impls[i];'; \
	   echo '  return NULL;'; \
	   echo '}'; \
	   echo '/* the board entry (board.mk: BOARD_ENTRY) */'; \
	   echo 'void $(BD_$(1)_ENTRY)(void);'; \
	   echo 'void scn_board_entry(void);'; \
	   echo 'void scn_board_entry(void) { $(BD_$(1)_ENTRY)(); }'; \
	} > $$@.tmp && mv $$@.tmp $$@
$$(BE_$(1)_$(2))/gen/impls.o: $$(BE_$(1)_$(2))/gen/impls.c
	$$(call say,CC,$$@)$(CC) $(OUR_CFLAGS) -Isim -Iscenarios/lib -c $$< -o $$@

BENGINE_LINK_$(1)_$(2) := \
  $$(patsubst engine/%.c,$$(BE_$(1)_$(2))/engine/%.o,$(ENGINE_SRCS)) $(REPORT_OBJ) \
  $$(BSCN_OBJS_$(1)_$(2)) $$(BE_$(1)_$(2))/gen/impls.o $$(BD_$(1)_DESC_OBJS) \
  $$(BUSER_OBJS_$(1)_$(2)) \
  $$(BE_$(1)_$(2))/libscn.a \
  $$(patsubst peers/%.c,$$(BE_$(1)_$(2))/peers/%.o,$(PEERS_SRCS)) \
  $$(BE_$(1)_$(2))/libtapif.a \
  $$(patsubst contrib_port/%.c,$$(BE_$(1)_$(2))/port/%.o,$(filter-out $(if $(filter own,$(BD_$(1)_PORT)),contrib_port/sys_arch.c),$(PORT_SRCS))) \
  $$(BE_$(1)_$(2))/liblwip.a $$(BD_$(1)_RTOS_OBJS) $(PEER_OBJ) $(LIBPROTO) $(LIBSIM)

$$(BE_$(1)_$(2))/lwipsim-engine: $$(BENGINE_LINK_$(1)_$(2))
	$$(call say,LD,$$@)$(CC) $(LDFLAGS_ALL) -o $$@.tmp $$^ $(LIBS) -lpcap && mv $$@.tmp $$@
endef

# A NO_SYS=1 profile (the wrapper says so, from the user's lwipopts.h)
# gives the user's code sys_arch_nosys.h: __WFI() and friends.
define BOARD_USER_template
$(4): $(3) $$(BE_$(1)_$(2))/opts/lwipopts.h
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)$(CC) -std=gnu11 $(OPT) -MMD -MP $(SANFLAGS) $$(buser_inc_$(1)_$(2)) \
	  $$$$(grep -q '^#define LWIPSIM_BOARD_NO_SYS 1' $$(BE_$(1)_$(2))/opts/lwipopts.h && echo -include sys_arch_nosys.h) \
	  $(BD_$(1)_CFLAGS) -c $$< -o $$@ $$(call board_cc_fail,$(1),$$<)
endef

ifneq ($(strip $(BOARD)),)
# Simply expanded, so that += appends each board's name, not $(BN).
BOARD_NAMES :=
$(foreach d,$(BOARD),$(eval $(call BOARD_read,$(abspath $(d)))))
$(foreach n,$(BOARD_NAMES),$(eval $(call BOARD_template,$(n))))
all: $(BOARD_FRONTENDS)
endif
