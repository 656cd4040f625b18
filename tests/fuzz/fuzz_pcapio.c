/*
 * fuzz_pcapio.c - libFuzzer harness for the capture reader: every input is
 * written to a file and read the three ways `replay` reads a capture (the
 * section comment, our own block walk, libpcap frame by frame).  Nothing
 * may crash, read out of bounds or leak, whatever the bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "pcapio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static char path[64];
  if (!path[0])
    snprintf(path, sizeof path, "/dev/shm/lwipsim-fuzz-%d.pcapng",
             (int)getpid());
  FILE *f = fopen(path, "wb");
  if (!f)
    return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  char out[4096], err[512];
  (void)pcapio_read_shb_comment(path, out, sizeof out, err, sizeof err);
  pcapio_meta m;
  if (pcapio_read_meta(path, &m, err, sizeof err) == 0)
    pcapio_meta_free(&m);
  pcapio_reader *r = pcapio_read_open(path, err, sizeof err);
  if (r) {
    pcapio_frame fr;
    unsigned long sum = 0;
    while (pcapio_read_next(r, &fr) == 1)
      for (size_t i = 0; i < fr.len; i++)
        sum += fr.data[i]; /* touch every byte: ASan checks the bounds */
    (void)sum;
    pcapio_read_close(r);
  }
  unlink(path);
  return 0;
}
