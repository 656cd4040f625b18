# peers/lwip/peer.mk - lwIP peer nodes, included by the Makefile.
#
# A peer node is a second, complete lwIP instance in every engine, built
# from the same tree ($(LWIP)) with the PC-class options of
# peers/lwip/lwipopts.h.  Both instances define the same globals
# (tcp_input, lwip_stats, sys_now...), so the peer's are renamed:
#
#   1. compile the peer's lwIP (core, ipv4, api, netif/ethernet.c), its own
#      copy of the port (contrib_port/sys_arch.c, sys_arch_glue.c) and the node with its
#      apps (peers/lwip/*.c), all with -fno-common (a COMMON symbol
#      would silently merge with the board's) and -fno-lto (objcopy cannot
#      rename in LTO objects);
#   2. `ld -r` them into one object, $(B)/peer/peer-unrenamed.o;
#   3. read the globals it defines with `nm -g --defined-only` and rename
#      each to peer_<name> with `objcopy --redefine-syms` (peer_syms.sh
#      rename): $(B)/peer/peer.o, with the map next to it.  The API of
#      peer.h is named peer_* in the source and keeps its names;
#   4. for every engine, check peer.o against that engine's board side
#      (peer_syms.sh check): no global defined twice, and nothing taken
#      from the board side but the sim and wire API of PEER_ALLOW.  The
#      engine links only once its check passed ($(E)/peer-check.txt).
#
# The peer object reaches each engine's link as one more prerequisite of
# the engine's rule: the Makefile links with $^, which lists it after
# the core library.  The sim functions it calls are all used by the board's port
# as well, so their archive members are loaded by then; were one not, the
# link would fail, not misbind.  (The board's httpd and lwiperf come with
# the Makefile's lwIP sources.)

PEER_SRC := peers/lwip
PB := $(B)/peer
PEER_OBJ := $(PB)/peer.o
PEER_SYMS := $(PEER_SRC)/peer_syms.sh
# What the peer object may take from the board side of an engine.
PEER_ALLOW := sim_* tapif_* pcapio_*

PEER_LWIP_SRCS := $(sort $(wildcard $(LWIP)/src/core/*.c \
  $(LWIP)/src/core/ipv4/*.c $(LWIP)/src/api/*.c)) $(LWIP)/src/netif/ethernet.c
PEER_INC := -Isim -Icontrib_port/include -I$(PEER_SRC) -I$(LWIP)/src/include
PEER_FLAGS := -fno-common -fno-lto

PEER_OBJS := $(patsubst $(LWIP)/src/%.c,$(PB)/lwip/%.o,$(PEER_LWIP_SRCS)) \
  $(PB)/port/sys_arch.o $(PB)/port/sys_arch_glue.o \
  $(patsubst $(PEER_SRC)/%.c,$(PB)/node/%.o,$(wildcard $(PEER_SRC)/*.c))

$(PB)/lwip/%.o: $(LWIP)/src/%.c $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(LWIP_CFLAGS) $(PEER_FLAGS) $(PEER_INC) -c $< -o $@

$(PB)/port/%.o: contrib_port/%.c $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(OUR_CFLAGS) $(PEER_FLAGS) $(PEER_INC) -c $< -o $@

$(PB)/node/%.o: $(PEER_SRC)/%.c $(LWIP_TREE_STAMP) | $(LWIP_FETCH)
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(OUR_CFLAGS) $(PEER_FLAGS) $(PEER_INC) -c $< -o $@

$(PB)/peer-unrenamed.o: $(PEER_OBJS)
	$(call say,LD,$@)ld -r -o $@ $^

$(PEER_OBJ): $(PB)/peer-unrenamed.o $(PEER_SYMS)
	$(call say,RENAME,$@)$(PEER_SYMS) rename $< $@ $(PB)/peer-syms.map

define PEER_ENGINE_template
$(E_$(1))/peer-check.txt: $(PEER_OBJ) $(PEER_SYMS) $(ENGINE_LINK_$(1)) $(LIBSIM)
	$$(call say,CHECK,$$@)$(PEER_SYMS) check $(PEER_OBJ) $$@ "$(PEER_ALLOW)" \
	  $$(filter-out $(PEER_OBJ) $(PEER_SYMS),$$^)

$(E_$(1))/lwipsim-engine $(E_$(1))/lwipsim-engine-free: $(PEER_OBJ) \
    | $(E_$(1))/peer-check.txt
endef

$(foreach p,$(PROFILES),$(eval $(call PEER_ENGINE_template,$(p))))

