/*
 * test_report.c - the HTML report: thread states rebuilt from records,
 * pool records ("NAME used=U max=M err=E size=S") parsed into curves, a
 * page without pools says so, packets kept with their summaries, details
 * escaped so the page parses, the same records give the same bytes, the
 * size stays bounded on a long run with the omission counted, the page
 * names no external URL, the trace observer leaves the digest alone, and
 * an unwritable path fails before anything is written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "report.h"
#include "sim_trace.h"

static char report_path[64];

static int setup(void **state)
{
  (void)state;
  snprintf(report_path, sizeof report_path, "/tmp/test_report_%d.html",
           (int)getpid());
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  unlink(report_path);
  return 0;
}

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = 0;
  fclose(f);
  if (len)
    *len = (size_t)n;
  return buf;
}

static const engine_report_info info = {
    .scenario = "demo", .variant = "v1", .profile = "board",
    .policy = "script", .lwip = "2.1.3", .seed = 7,
    .verdict = "reproduced", .expected = "reproduced",
    .message = "lwip assert: x == 0", .end = "assert", .digest = 0x1234,
    .end_us = 2000,
    .command = "lwipsim run demo --variant v1 --seed 7 --policy script"};

/* A small run: main makes worker, worker blocks, a timeout wakes it, a
 * script holds it, the run ends. */
static void feed_threads(engine_report *r)
{
  engine_report_record(r, 0, 0, "sim", "run", "demo v1 seed 7");
  engine_report_record(r, 0, 1, "main", "thread_new", "worker prio 4");
  engine_report_record(r, 0, 2, "main", "switch", "worker (thread_new)");
  engine_report_record(r, 0, 3, "worker", "block", "sleep 1000 us");
  engine_report_record(r, 0, 4, "worker", "switch", "main (sleep)");
  engine_report_record(r, 0, 5, "main", "block", "take sem#3");
  engine_report_record(r, 1000, 6, "worker", "timeout", "sleep");
  engine_report_record(r, 1000, 7, "isr:emac_rx", "irq", "emac_rx");
  engine_report_record(r, 1000, 8, "worker", "script",
                    "hold worker (worker at p #1)");
  engine_report_record(r, 1000, 9, "worker", "end", "lwip assert: x == 0");
  engine_report_record(r, 1000, 10, "sim", "verdict", "lwip assert: x == 0");
}

static char *write_report(void (*feed)(engine_report *), size_t *len)
{
  char err[256];
  engine_report *r = engine_report_open(report_path, err, sizeof err);
  assert_non_null(r);
  feed(r);
  assert_int_equal(engine_report_close(r, &info, err, sizeof err), 0);
  return slurp(report_path, len);
}

static void test_thread_states_and_marks(void **state)
{
  (void)state;
  char *html = write_report(feed_threads, NULL);
  assert_null(strstr(html, "/*@REPORT_DATA@*/"));
  assert_non_null(strstr(html, "const REPORT = {"));
  assert_non_null(strstr(html, "{\"name\":\"worker\",\"kind\":\"thread\","
                               "\"prio\":4}"));
  assert_non_null(strstr(html, "{\"name\":\"isr:emac_rx\",\"kind\":\"isr\""));
  /* worker: ready 1..2, running 2..3, blocked on the sleep 3..6 */
  assert_non_null(strstr(html, "[2,1,0,0,1,2,0]"));
  assert_non_null(strstr(html, "[2,0,0,0,2,3,0]"));
  assert_non_null(strstr(html, "\"strings\":[\"\",\"sleep 1000 us\""));
  assert_non_null(strstr(html, "[2,2,0,1000,3,6,1]"));
  /* woken by the timeout: ready 6..8, then held by the script */
  assert_non_null(strstr(html, "[2,1,1000,1000,6,8,0]"));
  assert_non_null(strstr(html, "timeout woke worker (sleep)"));
  assert_non_null(strstr(html, "main preempted by worker at thread_new"));
  assert_non_null(strstr(html, "script: hold worker"));
  assert_non_null(strstr(html, "\"verdict\",\"verdict: lwip assert"));
  assert_non_null(strstr(html, "\"command\":\"lwipsim run demo --variant v1 "
                               "--seed 7 --policy script\""));
  assert_non_null(strstr(html, "\"pools\":[]"));
  assert_non_null(strstr(html, "no pool records"));
  free(html);
}

static void feed_pools(engine_report *r)
{
  engine_report_record(r, 0, 0, "main", "pool",
                    "PBUF_POOL used=3 max=3 err=0 size=16");
  engine_report_record(r, 500, 1, "main", "pool",
                    "HEAP used=2048 max=4096 err=1 size=16384");
  engine_report_record(r, 900, 2, "main", "pool",
                    "PBUF_POOL used=16 max=16 err=2 size=16");
  engine_report_record(r, 950, 3, "main", "pool", "garbage without fields");
  engine_report_frame(r, 950, "virtual", "in", 98,
                   "ICMP echo request id 1 seq 0", "rx dropped: no pbuf");
}

