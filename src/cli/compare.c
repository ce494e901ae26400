/* compare.c: nnlab compare: one architecture trained per activation and seed in parallel, measured, tabulated,
 * plotted and reported; without --data, the bundled suite. The pieces are named in compare.h. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "compare.h"

/* The bundled suite: enough epochs for every activation to show whether (and how fast) it learns each task,
 * while the whole default run stays well under a minute on two cores. */
static const struct suite_task {
    const char *name;
    int classes;
    int epochs;
} suite[] = {{"xor", 2, 100}, {"moons", 2, 100}, {"circles", 2, 150}, {"spirals", 3, 300}};
enum { NSUITE = sizeof suite / sizeof suite[0] };

/* ---------------------------------------------------------------- the command */

/* A bundled toy task: the file from the data directory, else the generator with the settings that made the
 * bundled file, so the suite works from a bare build tree too. */
static nn_dataset *suite_data(const struct suite_task *st)
{
    char buf[4096];
    if (cli_bundled_path(st->name, buf, sizeof buf)) return cli_load_data(st->name);
    nn_dataset *d = nn_dataset_generate(st->name, 300, st->classes, 0.1, 1);
    if (!d) cli_error("compare: %s: %s", st->name, nn_errmsg());
    return d;
}

/* "path/to/moons.csv" -> "moons". */
static void task_name(const char *data, char *buf, size_t size)
{
    const char *b = strrchr(data, '/');
    b = b ? b + 1 : data;
    size_t n = strlen(b);
    if (n > 4 && !strcmp(b + n - 4, ".csv")) n -= 4;
    if (n == 0) b = "data", n = 4;
    snprintf(buf, size, "%.*s", (int)n, b);
}

/* The optimizer, the --acts and the --variants lists checked before any data is read. */
static int check_lists(const cmp_settings *o, cmp_act_list *acts, variant_list *vars)
{
    int rc = cmp_parse_acts(o->acts, acts);
    if (rc != CLI_OK) return rc;
    nn_optim *probe = nn_optim_parse(o->opt);
    if (!probe) {
        cli_error("compare: --opt: %s", nn_errmsg());
        return CLI_USAGE;
    }
    nn_optim_free(probe);
    return o->variants ? parse_variants(o->variants, o->opt, vars) : CLI_OK;
}

/* Task k of the run: the --data set, or the suite's k-th. Its data into *d (NULL after printing the error). */
static cmp_task *open_task(const cmp_settings *o, int k, const cmp_act_list *acts, const variant_list *vars,
                           nn_dataset **d, int *rc)
{
    char name[128], dir[4096];
    cmp_settings so = *o;
    if (o->data) {
        task_name(o->data, name, sizeof name);
        snprintf(dir, sizeof dir, "%s", o->out);
        *d = cli_load_data(o->data);
    } else {
        snprintf(name, sizeof name, "%s", suite[k].name);
        snprintf(dir, sizeof dir, "%s/%s", o->out, suite[k].name);
        if (!o->epochs_set) so.epochs = suite[k].epochs;
        *d = suite_data(&suite[k]);
    }
    *rc = CLI_ERR;
    if (!*d) return NULL;
    return cmp_task_new(&so, name, o->data ? o->data : suite[k].name, *d, acts, vars, dir, rc);
}

/* Runs are independent: parallelism comes from training several at once, so each product runs on one thread
 * (OpenBLAS threads on top would only compete for the same cores). Returns the number of runs trained at once. */
static int choose_workers(int threads)
{
    int workers = threads;
    if (workers <= 0) {
        nn_set_threads(0);
        workers = nn_get_threads();
    }
    nn_set_threads(1);
    return workers < 1 ? 1 : workers;
}

