# bench/free.mk - the free-running engine, included by the Makefile.
#
# libsim-free.a is sim/ with the deterministic scheduler, objects and clock
# (sched.c, sync.c, clock.c) replaced by the free-running backend of
# sim/free/ (every sim thread a plain pthread under the OS scheduler, real
# time); the trace, PRNG, catalogue and CLI objects are the same ones.
# lwipsim-engine-free links exactly the objects of the bug-select-leak
# engine against it, so bench/select_close_race.sh can run the same
# scenario code with and without the deterministic core.  `make bench`
# builds it; `make all` does not.

FREE_PROFILE := bug-select-leak
FREE_SRCS := $(wildcard sim/free/*.c)
FREE_OBJS := $(patsubst sim/free/%.c,$(B)/obj/sim-free/%.o,$(FREE_SRCS))
FREE_SIM_OBJS := $(filter-out $(B)/obj/sim/sched.o $(B)/obj/sim/sync.o \
  $(B)/obj/sim/clock.o,$(SIM_OBJS))
LIBSIM_FREE := $(B)/obj/libsim-free.a
ENGINE_FREE := $(E_$(FREE_PROFILE))/lwipsim-engine-free

$(B)/obj/sim-free/%.o: sim/free/%.c
	@mkdir -p $(@D)
	$(CC) $(OUR_CFLAGS) -Isim -Isim/free -c $< -o $@

$(LIBSIM_FREE): $(FREE_SIM_OBJS) $(FREE_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The prerequisites and libraries mirror the lwipsim-engine rule of the
# Makefile's ENGINE_template (with tapif/ once the Makefile has it); a
# change there must be repeated here.
FREE_TAPIF_OBJS := $(TAPIF_OBJS_$(FREE_PROFILE))
FREE_LIBS := $(LIBS) $(if $(FREE_TAPIF_OBJS),-lpcap)

$(ENGINE_FREE): $(SCN_OBJS_$(FREE_PROFILE)) $(B)/obj/gen/scn_impls.o \
    $(DESC_OBJS) $(FREE_TAPIF_OBJS) $(PORT_OBJS_$(FREE_PROFILE)) \
    $(E_$(FREE_PROFILE))/liblwip.a $(LIBSIM_FREE)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(FREE_LIBS)

bench: $(ENGINE_FREE)
