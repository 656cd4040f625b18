# bench/free.mk - the free-running engine, included by the Makefile.
#
# libsim-free.a is sim/ with the deterministic scheduler, objects and clock
# (sched.c, sync.c, clock.c) replaced by the free-running backend of
# sim/free/ (every sim thread a plain pthread under the OS scheduler, real
# time); the trace, PRNG and catalogue objects are the same ones.
# lwipsim-engine-free links exactly the objects of a profile's engine
# against it, so the bench scripts can run the same scenario code with and
# without the deterministic core: bug-select-leak for select_close_race
# (select_close_race.sh), board-rtosheap for isr_pbuf_free and
# board-semthread for port_reentrancy (narrow_windows.sh, P1's narrow
# windows).  `make bench` builds them; `make all` does not.

FREE_PROFILES := bug-select-leak board-rtosheap board-semthread
FREE_SRCS := $(wildcard sim/free/*.c)
FREE_OBJS := $(patsubst sim/free/%.c,$(B)/obj/sim-free/%.o,$(FREE_SRCS))
FREE_SIM_OBJS := $(filter-out $(B)/obj/sim/sched.o $(B)/obj/sim/sync.o \
  $(B)/obj/sim/clock.o,$(SIM_OBJS))
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
