/*
 * test_bugmodel.c - bug models (tools/bugmodel/): parsing a model
 * file, reading a tree's lwIP version, and applying a model to a copy of a
 * tree's files.
 *
 * Each test owns a fresh directory made by mkdtemp() in setup and removed,
 * with everything in it, by teardown; it builds the small lwIP-like trees
 * it needs there (src/include/lwip/init.h with the three version defines,
 * src/api/sockets.c with the lines a model looks for).  Buffers a test
 * keeps are registered with the fixture, so a failed assert leaks nothing
 * either.
 *
 * The expected output of a patch is written out in the test (the original
 * text with the two replaced lines), never derived from the model, so a
 * wrong patch cannot agree with itself.  The real model and the real 2.1.3
 * tree are read from paths relative to the repository root, where
 * tests/run.sh runs the tests; without the fetched tree that test skips.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "bugmodel.h"

#define REAL_MODEL "contrib_port/bugs/select-waiting-leak.bug"
#define REAL_TREE "build/deps/lwip-2.1.3"
#define KEEP_MAX 256

typedef struct {
  char dir[PATH_MAX]; /* this test's temporary directory */
  bugmodel *m;        /* freed by teardown */
  void *keep[KEEP_MAX];
  size_t nkeep;
  char err[1024];
} bm;

/* ------------------------------------------------------------------ */
/* a made-up sockets.c: nothing but the lines the real model matches,   */
/* between filler (no lwIP source is kept in this repository)           */

#define S_HEAD                                                          \
  "/* fixture: the lines the model matches, between filler */\n"       \
  "int fixture_a;\n"                                                    \
  "    SYS_ARCH_PROTECT(lev);\n"
#define S_OLD1 "    if (!sockets[i].conn) {\n"
#define S_NEW1                                                          \
  "    if (!sockets[i].conn && (sockets[i].select_waiting == 0)) {\n"
#define S_MID                                                           \
  "#if LWIP_NETCONN_FULLDUPLEX\n"                                       \
  "int fixture_b;\n"                                                    \
  "          sock = tryget_socket_unconn_nouse(i);\n"                   \
  "          LWIP_ASSERT(\"socket gone at the end of select\", "        \
  "sock != NULL);\n"
#define S_OLD2 "          if (sock != NULL) {\n"
#define S_NEW2 "          if (sock != NULL && sock->conn != NULL) {\n"
#define S_TAIL "int fixture_c;\n"

/* A 2.1/2.2 tree: both old places present, each once. */
static const char sockets_fixed[] = S_HEAD S_OLD1 S_MID S_OLD2 S_TAIL;
/* The same after the model: exactly the two lines replaced. */
static const char sockets_patched[] = S_HEAD S_NEW1 S_MID S_NEW2 S_TAIL;
/* A tree whose second place reads differently: the model does not apply,
 * although its first hunk would. */
static const char sockets_no_hunk2[] =
    S_HEAD S_OLD1 S_MID "          if (sock) {\n" S_TAIL;

/* ------------------------------------------------------------------ */
/* fixture                                                             */

static int setup(void **state)
{
  bm *st = calloc(1, sizeof *st);
  if (!st)
    return -1;
  const char *tmp = getenv("TMPDIR");
  if (!tmp || !*tmp)
    tmp = "/tmp";
  snprintf(st->dir, sizeof st->dir, "%s/lwipsim-test-bugmodel.XXXXXX", tmp);
  if (!mkdtemp(st->dir)) {
    free(st);
    return -1;
  }
  *state = st;
  return 0;
}

/* rm -rf `path` (no symlinks are followed: lstat). */
static void remove_tree(const char *path)
{
  struct stat sb;
  if (lstat(path, &sb) != 0)
    return;
  if (S_ISDIR(sb.st_mode)) {
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      char sub[PATH_MAX];
      if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < PATH_MAX)
        remove_tree(sub);
    }
    if (d)
      closedir(d);
    rmdir(path);
  } else {
    unlink(path);
  }
}

static int teardown(void **state)
{
  bm *st = *state;
  bugmodel_free(st->m);
  for (size_t i = 0; i < st->nkeep; i++)
    free(st->keep[i]);
  remove_tree(st->dir);
  free(st);
  return 0;
}

