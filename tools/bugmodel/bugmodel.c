/*
 * bugmodel.c - parse a bug model and apply it to a copy of an lwIP tree's
 * files (see bugmodel.h for the format and the rules).
 *
 * Files are read whole; every hunk is located before anything is written,
 * and each output file goes to a temporary name first and is renamed into
 * place, so a model that does not apply leaves nothing behind.
 */
#define _GNU_SOURCE
#include "bugmodel.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  char *old_text, *new_text;
} bugmodel_hunk;

typedef struct {
  char *path;
  bugmodel_hunk *hunks;
  size_t nhunks;
} bugmodel_file_t;

struct bugmodel {
  char *name;
  int fixed_in[3];
  bugmodel_file_t *files;
  size_t nfiles;
};

static char *bugmodel_read(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = NULL;
  size_t cap = 0, n = 0;
  for (;;) {
    if (n + 4096 + 1 > cap) {
      cap = (n + 4096 + 1) * 2;
      char *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = nb;
    }
    size_t r = fread(buf + n, 1, 4096, f);
    n += r;
    if (r < 4096)
      break;
  }
  fclose(f);
  buf[n] = 0;
  if (len)
    *len = n;
  return buf;
}

static int bugmodel_parse_version(const char *s, int v[3])
{
  return sscanf(s, "%d.%d.%d", &v[0], &v[1], &v[2]) == 3 ? 0 : -1;
}

void bugmodel_free(bugmodel *m)
{
  if (!m)
    return;
  for (size_t i = 0; i < m->nfiles; i++) {
    for (size_t j = 0; j < m->files[i].nhunks; j++) {
      free(m->files[i].hunks[j].old_text);
      free(m->files[i].hunks[j].new_text);
    }
    free(m->files[i].hunks);
    free(m->files[i].path);
  }
  free(m->files);
  free(m->name);
  free(m);
}

/* Appends `line` (with its newline) to *text. */
static int bugmodel_append(char **text, const char *line, size_t len)
{
  size_t have = *text ? strlen(*text) : 0;
  char *t = realloc(*text, have + len + 2);
  if (!t)
    return -1;
  memcpy(t + have, line, len);
  t[have + len] = '\n';
  t[have + len + 1] = 0;
  *text = t;
  return 0;
}

int bugmodel_load(const char *path, bugmodel **out, char *err, size_t errlen)
{
  char *buf = bugmodel_read(path, NULL);
  if (!buf) {
    snprintf(err, errlen, "cannot read bug model %s: %s", path,
             strerror(errno));
    return -1;
  }
  bugmodel *m = calloc(1, sizeof *m);
  enum { TOP, OLD, NEW } mode = TOP;
  int lineno = 0;
  char *save = NULL;
  if (!m)
    goto oom;
  for (char *line = buf; line; line = save) {
    char *nl = strchr(line, '\n');
    save = nl ? nl + 1 : NULL;
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    if (!nl && len == 0)
      break;
    lineno++;
    if (len >= 3 && strncmp(line, "@@ ", 3) == 0) {
      char word[8] = "";
      snprintf(word, sizeof word, "%.*s", (int)(len - 3), line + 3);
      bugmodel_file_t *f = m->nfiles ? &m->files[m->nfiles - 1] : NULL;
      if (!f)
        goto syntax;
      if (strcmp(word, "old") == 0 && mode == TOP) {
        bugmodel_hunk *h =
            realloc(f->hunks, (f->nhunks + 1) * sizeof *f->hunks);
        if (!h)
          goto oom;
        f->hunks = h;
        f->hunks[f->nhunks].old_text = calloc(1, 1);
        f->hunks[f->nhunks].new_text = calloc(1, 1);
        f->nhunks++;
        mode = OLD;
      } else if (strcmp(word, "new") == 0 && mode == OLD) {
        mode = NEW;
      } else if (strcmp(word, "end") == 0 && mode == NEW) {
        if (!*f->hunks[f->nhunks - 1].old_text)
          goto syntax;
        mode = TOP;
      } else {
        goto syntax;
      }
      continue;
    }
    if (mode != TOP) {
      bugmodel_file_t *f = &m->files[m->nfiles - 1];
      bugmodel_hunk *h = &f->hunks[f->nhunks - 1];
      if (bugmodel_append(mode == OLD ? &h->old_text : &h->new_text, line,
                          len) != 0)
        goto oom;
      continue;
    }
    if (len == 0 || line[0] == '#')
      continue;
    line[len] = 0;
    if (strncmp(line, "name ", 5) == 0) {
      free(m->name);
      m->name = strdup(line + 5);
    } else if (strncmp(line, "fixed-in ", 9) == 0) {
      if (bugmodel_parse_version(line + 9, m->fixed_in) != 0)
        goto syntax;
    } else if (strncmp(line, "file ", 5) == 0) {
      bugmodel_file_t *fs =
          realloc(m->files, (m->nfiles + 1) * sizeof *m->files);
      if (!fs)
        goto oom;
      m->files = fs;
      memset(&m->files[m->nfiles], 0, sizeof *m->files);
      m->files[m->nfiles].path = strdup(line + 5);
      m->nfiles++;
    } else if (strncmp(line, "summary ", 8) != 0 &&
               strncmp(line, "upstream ", 9) != 0) {
      goto syntax;
    }
  }
  if (mode != TOP || !m->name || !m->nfiles || !m->fixed_in[0]) {
    snprintf(err, errlen,
             "bug model %s is incomplete (needs name, fixed-in, a file and "
             "closed hunks)",
             path);
    goto fail;
  }
  free(buf);
  *out = m;
  return 0;
syntax:
  snprintf(err, errlen, "bug model %s: line %d not understood", path, lineno);
  goto fail;
oom:
  snprintf(err, errlen, "out of memory reading bug model %s", path);
fail:
  free(buf);
  bugmodel_free(m);
  return -1;
}

