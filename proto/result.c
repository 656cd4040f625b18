/*
 * result.c - the part of the result (result.h) both programs write: the
 * text form's two last lines, by the engine after a run and by the front
 * end for an engine that died before it could.
 */
#include "result.h"

void proto_result_tail(FILE *f, const char *verdict, const char *expected,
                       const char *message, const char *digest)
{
  fprintf(f, "verdict: %s expected: %s %s\n", verdict, expected, message);
  fprintf(f, PROTO_LINE_DIGEST "%s\n", digest);
}
