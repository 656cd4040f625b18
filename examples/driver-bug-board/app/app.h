/* app.h - IO-8 application: the production-test UDP echo. */
#ifndef IO8_APP_H
#define IO8_APP_H

#define TEST_ECHO_PORT 7
#define TEST_ECHO_PRIO 3
#define TEST_LOG_WRITE_MS 2 /* one test record to the SPI flash log */

void test_echo_start(void);
void main_net_init(void);

#endif