/* Hands `p` to the fixture, which frees it in teardown. */
static void *keep(bm *st, void *p)
{
  assert_non_null(p);
  assert_in_range(st->nkeep, 0, KEEP_MAX - 1);
  st->keep[st->nkeep++] = p;
  return p;
}

/* ------------------------------------------------------------------ */
/* files                                                               */

/* st->dir/rel, in a buffer the fixture frees. */
static const char *in_dir(bm *st, const char *rel)
{
  char *p = keep(st, malloc(PATH_MAX));
  int n = snprintf(p, PATH_MAX, "%s/%s", st->dir, rel);
  assert_in_range(n, 1, PATH_MAX - 1);
  return p;
}

static void mkdirs_for(const char *file)
{
  char tmp[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s", file);
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = 0;
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
      fail_msg("mkdir %s: %s", tmp, strerror(errno));
    *p = '/';
  }
}

static void write_file(const char *path, const char *text)
{
  mkdirs_for(path);
  FILE *f = fopen(path, "wb");
  if (!f)
    fail_msg("cannot write %s: %s", path, strerror(errno));
  size_t n = strlen(text);
  bool ok = fwrite(text, 1, n, f) == n;
  ok = fclose(f) == 0 && ok;
  if (!ok)
    fail_msg("cannot write %s", path);
}

/* The whole file, NUL-terminated, kept by the fixture. */
static char *read_file(bm *st, const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot read %s: %s", path, strerror(errno));
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) {
      fclose(f);
      fail_msg("out of memory reading %s", path);
    }
    n += fread(buf + n, 1, cap - n - 1, f);
    if (n < cap - 1)
      break;
    cap *= 2;
    char *nb = realloc(buf, cap);
    if (!nb)
      free(buf);
    buf = nb;
  }
  fclose(f);
  buf[n] = 0;
  return keep(st, buf);
}

/* `s` with every "\n" turned into "\r\n", kept by the fixture. */
static char *to_crlf(bm *st, const char *s)
{
  size_t n = 0;
  for (const char *p = s; *p; p++)
    n += *p == '\n' ? 2 : 1;
  char *out = keep(st, malloc(n + 1)), *q = out;
  for (const char *p = s; *p; p++) {
    if (*p == '\n')
      *q++ = '\r';
    *q++ = *p;
  }
  *q = 0;
  return out;
}

static size_t count_of(const char *hay, const char *needle)
{
  size_t n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
    n++;
  return n;
}

/* True if every "\n" of `s` ends a "\r\n". */
static bool all_crlf(const char *s)
{
  for (const char *p = s; (p = strchr(p, '\n')) != NULL; p++)
    if (p == s || p[-1] != '\r')
      return false;
  return true;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* buf = a/b, or just b when a is "". */
static void join(char buf[PATH_MAX], const char *a, const char *b)
{
  int n = snprintf(buf, PATH_MAX, "%s%s%s", a, *a ? "/" : "", b);
  if (n < 0 || n >= PATH_MAX)
    fail_msg("path %s/%s too long", a, b);
}

/* Appends every non-directory below `root`/`rel` to names[*n]. */
static void collect(const char *root, const char *rel, char **names,
                    size_t *n, size_t max)
{
  char path[PATH_MAX];
  join(path, root, rel);
  DIR *d = opendir(path);
  if (!d)
    return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    char sub[PATH_MAX], full[PATH_MAX];
    join(sub, rel, e->d_name);
    join(full, path, e->d_name);
    struct stat sb;
    if (lstat(full, &sb) == 0 && S_ISDIR(sb.st_mode))
      collect(root, sub, names, n, max);
    else if (*n < max)
      names[(*n)++] = strdup(sub);
  }
  closedir(d);
}

/* Every file below `dir` (temporary ones included), sorted, joined by
 * spaces; "" when there is none, "(absent)" when `dir` does not exist. */
