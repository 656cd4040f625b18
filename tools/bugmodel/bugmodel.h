/*
 * bugmodel.h - the project's own bug-model patches for lwIP trees.
 *
 * Where a scenario needs a defect that the default tree has fixed, the
 * project carries a minimal patch of its own (a few lines, naming the
 * upstream bug), applied to a copy of the affected files for that profile's
 * engine only.  A model names the lwIP version that fixed the defect: a tree
 * older than that already has the defect and is used unpatched, so the same
 * scenario gives the same verdict against the real thing.
 *
 * A model file (contrib_port/bugs/<name>.bug):
 *
 *   # comments
 *   name select-waiting-leak
 *   summary one line
 *   upstream where upstream fixed it
 *   fixed-in 2.1.0
 *   file src/api/sockets.c
 *   @@ old
 *   ...exact lines of the tree...
 *   @@ new
 *   ...the lines that replace them...
 *   @@ end
 *
 * Each `old` block must occur exactly once in its file; otherwise the model
 * does not apply to that tree, which is an error (never a silent no-op).
 */
#ifndef LWIPSIM_BUGMODEL_H
#define LWIPSIM_BUGMODEL_H

#include <stddef.h>

typedef struct bugmodel bugmodel;

/* Parses a model file.  Returns 0, or -1 with a one-line message. */
int bugmodel_load(const char *path, bugmodel **out, char *err, size_t errlen);
void bugmodel_free(bugmodel *m);
const char *bugmodel_name(const bugmodel *m);
/* Number of files the model touches, and the i-th one ("src/api/x.c"). */
size_t bugmodel_nfiles(const bugmodel *m);
const char *bugmodel_file(const bugmodel *m, size_t i);

/* The lwIP version of a tree, from src/include/lwip/init.h. */
int bugmodel_tree_version(const char *tree, int ver[3], char *err,
                          size_t errlen);

enum {
  BUGMODEL_PATCHED = 0,    /* the files were patched */
  BUGMODEL_HAS_DEFECT = 1, /* the tree predates the fix: copied unchanged */
  BUGMODEL_ERROR = -1      /* does not apply; err says why */
};

/* Writes every file the model touches to outdir/<file> (patched, or
 * unchanged when the tree already has the defect).  Files are written
 * whole or not at all. */
int bugmodel_apply(const bugmodel *m, const char *tree, const char *outdir,
                   char *err, size_t errlen);

#endif
