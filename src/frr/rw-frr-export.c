/* rw-frr-export.c — work in progress */
#include "rw-frr-import.h"
#include "rw-clab.h"