static const char *files_below(bm *st, const char *dir)
{
  struct stat sb;
  if (stat(dir, &sb) != 0)
    return "(absent)";
  char *names[64];
  size_t n = 0;
  collect(dir, "", names, &n, 64);
  qsort(names, n, sizeof names[0], cmp_str);
  char *out = keep(st, calloc(1, PATH_MAX));
  size_t pos = 0;
  bool fits = true;
  for (size_t i = 0; i < n; i++) {
    int k = fits && names[i] ? snprintf(out + pos, PATH_MAX - pos, "%s%s",
                                        i ? " " : "", names[i])
                             : -1;
    if (k < 0 || (size_t)k >= PATH_MAX - pos)
      fits = false;
    else
      pos += (size_t)k;
    free(names[i]);
  }
  if (!fits)
    fail_msg("files below %s do not fit the listing", dir);
  return out;
}

/* A tree `name` in st->dir: lwIP major.minor.rev with `sockets` as
 * src/api/sockets.c; with `crlf` both files have CRLF line ends, as in
 * Debian's orig tarball of 2.1.3.  Returns its path. */
static const char *make_tree(bm *st, const char *name, int major, int minor,
                             int rev, const char *sockets, bool crlf)
{
  char init[512], rel[PATH_MAX];
  snprintf(init, sizeof init,
           "/* init.h of a made-up tree: only the version */\n"
           "#define LWIP_VERSION_MAJOR %d\n"
           "#define LWIP_VERSION_MINOR %d\n"
           "#define LWIP_VERSION_REVISION %d\n",
           major, minor, rev);
  snprintf(rel, sizeof rel, "%s/src/include/lwip/init.h", name);
  write_file(in_dir(st, rel), crlf ? to_crlf(st, init) : init);
  snprintf(rel, sizeof rel, "%s/src/api/sockets.c", name);
  write_file(in_dir(st, rel), crlf ? to_crlf(st, sockets) : sockets);
  return in_dir(st, name);
}

/* An empty output directory `name` in st->dir. */
static const char *make_outdir(bm *st, const char *name)
{
  const char *out = in_dir(st, name);
  assert_int_equal(mkdir(out, 0777), 0);
  return out;
}

/* Applies the loaded model to `tree` into a new output directory
 * `outname` (its path in *out); returns bugmodel_apply()'s result. */
static int apply_into(bm *st, const char *tree, const char *outname,
                      const char **out)
{
  *out = make_outdir(st, outname);
  return bugmodel_apply(st->m, tree, *out, st->err, sizeof st->err);
}

static void load_real(bm *st)
{
  if (bugmodel_load(REAL_MODEL, &st->m, st->err, sizeof st->err) != 0)
    fail_msg("%s (tests run from the repository root)", st->err);
}

/* Writes `text` as model `name` in st->dir and loads it into st->m. */
static int load_text(bm *st, const char *name, const char *text)
{
  const char *path = in_dir(st, name);
  write_file(path, text);
  return bugmodel_load(path, &st->m, st->err, sizeof st->err);
}

static void assert_one_line_containing(const char *msg, const char *want)
{
  if (!strstr(msg, want))
    fail_msg("message '%s' lacks '%s'", msg, want);
  assert_null(strchr(msg, '\n'));
}

/* ------------------------------------------------------------------ */
/* 1. the real model                                                   */

static void test_real_model_loads(void **state)
{
  bm *st = *state;
  load_real(st);
  assert_string_equal(bugmodel_name(st->m), "select-waiting-leak");
  assert_int_equal(bugmodel_nfiles(st->m), 1);
  assert_string_equal(bugmodel_file(st->m, 0), "src/api/sockets.c");
}