int cmd_compare(int argc, char **argv)
{
    /* Under mpirun every rank runs the command and trains its share of the runs; rank 0 alone writes. The
     * others' errors reach rank 0 through cli_dist_all_ok, so an error every rank meets is printed once. */
    int lead = cli_dist_rank() == 0;
    if (!lead) cli_errors_muted = 1;
    cmp_settings o;
    int help, rc = cmp_parse_args(argc, argv, &o, &help);
    if (!cli_dist_all_ok(rc == CLI_OK && !help)) return rc != CLI_OK || help ? rc : CLI_ERR;
    cmp_act_list acts = {0, NULL};
    variant plain = {.label = ""};
    variant_list vars = {1, &plain};
    snprintf(plain.opt, sizeof plain.opt, "%s", o.opt);
    rc = check_lists(&o, &acts, &vars);
    if (!cli_dist_all_ok(rc == CLI_OK)) {
        if (rc == CLI_OK) rc = CLI_ERR;
        goto out;
    }

    int workers = choose_workers(o.threads);
    cli_interrupted = 0;
    cli_install_sigint();

    int nt = o.data ? 1 : NSUITE, done = 0;
    cmp_task **tasks = calloc((size_t)nt, sizeof *tasks);
    /* Built in root, a fresh directory beside --out, and swapped in at the end: a report is never a mix. */
    char root[3800] = "";
    cmp_settings in = o;
    in.out = root;
    int opened = 0;
    if (!tasks) cli_error("out of memory");
    else if (lead) opened = !cli_outdir_open(o.out, root, sizeof root);
    if (!cli_dist_all_ok(tasks && (opened || !lead))) {
        if (opened) nn_atomic_dir_abort(root);
        free(tasks);
        rc = CLI_ERR;
        goto out;
    }
    if (!cli_quiet && !o.data)
        fprintf(stderr, "nnlab compare: the bundled suite (%d tasks x %d configurations x %d seeds) into %s/\n",
                NSUITE, acts.n * vars.n, o.seeds, o.out);
    for (int k = 0; k < nt; k++) {
        /* The ranks stop together: a Ctrl-C that reached one of them stops them all. */
        if (cli_dist_any(cli_interrupted != 0)) {
            cli_interrupted = 1;
            break;
        }
        nn_dataset *d = NULL;
        int trc;
        cmp_task *t = open_task(&in, k, &acts, &vars, &d, &trc);
        if (!cli_dist_all_ok(t && !(lead && cmp_mkdirs(t->dir)))) {
            rc = t ? CLI_ERR : trc;
            cmp_task_free(t);
            nn_dataset_free(d);
            break;
        }
        tasks[done++] = t;
        if (o.tune == 1 || (o.tune < 0 && !o.data)) {
            int trc2 = cmp_tune(t, &o, &acts, &vars, d, workers);
            if (!cli_dist_all_ok(trc2 == CLI_OK)) {
                rc = trc2 != CLI_OK ? trc2 : CLI_ERR;
                nn_dataset_free(d);
                break;
            }
        }
        if (nt > 1) printf("%s== %s: %d rows, %d features, %d classes ==\n", k ? "\n" : "", t->name, d->rows, d->cols,
                           d->nclasses);
        double t0 = nn_seconds();
        if (cmp_task_run(t, d, workers) != CLI_OK) rc = CLI_ERR;
        nn_dataset_free(d);
        if (!cli_quiet) fprintf(stderr, "%s: report in %s%s%s/index.html (%.1f s)\n", t->name, o.out,
                                 o.data ? "" : "/", o.data ? "" : t->name, nn_seconds() - t0);
    }
    if (lead && !o.data && done > 0) {
        if (report_suite_html(root, (const cmp_task *const *)tasks, done, cli_interrupted != 0)) rc = CLI_ERR;
        else if (!cli_quiet) fprintf(stderr, "suite report: %s/index.html\n", o.out);
    }
    if (cli_interrupted) {
        cli_error("compare: interrupted: the report holds the runs trained so far");
        rc = CLI_ERR;
    }
    if (lead && !done) nn_atomic_dir_abort(root);
    else if (lead && cli_outdir_commit(root, o.out)) rc = CLI_ERR;
    for (int k = 0; k < done; k++) cmp_task_free(tasks[k]);
    free(tasks);
    /* Later commands in this process (tests) get the default Ctrl-C back. */
    signal(SIGINT, SIG_DFL);
    /* Every rank exits with rank 0's status. */
    if (cli_dist_size() > 1 && cli_dist_bcast(&rc, sizeof rc)) rc = CLI_ERR;
out:
    free(acts.spec);
    if (vars.v != &plain) free(vars.v);
    return rc;
}
