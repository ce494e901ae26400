/* dist.c: nnlab under mpirun: which rank this is, data-parallel fit options, and ranks that fail together.
 * Built without MPI, or started without mpirun, it is one rank of one and every call is trivial. */
#define _POSIX_C_SOURCE 200809L
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
    if (MPI_Init(argc, argv) != MPI_SUCCESS) return -1;
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