static void test_real_model_patches_lwip_213(void **state)
{
  bm *st = *state;
  char tree_file[PATH_MAX];
  snprintf(tree_file, sizeof tree_file, "%s/src/api/sockets.c", REAL_TREE);
  if (access(tree_file, R_OK) != 0) {
    print_message("%s absent (make lwip fetches it): skipped\n", REAL_TREE);
    skip();
  }
  int ver[3];
  assert_int_equal(bugmodel_tree_version(REAL_TREE, ver, st->err,
                                         sizeof st->err),
                   0);
  assert_int_equal(ver[0], 2);
  assert_int_equal(ver[1], 1);
  assert_int_equal(ver[2], 3);

  load_real(st);
  const char *out = make_outdir(st, "out");
  int rc = bugmodel_apply(st->m, REAL_TREE, out, st->err, sizeof st->err);
  if (rc != BUGMODEL_PATCHED)
    fail_msg("apply: %d %s", rc, st->err);
  assert_string_equal(files_below(st, out), "src/api/sockets.c");

  const char *orig = read_file(st, tree_file);
  const char *got = read_file(st, in_dir(st, "out/src/api/sockets.c"));
  /* The tree has CRLF line ends; so must the copy, new lines included. */
  assert_true(all_crlf(orig));
  assert_true(all_crlf(got));

  /* The two places of the model, as 2.1.3 has them and as they must
   * become (CRLF), each with its context. */
  static const char *const was[2] = {
      "    SYS_ARCH_PROTECT(lev);\r\n"
      "    if (!sockets[i].conn) {\r\n"
      "#if LWIP_NETCONN_FULLDUPLEX\r\n",
      "          sock = tryget_socket_unconn_nouse(i);\r\n"
      "          LWIP_ASSERT(\"socket gone at the end of select\", "
      "sock != NULL);\r\n"
      "          if (sock != NULL) {\r\n"};
  static const char *const now[2] = {
      "    SYS_ARCH_PROTECT(lev);\r\n"
      "    if (!sockets[i].conn && (sockets[i].select_waiting == 0)) {\r\n"
      "#if LWIP_NETCONN_FULLDUPLEX\r\n",
      "          sock = tryget_socket_unconn_nouse(i);\r\n"
      "          LWIP_ASSERT(\"socket gone at the end of select\", "
      "sock != NULL);\r\n"
      "          if (sock != NULL && sock->conn != NULL) {\r\n"};
  for (int i = 0; i < 2; i++) {
    assert_int_equal(count_of(orig, was[i]), 1);
    assert_int_equal(count_of(orig, now[i]), 0);
    assert_int_equal(count_of(got, was[i]), 0);
    assert_int_equal(count_of(got, now[i]), 1);
  }
  assert_int_equal(count_of(got, "\n"), count_of(orig, "\n"));

  /* Nothing else changed: the original with exactly these two blocks
   * replaced, built here independently of the model, is the copy. */
  const char *a = strstr(orig, was[0]), *b = strstr(orig, was[1]);
  assert_true(a < b);
  size_t len = strlen(orig) - strlen(was[0]) - strlen(was[1]) +
               strlen(now[0]) + strlen(now[1]);
  char *want = keep(st, malloc(len + 1));
  int n = snprintf(want, len + 1, "%.*s%s%.*s%s%s", (int)(a - orig), orig,
                   now[0], (int)(b - a - (ptrdiff_t)strlen(was[0])),
                   a + strlen(was[0]), now[1], b + strlen(was[1]));
  assert_int_equal(n, (int)len);
  assert_int_equal(strlen(got), len);
  assert_memory_equal(got, want, len);
}

/* ------------------------------------------------------------------ */
/* 2. versions: before the fix, at it, after it                        */

static void test_tree_before_fix_copied_unchanged(void **state)
{
  bm *st = *state;
  load_real(st);
  /* 2.0.3 already has the defect; its text need not contain the model's
   * old lines at all (here it reads like the patched text). */
  const char *tree = make_tree(st, "lwip-2.0.3", 2, 0, 3, sockets_patched,
                               false);
  const char *out;
  assert_int_equal(apply_into(st, tree, "out", &out), BUGMODEL_HAS_DEFECT);
  assert_string_equal(files_below(st, out), "src/api/sockets.c");
  assert_string_equal(read_file(st, in_dir(st, "out/src/api/sockets.c")),
                      sockets_patched);

  /* A tree with the old lines is copied unchanged too, not patched. */
  tree = make_tree(st, "lwip-2.0.0", 2, 0, 0, sockets_fixed, false);
  assert_int_equal(apply_into(st, tree, "out2", &out), BUGMODEL_HAS_DEFECT);
  assert_string_equal(read_file(st, in_dir(st, "out2/src/api/sockets.c")),
                      sockets_fixed);
}