const char *bugmodel_name(const bugmodel *m)
{
  return m->name;
}

size_t bugmodel_nfiles(const bugmodel *m)
{
  return m->nfiles;
}

const char *bugmodel_file(const bugmodel *m, size_t i)
{
  return m->files[i].path;
}

int bugmodel_tree_version(const char *tree, int ver[3], char *err,
                          size_t errlen)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/src/include/lwip/init.h", tree);
  char *text = bugmodel_read(path, NULL);
  if (!text) {
    snprintf(err, errlen, "%s is not an lwIP tree (no src/include/lwip/init.h)",
             tree);
    return -1;
  }
  static const char *const keys[3] = {"LWIP_VERSION_MAJOR",
                                      "LWIP_VERSION_MINOR",
                                      "LWIP_VERSION_REVISION"};
  for (int i = 0; i < 3; i++) {
    char *p = text;
    ver[i] = -1;
    while ((p = strstr(p, keys[i])) != NULL) {
      p += strlen(keys[i]);
      if (*p != ' ' && *p != '\t')
        continue;
      while (*p == ' ' || *p == '\t')
        p++;
      ver[i] = (int)strtol(p, NULL, 10);
      break;
    }
    if (ver[i] < 0) {
      snprintf(err, errlen, "%s: no %s in src/include/lwip/init.h", tree,
               keys[i]);
      free(text);
      return -1;
    }
  }
  free(text);
  return 0;
}

static int bugmodel_vercmp(const int a[3], const int b[3])
{
  for (int i = 0; i < 3; i++)
    if (a[i] != b[i])
      return a[i] < b[i] ? -1 : 1;
  return 0;
}

/* mkdir -p of the directory part of `path`. */
static int bugmodel_mkdirs(const char *path)
{
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = 0;
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
      return -1;
    *p = '/';
  }
  return 0;
}

static int bugmodel_write(const char *path, const char *text, char *err,
                          size_t errlen)
{
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = NULL;
  if (bugmodel_mkdirs(path) != 0 || !(f = fopen(tmp, "wb"))) {
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    return -1;
  }
  size_t n = strlen(text);
  bool wrote = fwrite(text, 1, n, f) == n;
  int saved = errno;
  if (fclose(f) != 0 || !wrote || rename(tmp, path) != 0) {
    snprintf(err, errlen, "cannot write %s: %s", path,
             strerror(wrote ? errno : saved));
    unlink(tmp);
    return -1;
  }
  return 0;
}

/* `s` with every "\n" turned into "\r\n" (some trees, e.g. Debian's
 * orig tarball of 2.1.3, have CRLF files; models are written with LF). */
static char *bugmodel_crlf(const char *s)
{
  size_t n = 0;
  for (const char *p = s; *p; p++)
    n += *p == '\n' ? 2 : 1;
  char *out = malloc(n + 1), *q = out;
  if (!out)
    return NULL;
  for (const char *p = s; *p; p++) {
    if (*p == '\n')
      *q++ = '\r';
    *q++ = *p;
  }
  *q = 0;
  return out;
}

