/*
 * main.c - `lwipsim-bugmodel MODEL.bug TREE OUTDIR`: the build step that
 * gives a bug-model profile its copy of the affected lwIP files.  One line
 * on stderr either way; exit 2 when the model does not apply.
 */
#include <stdio.h>

#include "bugmodel.h"

int main(int argc, char **argv)
{
  if (argc != 4) {
    fprintf(stderr, "lwipsim: usage: lwipsim-bugmodel MODEL.bug TREE "
                    "OUTDIR\n");
    return 2;
  }
  char err[1024];
  bugmodel *m;
  if (bugmodel_load(argv[1], &m, err, sizeof err) != 0) {
    fprintf(stderr, "lwipsim: %s\n", err);
    return 2;
  }
  int ver[3] = {0, 0, 0};
  int rc = bugmodel_apply(m, argv[2], argv[3], err, sizeof err);
  if (rc != BUGMODEL_ERROR)
    bugmodel_tree_version(argv[2], ver, err, sizeof err);
  if (rc == BUGMODEL_PATCHED)
    fprintf(stderr, "lwipsim: bug model %s applied to lwIP %d.%d.%d\n",
            bugmodel_name(m), ver[0], ver[1], ver[2]);
  else if (rc == BUGMODEL_HAS_DEFECT)
    fprintf(stderr,
            "lwipsim: lwIP %d.%d.%d already has %s: used unpatched\n",
            ver[0], ver[1], ver[2], bugmodel_name(m));
  else
    fprintf(stderr, "lwipsim: %s\n", err);
  bugmodel_free(m);
  return rc == BUGMODEL_ERROR ? 2 : 0;
}