static void test_tree_from_fix_on_patched_lf(void **state)
{
  bm *st = *state;
  load_real(st);
  /* fixed-in is 2.1.0: that version itself and later ones are patched. */
  static const int vers[][3] = {{2, 1, 0}, {2, 1, 3}, {2, 2, 1}, {3, 0, 0}};
  for (size_t i = 0; i < sizeof vers / sizeof vers[0]; i++) {
    char name[32], outname[48], file[80];
    snprintf(name, sizeof name, "lwip-%d.%d.%d", vers[i][0], vers[i][1],
             vers[i][2]);
    snprintf(outname, sizeof outname, "out-%s", name);
    snprintf(file, sizeof file, "%s/src/api/sockets.c", outname);
    const char *tree = make_tree(st, name, vers[i][0], vers[i][1],
                                 vers[i][2], sockets_fixed, false);
    const char *out = make_outdir(st, outname);
    int rc = bugmodel_apply(st->m, tree, out, st->err, sizeof st->err);
    if (rc != BUGMODEL_PATCHED)
      fail_msg("%s: apply gave %d: %s", name, rc, st->err);
    const char *got = read_file(st, in_dir(st, file));
    assert_string_equal(got, sockets_patched);
    assert_null(strchr(got, '\r'));
    assert_string_equal(files_below(st, out), "src/api/sockets.c");
  }
}

static void test_crlf_tree_patched_with_crlf(void **state)
{
  bm *st = *state;
  load_real(st);
  const char *tree = make_tree(st, "lwip-2.1.2", 2, 1, 2, sockets_fixed,
                               true);
  const char *out;
  assert_int_equal(apply_into(st, tree, "out", &out), BUGMODEL_PATCHED);
  const char *got = read_file(st, in_dir(st, "out/src/api/sockets.c"));
  assert_string_equal(got, to_crlf(st, sockets_patched));
  assert_true(all_crlf(got));
}

/* ------------------------------------------------------------------ */
/* 3. a model that does not apply                                      */

static void test_missing_hunk_is_error_and_writes_nothing(void **state)
{
  bm *st = *state;
  load_real(st);
  const char *tree = make_tree(st, "lwip-2.1.1", 2, 1, 1, sockets_no_hunk2,
                               false);
  const char *out;
  assert_int_equal(apply_into(st, tree, "out", &out), BUGMODEL_ERROR);
  assert_one_line_containing(st->err, "does not apply");
  assert_one_line_containing(st->err, "src/api/sockets.c hunk 2");
  assert_one_line_containing(st->err, "not found");
  assert_one_line_containing(st->err, "select-waiting-leak");
  /* Hunk 1 applied in memory, yet no file and no temporary file. */
  assert_string_equal(files_below(st, out), "");

  /* An output directory that did not exist is not even created. */
  const char *none = in_dir(st, "none");
  assert_int_equal(bugmodel_apply(st->m, tree, none, st->err,
                                  sizeof st->err),
                   BUGMODEL_ERROR);
  assert_string_equal(files_below(st, none), "(absent)");
}

static void test_old_text_twice_is_error(void **state)
{
  bm *st = *state;
  load_real(st);
  /* The whole text twice: hunk 1's old lines occur twice. */
  char *twice = keep(st, malloc(2 * sizeof sockets_fixed));
  snprintf(twice, 2 * sizeof sockets_fixed, "%s%s", sockets_fixed,
           sockets_fixed);
  const char *tree = make_tree(st, "lwip-2.1.3", 2, 1, 3, twice, true);
  const char *out;
  assert_int_equal(apply_into(st, tree, "out", &out), BUGMODEL_ERROR);
  assert_one_line_containing(st->err, "does not apply");
  assert_one_line_containing(st->err, "hunk 1");
  assert_one_line_containing(st->err, "found more than once");
  assert_string_equal(files_below(st, out), "");
}

/* Hunks are whole lines: old text that appears only in the middle of a
 * line does not match, and does not count as a second occurrence. */
static const char line_model[] =
    "name whole-lines\n"
    "fixed-in 2.1.0\n"
    "file src/api/sockets.c\n"
    "@@ old\n"
    "if (x) {\n"
    "@@ new\n"
    "if (y) {\n"
    "@@ end\n";

