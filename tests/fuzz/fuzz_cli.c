/*
 * fuzz_cli.c - libFuzzer harness for the command line parser shared by the
 * front end and the engines: the input, split at NUL bytes, is argv.
 * Parsing must never crash; an error must be one line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim_catalog.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const sim_variant fz_one[] = {
    {.name = "default", .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED, .policy = SIM_POLICY_RTOS}};
static const sim_variant fz_two[] = {
    {.name = "leak", .profile = "bug", .expected = SIM_VERDICT_REPRODUCED,
     .policy = SIM_POLICY_SCRIPT},
    {.name = "fixed", .profile = "board",
     .expected = SIM_VERDICT_NOT_REPRODUCED, .policy = SIM_POLICY_SCRIPT}};
static const sim_scenario fz_s1 = {"one", "s", "r", fz_one, 1};
static const sim_scenario fz_s2 = {"two", "s", "r", fz_two, 2};
static const sim_scenario *const fz_all[] = {&fz_s1, &fz_s2};
static const sim_catalog fz_cat = {fz_all, 2};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size > 4096)
    return 0;
  char *buf = malloc(size + 1);
  if (!buf)
    return 0;
  memcpy(buf, data, size);
  buf[size] = 0;
  char *argv[64];
  int argc = 0;
  argv[argc++] = "lwipsim";
  for (size_t i = 0; i <= size && argc < 63;) {
    argv[argc++] = buf + i;
    i += strlen(buf + i) + 1;
  }
  argv[argc] = NULL;
  proto_opts o;
  char err[512];
  if (proto_parse(argc, argv, &fz_cat, &o, err, sizeof err) != 0 &&
      strchr(err, '\n'))
    abort(); /* an error is one line */
  free(buf);
  return 0;
}
