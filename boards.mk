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
