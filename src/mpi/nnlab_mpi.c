/* nnlab_mpi.c: libnnlab_mpi: the MPI reduction behind nn_fit's data-parallel hook, and a status agreement. */
#include <string.h>
#include "nnlab/mpi.h"

#ifdef NNLAB_DOUBLE
#define NN_MPI_REAL MPI_DOUBLE
#else
#define NN_MPI_REAL MPI_FLOAT
#endif

/* MPI counts are ints: a larger vector goes in slices. */
#define SLICE (1 << 30)

static int allreduce(nn_real *v, size_t n, double *sums, int nsums, void *user)
{
    MPI_Comm comm = *(MPI_Comm *)user;
    for (size_t off = 0; off < n; off += SLICE) {
        int len = n - off < SLICE ? (int)(n - off) : SLICE;
        if (MPI_Allreduce(MPI_IN_PLACE, v + off, len, NN_MPI_REAL, MPI_SUM, comm) != MPI_SUCCESS) return 1;
    }
    if (nsums > 0 && MPI_Allreduce(MPI_IN_PLACE, sums, nsums, MPI_DOUBLE, MPI_SUM, comm) != MPI_SUCCESS) return 1;
    return 0;
}

nn_status nn_mpi_fit_opts(MPI_Comm *comm, nn_model *m, nn_fit_opts *o)
{
    if (!comm || !m || !o) return NN_EINVAL;
    int rank, size;
    if (MPI_Comm_rank(*comm, &rank) != MPI_SUCCESS || MPI_Comm_size(*comm, &size) != MPI_SUCCESS) return NN_EIO;
    o->workers = size;
    o->rank = rank;
    o->reduce = allreduce;
    o->reduce_user = comm;
    return nn_model_fork_noise(m, (unsigned)rank);
}

int nn_mpi_all_ok(MPI_Comm *comm, int ok, const char *msg, int root, char *buf, size_t size)
{
    int rank, first_bad = ok ? 1 << 30 : 0;
    MPI_Comm_rank(*comm, &rank);
    int mine = ok ? 1 << 30 : rank;
    MPI_Allreduce(&mine, &first_bad, 1, MPI_INT, MPI_MIN, *comm);
    if (first_bad == 1 << 30) return 1;
    /* The first failing rank sends its message to root: one point-to-point message, no gather of all. */
    enum { LEN = 1024 };
    char text[LEN] = "";
    if (rank == first_bad) snprintf(text, sizeof text, "%s", msg ? msg : nn_errmsg());
    if (first_bad != root) {
        if (rank == first_bad) MPI_Send(text, LEN, MPI_CHAR, root, 0, *comm);
        else if (rank == root) MPI_Recv(text, LEN, MPI_CHAR, first_bad, 0, *comm, MPI_STATUS_IGNORE);
    }
    if (rank == root && buf && size) snprintf(buf, size, "rank %d: %s", first_bad, text);
    return 0;
}
