#pragma once
/* Debian's cblas.h (OpenBLAS) also declares openblas_set_num_threads, openblas_get_num_threads,
   openblas_get_corename and openblas_get_config, which swept uses for thread control and tracking. */
#include <cblas.h>
