#ifndef CMB_ETHERNETIF_H
#define CMB_ETHERNETIF_H
#include "lwip/err.h"
#include "lwip/netif.h"
err_t ethernetif_init(struct netif *netif);
#endif
