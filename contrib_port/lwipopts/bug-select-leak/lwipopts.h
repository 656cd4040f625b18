/*
 * bug-select-leak profile - the board options on a tree with the lwIP 2.0.x
 * select()/close() slot leak: the bug model in ./bugmodel is applied to a
 * copy of the files it names (unless the tree predates the fix already).
 */
#ifndef LWIPSIM_PROFILE_BUG_SELECT_LEAK_LWIPOPTS_H
#define LWIPSIM_PROFILE_BUG_SELECT_LEAK_LWIPOPTS_H

#include "../board/lwipopts.h"

#endif
