/* test_report_browser.c: renders nnlab compare's index.html in headless chromium (when installed) and checks the table and that every picture loads. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "testutil.h"

static char tmp[256];
static char *dom;

static int sh(const char *cmd)
{
    int st = system(cmd);
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = '\0';
    fclose(f);
    return b;
}

/* Dumps the DOM of file `page` after load; the page's inline script has then set data-images-loaded. */
static char *render(const char *page)
{
    char cmd[2048], p[512];
    /* Every flag that would reach the network is off: the report must stand alone. */
    snprintf(cmd, sizeof cmd,
             "chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
             "--disable-background-networking --disable-component-update --disable-sync "
             "--user-data-dir='%s/profile' --virtual-time-budget=5000 --dump-dom 'file://%s' >'%s/dom.html' 2>/dev/null",
             tmp, page, tmp);
    ck_assert_msg(sh(cmd) == 0, "chromium failed: %s", cmd);
    snprintf(p, sizeof p, "%s/dom.html", tmp);
    free(dom);
    dom = slurp(p);
    ck_assert_ptr_nonnull(dom);
    return dom;
}

/* "N/M" from data-images-loaded: all loaded and at least `min` pictures. */
static void check_images(const char *d, int min)
{
    const char *a = strstr(d, "data-images-loaded=\"");
    ck_assert_msg(a != NULL, "the page's load script did not run");
    int ok = -1, all = -2;
    ck_assert_int_eq(sscanf(a + 20, "%d/%d", &ok, &all), 2);
    ck_assert_msg(ok == all && all >= min, "images loaded: %d of %d (expected at least %d)", ok, all, min);
}

START_TEST(test_browser)
{
    if (sh("command -v chromium >/dev/null 2>&1") != 0) {
        printf("SKIP: chromium not installed\n");
        return;
    }
    const char *bin = getenv("NNLAB_BIN");
    ck_assert_msg(bin && *bin, "NNLAB_BIN is not set");
    snprintf(tmp, sizeof tmp, "/tmp/nnlab_test_browser_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmp));
    char path[512], cmd[2048];
    snprintf(path, sizeof path, "%s/moons.csv", tmp);
    nn_dataset *d = nn_dataset_generate("moons", 200, 2, 0.1, 1);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(nn_dataset_save_csv(d, path, NULL), NN_OK);
    nn_dataset_free(d);
    snprintf(cmd, sizeof cmd, "'%s' compare --data '%s' --acts relu,tanh,elu --seeds 2 --epochs 5 --out '%s/rep' --quiet >/dev/null",
             bin, path, tmp);
    ck_assert_int_eq(sh(cmd), 0);

    snprintf(path, sizeof path, "%s/rep/index.html", tmp);
    const char *s = render(path);
    ck_assert_msg(strstr(s, "<table id=\"results\""), "no results table in the DOM");
    static const char *const acts[] = {"relu", "tanh", "elu"};
    for (int i = 0; i < 3; i++) {
        char key[64];
        snprintf(key, sizeof key, "<tr data-activation=\"%s\" ", acts[i]);
        ck_assert_msg(strstr(s, key), "no row %s", key);
    }
    int gp = sh("command -v gnuplot >/dev/null 2>&1") == 0;
    /* loss, accuracy and one boundary per activation when gnuplot drew them; none otherwise. */
    check_images(s, gp ? 5 : 0);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    sh(cmd);
    free(dom);
    dom = NULL;
}
END_TEST

static Suite *browser_suite(void)
{
    Suite *s = suite_create("report_browser");
    TCase *tc = tcase_create("chromium");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_browser);
    suite_add_tcase(s, tc);
    return s;
}

NN_TEST_MAIN(browser_suite)