static void test_pool_records_make_curves(void **state)
{
  (void)state;
  char *html = write_report(feed_pools, NULL);
  assert_non_null(strstr(html, "{\"name\":\"PBUF_POOL\",\"size\":16,"
                               "\"used\":16,\"max\":16,\"err\":2,"
                               "\"points\":[[0,0,3],[900,2,16]]"));
  assert_non_null(strstr(html, "{\"name\":\"HEAP\",\"size\":16384,"
                               "\"used\":2048,\"max\":4096,\"err\":1,"
                               "\"points\":[[500,1,2048]]"));
  assert_null(strstr(html, "\"garbage"));
  assert_non_null(strstr(html, "[950,4,\"in\",98,\"virtual\",\"ICMP echo "
                               "request id 1 seq 0\",\"rx dropped: no "
                               "pbuf\"]"));
  free(html);
}

static void feed_hostile(engine_report *r)
{
  engine_report_record(r, 0, 0, "main", "httpd",
                    "</script><script>alert(1)</script> \"q\" \\ \x01");
}

static void test_details_cannot_break_the_page(void **state)
{
  (void)state;
  char *html = write_report(feed_hostile, NULL);
  /* the template's own closing tag is the only one */
  char *first = strstr(html, "</script>");
  assert_non_null(first);
  assert_null(strstr(first + 1, "</script>"));
  assert_non_null(strstr(html, "\\u003c/script\\u003e"));
  assert_non_null(strstr(html, "\\\"q\\\" \\\\ \\u0001"));
  free(html);
}

static void test_no_external_urls(void **state)
{
  (void)state;
  char *html = write_report(feed_threads, NULL);
  assert_null(strstr(html, "http://"));
  assert_null(strstr(html, "https://"));
  assert_null(strstr(html, "src="));
  assert_null(strstr(html, "url("));
  assert_null(strstr(html, "@import"));
  free(html);
}

static void test_same_records_same_bytes(void **state)
{
  (void)state;
  size_t la, lb;
  char *a = write_report(feed_threads, &la);
  char *b = write_report(feed_threads, &lb);
  assert_int_equal(la, lb);
  assert_memory_equal(a, b, la);
  free(a);
  free(b);
}

/* 400,000 context switches between two threads over 400 s. */
static void feed_long(engine_report *r)
{
  uint64_t seq = 0;
  engine_report_record(r, 0, seq++, "main", "thread_new", "a prio 2");
  engine_report_record(r, 0, seq++, "main", "thread_new", "b prio 2");
  for (uint64_t i = 0; i < 400000; i++) {
    uint64_t t = i * 1000;
    engine_report_record(r, t, seq++, i % 2 ? "a" : "b", "switch",
                      i % 2 ? "b (x)" : "a (x)");
    engine_report_record(r, t, seq++, i % 2 ? "a" : "b", "counter", "n=1");
    if (i % 10 == 0)
      engine_report_frame(r, t, "virtual", "out", 60, "ARP announcement", "");
    if (i % 5 == 0) {
      char d[80];
      snprintf(d, sizeof d, "PBUF_POOL used=%llu max=9 err=0 size=16",
               (unsigned long long)(i % 9));
      engine_report_record(r, t, seq++, "a", "pool", d);
    }
  }
  engine_report_record(r, 400000000, seq, "a", "end", "main returned");
}

static void test_long_run_is_bounded(void **state)
{
  (void)state;
  size_t len;
  char *html = write_report(feed_long, &len);
  assert_true(len < 10u * 1000 * 1000);
  assert_null(strstr(html, "\"spans\":{\"n\":0,"));
  assert_null(strstr(html, "\"packets\":{\"n\":0,"));
  assert_non_null(strstr(html, "main returned"));    /* the end is kept */
  assert_non_null(strstr(html, "\"omitted\":{\"n\":")); /* pool samples */
  free(html);
}

static void test_unwritable_path_fails_first(void **state)
{
  (void)state;
  char err[256];
  engine_report *r = engine_report_open("/nonexistent-dir/r.html", err,
                                  sizeof err);
  assert_null(r);
  assert_non_null(strstr(err, "cannot write report /nonexistent-dir/r.html"));
  assert_null(strchr(err, '\n'));
}

static void test_observer_keeps_the_digest(void **state)
{
  (void)state;
  char err[256];
  uint64_t d[2];
  for (int i = 0; i < 2; i++) {
    engine_report *r = NULL;
    assert_int_equal(sim_trace_open(NULL, err, sizeof err), 0);
    if (i) {
      r = engine_report_open(report_path, err, sizeof err);
      assert_non_null(r);
      engine_report_attach(r);
    }
    sim_trace_emit(0, "main", "thread_new", "w prio 3");
    sim_trace_emit(0, "main", "switch", "w (thread_new)");
    sim_trace_emit(4, "w", "block", "take sem#1");
    d[i] = sim_trace_digest();
    if (r)
      assert_int_equal(engine_report_close(r, &info, err, sizeof err), 0);
    assert_int_equal(sim_trace_close(err, sizeof err), 0);
  }
  assert_int_equal(d[0], d[1]);
  char *html = slurp(report_path, NULL);
  assert_non_null(strstr(html, "[1,2,4,2000,2,3,1]"));
  free(html);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_thread_states_and_marks, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_pool_records_make_curves, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_details_cannot_break_the_page,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_external_urls, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_same_records_same_bytes, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_long_run_is_bounded, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_unwritable_path_fails_first,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_observer_keeps_the_digest, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
