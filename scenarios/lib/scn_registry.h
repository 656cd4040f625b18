/*
 * scn_registry.h - the tables the build generates from scenarios/<name>/
 * folders (build/gen/): every descriptor, and in engines every
 * implementation, in the same (alphabetical) order.
 */
#ifndef SCN_REGISTRY_H
#define SCN_REGISTRY_H

#include "scn.h"
#include "sim_catalog.h"

extern const sim_catalog scn_catalog;
extern const scn_impl *const scn_impls[];

const scn_impl *scn_registry_impl(const char *name);

#endif
