/* nnlab/mpi.h: data-parallel training over MPI (libnnlab_mpi, built when CMake finds MPI; docs/distributed.md).
 * Link with nnlab::nnlab_mpi in CMake or `pkg-config --libs nnlab_mpi`. The core library stays MPI-free. */
#ifndef NNLAB_MPI_H
#define NNLAB_MPI_H

#include <mpi.h>
#include "../nnlab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Make nn_fit with *o data-parallel over the processes of *comm: sets o->workers, o->rank and the reduction
 * (MPI_Allreduce of the gradients and counters), and gives m this rank's own noise stream (nn_model_fork_noise).
 * Every rank then calls nn_fit with the same model spec and seed, optimizer, data and options; the parameters
 * stay identical on every rank without a broadcast. *comm must outlive the nn_fit calls (it is not copied).
 * Errors: NN_EINVAL for NULL arguments; NN_EIO when MPI cannot tell the rank or size. */
nn_status nn_mpi_fit_opts(MPI_Comm *comm, nn_model *m, nn_fit_opts *o);

/* 1 if every rank of *comm passed ok != 0, else 0 (a collective: every rank must call it). When some rank
 * failed, root receives the message of the first failing rank (its nn_errmsg(), or `msg` if not NULL) in
 * buf, prefixed with "rank R: ". Lets every rank leave together instead of waiting on one that gave up. */
int nn_mpi_all_ok(MPI_Comm *comm, int ok, const char *msg, int root, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
