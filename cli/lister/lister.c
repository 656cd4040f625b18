/*
 * lister.c - prints what a board project's scenario descriptors declare,
 * for the build: one line "SCENARIO PROFILE" per variant (the engines each
 * scenario goes into).  Linked with the board's descriptors and a
 * generated catalogue; read from the compiled descriptors, so a profile
 * given through a macro counts as one given as a literal.
 *
 *   lister BOARD PROFILE...   the profiles the board declares
 *
 * A variant naming a profile the board does not declare, a scenario name
 * used twice or a scenario without variants is one line on stderr
 * ("lwipsim: board BOARD: ...") and exit 2.
 */
#include <stdio.h>
#include <string.h>

#include "sim_catalog.h"

extern const sim_catalog scn_catalog;

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "lwipsim: usage: lister BOARD PROFILE...\n");
    return 2;
  }
  const char *board = argv[1];
  const sim_catalog *c = &scn_catalog;
  for (size_t i = 0; i < c->n; i++) {
    const sim_scenario *s = c->scenarios[i];
    for (size_t j = 0; j < i; j++)
      if (strcmp(c->scenarios[j]->name, s->name) == 0) {
        fprintf(stderr, "lwipsim: board %s: scenario name '%s' used twice\n",
                board, s->name);
        return 2;
      }
    if (s->nvariants == 0) {
      fprintf(stderr, "lwipsim: board %s: scenario '%s' has no variant\n",
              board, s->name);
      return 2;
    }
    for (size_t v = 0; v < s->nvariants; v++) {
      const char *p = s->variants[v].profile;
      int k = 2;
      while (k < argc && (!p || strcmp(argv[k], p) != 0))
        k++;
      if (k == argc) {
        fprintf(stderr, "lwipsim: board %s: scenario '%s' variant '%s' names "
                "profile '%s', which has no lwipopts (board.mk: "
                "BOARD_PROFILES)\n", board, s->name, s->variants[v].name,
                p ? p : "(none)");
        return 2;
      }
      for (size_t w = 0; w < v; w++)
        if (strcmp(s->variants[w].name, s->variants[v].name) == 0) {
          fprintf(stderr, "lwipsim: board %s: scenario '%s' has variant "
                  "'%s' twice\n", board, s->name, s->variants[v].name);
          return 2;
        }
      printf("%s %s\n", s->name, p);
    }
  }
  return 0;
}
