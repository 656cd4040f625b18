# bench/free.mk - the free-running engine, included by the Makefile.
#
# libsim-free.a is sim/ with the deterministic backend's own files
# (sched.c, sync.c, clock.c: SIM_DET_ONLY) replaced by the free-running
# backend of sim/free/ (every sim thread a plain pthread under the OS
# scheduler, real time).  Every other object of sim/ -- the trace, the
# PRNG, the catalogue, and the pieces both backends share: the object
# header (obj.c), the interrupt table (irq.c), bookkeeping memory (mem.c)
# -- is the very object the Makefile builds for libsim.a, so it has one
# source and is compiled once.
# lwipsim-engine-free links exactly the objects of a profile's engine
# against it, so the bench scripts can run the same scenario code with and
# without the deterministic core: bug-select-leak for select_close_race
# (select_close_race.sh), board-rtosheap for isr_pbuf_free and
# board-semthread for port_reentrancy (narrow_windows.sh, P1's narrow
# windows).  `make bench` builds them; `make all` does not.

FREE_PROFILES := bug-select-leak board-rtosheap board-semthread
FREE_SRCS := $(wildcard sim/free/*.c)
FREE_OBJS := $(patsubst sim/free/%.c,$(B)/obj/sim-free/%.o,$(FREE_SRCS))
SIM_DET_ONLY := sched sync clock
FREE_SIM_OBJS := $(filter-out $(SIM_DET_ONLY:%=$(B)/obj/sim/%.o),$(SIM_OBJS))
LIBSIM_FREE := $(B)/obj/libsim-free.a

$(B)/obj/sim-free/%.o: sim/free/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)$(CC) $(OUR_CFLAGS) -Isim -Isim/free -c $< -o $@

$(LIBSIM_FREE): $(FREE_SIM_OBJS) $(FREE_OBJS)

# The same objects as the profile's lwipsim-engine (the Makefile's
# ENGINE_LINK_<profile>), on the free-running core (the peer object comes
# from peer.mk, which names both engines).
define FREE_ENGINE_template
$$(E_$(1))/lwipsim-engine-free: $$(ENGINE_LINK_$(1)) $(LIBSIM_FREE)
	$$(call say,LD,$$@)$(CC) $(LDFLAGS_ALL) -o $$@ $$^ $(LIBS) -lpcap

FREE_ENGINES += $$(E_$(1))/lwipsim-engine-free
endef
$(foreach p,$(FREE_PROFILES),$(eval $(call FREE_ENGINE_template,$(p))))

bench: $(FREE_ENGINES)

# Its unit tests (tests/unit/test_free.c) run with the others in make test.
$(B)/tests/test_free: $(B)/tests/test_free.o $(LIBSIM_FREE)
	$(call say,LD,$@)$(CC) $(LDFLAGS_ALL) -o $@ $^ -lcmocka $(LIBS)