static void test_hunks_match_whole_lines_only(void **state)
{
  bm *st = *state;
  assert_int_equal(load_text(st, "line.bug", line_model), 0);
  const char *mid = make_tree(st, "mid", 2, 1, 3,
                              "  while (1) if (x) {\n}\n", false);
  const char *out = make_outdir(st, "out1");
  assert_int_equal(bugmodel_apply(st->m, mid, out, st->err, sizeof st->err),
                   BUGMODEL_ERROR);
  assert_one_line_containing(st->err, "not found");
  const char *one = make_tree(st, "one", 2, 1, 3,
                              "  elif (x) {\n}\nif (x) {\n}\n", false);
  const char *out2 = make_outdir(st, "out2");
  assert_int_equal(bugmodel_apply(st->m, one, out2, st->err, sizeof st->err),
                   BUGMODEL_PATCHED);
}

/* A model of two files, the second of which does not apply: the first,
 * which would, must not be written either. */
static const char two_files_model[] =
    "name two-files\n"
    "fixed-in 2.1.0\n"
    "file src/api/a.c\n"
    "@@ old\n"
    "int a = 1;\n"
    "@@ new\n"
    "int a = 2;\n"
    "@@ end\n"
    "file src/core/b.c\n"
    "@@ old\n"
    "int b = 1;\n"
    "@@ new\n"
    "int b = 2;\n"
    "@@ end\n";

static void test_two_files_all_or_nothing(void **state)
{
  bm *st = *state;
  assert_int_equal(load_text(st, "two.bug", two_files_model), 0);
  assert_int_equal(bugmodel_nfiles(st->m), 2);
  assert_string_equal(bugmodel_file(st->m, 1), "src/core/b.c");
  const char *tree = make_tree(st, "t", 2, 1, 0, sockets_fixed, false);
  write_file(in_dir(st, "t/src/api/a.c"), "/* a */\nint a = 1;\n");
  write_file(in_dir(st, "t/src/core/b.c"), "/* b */\nint b = 9;\n");
  const char *out;
  assert_int_equal(apply_into(st, tree, "out", &out), BUGMODEL_ERROR);
  assert_one_line_containing(st->err, "src/core/b.c hunk 1");
  assert_one_line_containing(st->err, "not found");
  assert_string_equal(files_below(st, out), "");

  /* Once b.c has its line, both files are written, each patched. */
  write_file(in_dir(st, "t/src/core/b.c"), "/* b */\nint b = 1;\n");
  assert_int_equal(bugmodel_apply(st->m, tree, out, st->err, sizeof st->err),
                   BUGMODEL_PATCHED);
  assert_string_equal(files_below(st, out), "src/api/a.c src/core/b.c");
  assert_string_equal(read_file(st, in_dir(st, "out/src/api/a.c")),
                      "/* a */\nint a = 2;\n");
  assert_string_equal(read_file(st, in_dir(st, "out/src/core/b.c")),
                      "/* b */\nint b = 2;\n");
}

static void test_missing_file_is_error(void **state)
{
  bm *st = *state;
  load_real(st);
  const char *tree = make_tree(st, "t", 2, 1, 3, sockets_fixed, false);
  assert_int_equal(unlink(in_dir(st, "t/src/api/sockets.c")), 0);
  const char *out;
  assert_int_equal(apply_into(st, tree, "out", &out), BUGMODEL_ERROR);
  assert_one_line_containing(st->err, "does not apply");
  assert_one_line_containing(st->err, "no src/api/sockets.c");
  assert_string_equal(files_below(st, out), "");
}

/* ------------------------------------------------------------------ */
/* 4. model files that do not parse                                    */

typedef struct {
  const char *what, *text, *want;
} bad_model;

static const bad_model bad_models[] = {
    {"unknown keyword after comments",
     "# a comment\n\nname x\nfixed-in 2.1.0\nfrobnicate y\n", "line 5 "},
    {"fixed-in without three numbers", "name x\nfixed-in 2.1\n", "line 2 "},
    {"hunk before any file", "name x\nfixed-in 2.1.0\n@@ old\n", "line 3 "},
    {"new without old", "name x\nfixed-in 2.1.0\nfile a.c\n@@ new\n",
     "line 4 "},
    {"end right after old",
     "name x\nfixed-in 2.1.0\nfile a.c\n@@ old\na\n@@ end\n", "line 6 "},
    {"empty old block",
     "name x\nfixed-in 2.1.0\nfile a.c\n@@ old\n@@ new\nb\n@@ end\n",
     "line 7 "},
    {"unknown hunk marker",
     "name x\nfixed-in 2.1.0\nfile a.c\n@@ older\n", "line 4 "},
    /* The ones below have no line to blame: something is missing at the
     * end of the file. */
    {"unclosed hunk",
     "name x\nfixed-in 2.1.0\nfile a.c\n@@ old\na\n@@ new\nb\n",
     "incomplete"},
    {"missing fixed-in",
     "name x\nfile a.c\n@@ old\na\n@@ new\nb\n@@ end\n", "incomplete"},
    {"missing name",
     "fixed-in 2.1.0\nfile a.c\n@@ old\na\n@@ new\nb\n@@ end\n",
     "incomplete"},
    {"no file", "name x\nfixed-in 2.1.0\n", "incomplete"},
};