/* The first place where `lines` occurs at the start of a line of `text`
 * (hunks are whole lines: "if (x) {" must not match "while (1) if (x) {"). */
static char *bugmodel_find_lines(char *text, const char *lines)
{
  for (char *p = strstr(text, lines); p; p = strstr(p + 1, lines))
    if (p == text || p[-1] == '\n')
      return p;
  return NULL;
}

/* Patches `text` (owned) with the hunks of `f`; returns the new text, or
 * NULL with err. */
static char *bugmodel_patch_text(const bugmodel *m, const char *tree,
                                 const bugmodel_file_t *f, char *text,
                                 char *err, size_t errlen)
{
  bool crlf = strstr(text, "\r\n") != NULL;
  for (size_t j = 0; j < f->nhunks; j++) {
    bugmodel_hunk hk = f->hunks[j], *h = &hk;
    if (crlf) {
      h->old_text = bugmodel_crlf(f->hunks[j].old_text);
      h->new_text = bugmodel_crlf(f->hunks[j].new_text);
      if (!h->old_text || !h->new_text) {
        free(h->old_text);
        free(h->new_text);
        snprintf(err, errlen, "out of memory");
        free(text);
        return NULL;
      }
    }
    char *at = bugmodel_find_lines(text, h->old_text);
    if (!at || bugmodel_find_lines(at + 1, h->old_text)) {
      const char *first = f->hunks[j].old_text;
      size_t flen = strcspn(first, "\n");
      snprintf(err, errlen,
               "bug model %s does not apply to %s: %s hunk %zu ('%.*s') %s",
               m->name, tree, f->path, j + 1, (int)(flen > 60 ? 60 : flen),
               first, at ? "found more than once" : "not found");
      if (crlf) {
        free(h->old_text);
        free(h->new_text);
      }
      free(text);
      return NULL;
    }
    size_t before = (size_t)(at - text);
    size_t olen = strlen(h->old_text), nlen = strlen(h->new_text);
    size_t rest = strlen(at + olen);
    char *out = malloc(before + nlen + rest + 1);
    if (!out) {
      snprintf(err, errlen, "out of memory");
      if (crlf) {
        free(h->old_text);
        free(h->new_text);
      }
      free(text);
      return NULL;
    }
    memcpy(out, text, before);
    memcpy(out + before, h->new_text, nlen);
    memcpy(out + before + nlen, at + olen, rest + 1);
    free(text);
    text = out;
    if (crlf) {
      free(h->old_text);
      free(h->new_text);
    }
  }
  return text;
}

int bugmodel_apply(const bugmodel *m, const char *tree, const char *outdir,
                   char *err, size_t errlen)
{
  int ver[3];
  if (bugmodel_tree_version(tree, ver, err, errlen) != 0)
    return BUGMODEL_ERROR;
  int has_defect = bugmodel_vercmp(ver, m->fixed_in) < 0;
  char **texts = calloc(m->nfiles, sizeof *texts);
  if (!texts) {
    snprintf(err, errlen, "out of memory");
    return BUGMODEL_ERROR;
  }
  int rc = has_defect ? BUGMODEL_HAS_DEFECT : BUGMODEL_PATCHED;
  /* Everything is located and patched in memory before a byte is written. */
  for (size_t i = 0; i < m->nfiles && rc != BUGMODEL_ERROR; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", tree, m->files[i].path);
    texts[i] = bugmodel_read(path, NULL);
    if (!texts[i]) {
      snprintf(err, errlen, "bug model %s does not apply to %s: no %s",
               m->name, tree, m->files[i].path);
      rc = BUGMODEL_ERROR;
    } else if (!has_defect) {
      texts[i] = bugmodel_patch_text(m, tree, &m->files[i], texts[i], err,
                                     errlen);
      if (!texts[i])
        rc = BUGMODEL_ERROR;
    }
  }
  for (size_t i = 0; i < m->nfiles && rc != BUGMODEL_ERROR; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, m->files[i].path);
    if (bugmodel_write(path, texts[i], err, errlen) != 0)
      rc = BUGMODEL_ERROR;
  }
  for (size_t i = 0; i < m->nfiles; i++)
    free(texts[i]);
  free(texts);
  return rc;
}
