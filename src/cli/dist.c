/* dist.c: nnlab under mpirun: which rank this is, data-parallel fit options, and ranks that fail together.
 * Built without MPI, or started without mpirun, it is one rank of one and every call is trivial. */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#ifdef NNLAB_HAVE_MPI
#include <nnlab/mpi.h>
static MPI_Comm comm;
static int active;
#endif

static int rank, size = 1;

/* Open MPI, MPICH and PMIx launchers each set one of these in every process they start. */
static int launched_by_mpirun(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

int cli_dist_init(int *argc, char ***argv)
{
#ifdef NNLAB_HAVE_MPI
    if (!launched_by_mpirun()) return 0;
    /* compare trains on threads while the main thread alone talks to the other ranks. */
    int provided;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return -1;
    comm = MPI_COMM_WORLD;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    active = 1;
    /* Rank 0 speaks for the run: the others keep only their error messages. */
    if (rank) {
        cli_quiet = 1;
        if (!freopen("/dev/null", "w", stdout)) return -1;
    }
#else
    (void)argc, (void)argv;
    if (launched_by_mpirun() && getenv("OMPI_COMM_WORLD_RANK") && atoi(getenv("OMPI_COMM_WORLD_RANK")) == 0)
        fprintf(stderr, "nnlab: warning: started by mpirun, but this nnlab was built without MPI: every rank "
                        "runs the whole command on its own\n");
#endif
    return 0;
}

void cli_dist_finish(void)
{
#ifdef NNLAB_HAVE_MPI
    if (active) MPI_Finalize();
    active = 0;
#endif
}

int cli_dist_rank(void) { return rank; }
int cli_dist_size(void) { return size; }

int cli_dist_fit_opts(nn_fit_opts *o, nn_model *m)
{
#ifdef NNLAB_HAVE_MPI
    if (active && size > 1) return nn_mpi_fit_opts(&comm, m, o) == NN_OK ? 0 : -1;
#else
    (void)o, (void)m;
#endif
    return 0;
}

int cli_dist_all_ok(int ok)
{
#ifdef NNLAB_HAVE_MPI
    if (active && size > 1) {
        char msg[1100];
        if (nn_mpi_all_ok(&comm, ok, cli_last_error(), 0, msg, sizeof msg)) return 1;
        if (rank == 0 && ok) cli_error("%s", msg);
        return 0;
    }
#endif
    return ok;
}

/* Messages between ranks for commands that hand out work (compare): bytes with a tag, blocking, on the world
 * communicator. Only one thread of a rank (the main one) calls them (MPI_THREAD_FUNNELED). */
int cli_dist_send(int to, int tag, const void *buf, size_t n)
{
#ifdef NNLAB_HAVE_MPI
    if (active && n <= INT_MAX) return MPI_Send(buf, (int)n, MPI_BYTE, to, tag, comm) == MPI_SUCCESS ? 0 : -1;
#else
    (void)to, (void)tag, (void)buf, (void)n;
#endif
    return -1;
}

int cli_dist_probe(int *from, int *tag, size_t *n)
{
#ifdef NNLAB_HAVE_MPI
    int flag = 0, count = 0;
    MPI_Status st;
    if (!active || MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &flag, &st) != MPI_SUCCESS || !flag) return 0;
    MPI_Get_count(&st, MPI_BYTE, &count);
    *from = st.MPI_SOURCE, *tag = st.MPI_TAG, *n = (size_t)count;
    return 1;
#else
    (void)from, (void)tag, (void)n;
    return 0;
#endif
}

int cli_dist_recv(int from, int tag, void *buf, size_t n)
{
#ifdef NNLAB_HAVE_MPI
    if (active && n <= INT_MAX)
        return MPI_Recv(buf, (int)n, MPI_BYTE, from, tag, comm, MPI_STATUS_IGNORE) == MPI_SUCCESS ? 0 : -1;
#else
    (void)from, (void)tag, (void)buf, (void)n;
#endif
    return -1;
}

int cli_dist_bcast(void *buf, size_t n)
{
#ifdef NNLAB_HAVE_MPI
    /* MPI counts are ints: a larger buffer goes in slices. */
    for (size_t off = 0; active && off < n; off += 1u << 30) {
        int len = n - off < 1u << 30 ? (int)(n - off) : 1 << 30;
        if (MPI_Bcast((char *)buf + off, len, MPI_BYTE, 0, comm) != MPI_SUCCESS) return -1;
    }
#else
    (void)buf, (void)n;
#endif
    return 0;
}

int cli_dist_any(int flag)
{
#ifdef NNLAB_HAVE_MPI
    int any = flag != 0;
    if (active && size > 1 && MPI_Allreduce(&flag, &any, 1, MPI_INT, MPI_LOR, comm) != MPI_SUCCESS) return 1;
    return any;
#else
    return flag != 0;
#endif
}