static void test_bad_models_rejected_with_one_line(void **state)
{
  bm *st = *state;
  for (size_t i = 0; i < sizeof bad_models / sizeof bad_models[0]; i++) {
    const bad_model *b = &bad_models[i];
    char name[32];
    snprintf(name, sizeof name, "bad%zu.bug", i);
    st->err[0] = 0;
    int rc = load_text(st, name, b->text);
    if (rc != -1 || st->m)
      fail_msg("%s: loaded (rc %d)", b->what, rc);
    if (!strstr(st->err, b->want) || !strstr(st->err, name) ||
        strchr(st->err, '\n'))
      fail_msg("%s: message '%s' should be one line naming %s and '%s'",
               b->what, st->err, name, b->want);
  }
  /* A model file that is not there. */
  assert_int_equal(bugmodel_load(in_dir(st, "nope.bug"), &st->m, st->err,
                                 sizeof st->err),
                   -1);
  assert_null(st->m);
  assert_one_line_containing(st->err, "cannot read bug model");
  assert_one_line_containing(st->err, "nope.bug");
}

/* ------------------------------------------------------------------ */
/* 5. the version of a tree                                            */

static void test_tree_version(void **state)
{
  bm *st = *state;
  int ver[3] = {0, 0, 0};
  const char *tree = make_tree(st, "t", 2, 2, 1, sockets_fixed, true);
  assert_int_equal(bugmodel_tree_version(tree, ver, st->err, sizeof st->err),
                   0);
  assert_int_equal(ver[0], 2);
  assert_int_equal(ver[1], 2);
  assert_int_equal(ver[2], 1);

  /* A directory without init.h is not a tree; applying to it fails the
   * same way and writes nothing. */
  const char *empty = make_outdir(st, "empty");
  assert_int_equal(bugmodel_tree_version(empty, ver, st->err,
                                         sizeof st->err),
                   -1);
  assert_one_line_containing(st->err, "is not an lwIP tree");
  assert_one_line_containing(st->err, empty);
  load_real(st);
  const char *out = make_outdir(st, "out");
  assert_int_equal(bugmodel_apply(st->m, empty, out, st->err, sizeof st->err),
                   BUGMODEL_ERROR);
  assert_one_line_containing(st->err, "is not an lwIP tree");
  assert_string_equal(files_below(st, out), "");

  /* An init.h without the revision names what it lacks. */
  write_file(in_dir(st, "half/src/include/lwip/init.h"),
             "#define LWIP_VERSION_MAJOR 2\n#define LWIP_VERSION_MINOR 1\n");
  assert_int_equal(bugmodel_tree_version(in_dir(st, "half"), ver, st->err,
                                         sizeof st->err),
                   -1);
  assert_one_line_containing(st->err, "no LWIP_VERSION_REVISION");
}

/* ------------------------------------------------------------------ */

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
      T(test_real_model_loads),
      T(test_real_model_patches_lwip_213),
      T(test_tree_before_fix_copied_unchanged),
      T(test_tree_from_fix_on_patched_lf),
      T(test_crlf_tree_patched_with_crlf),
      T(test_missing_hunk_is_error_and_writes_nothing),
      T(test_old_text_twice_is_error),
      T(test_hunks_match_whole_lines_only),
    T(test_two_files_all_or_nothing),
      T(test_missing_file_is_error),
      T(test_bad_models_rejected_with_one_line),
      T(test_tree_version),
  };
  return cmocka_run_group_tests_name("bugmodel", tests, NULL, NULL);
}
