/*
 * shimssl fuzzing: runs a target over files without libFuzzer, so every
 * build (gcc, ASan, plain) replays the seed corpora as regression tests.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 *
 * usage: replay_NAME [--twice] FILE|DIR...
 *   Each file is one input.  --twice runs every input a second time in the
 *   same process, so a target whose result depends on what ran before it
 *   (randomness that is not fixed, state kept between inputs) fails.  When
 *   the target defines fuzz_replay_check(), each file must pass it.
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int runs, failures;

static int run_file(const char *path, int times)
{
    FILE *f = fopen(path, "rb");
    const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
    unsigned char *buf;
    long len;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        if (f != NULL)
            fclose(f);
        return 0;
    }
    buf = malloc(len > 0 ? (size_t)len : 1);
    if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        fclose(f);
        free(buf);
        return 0;
    }
    fclose(f);
    for (int i = 0; i < times; i++) {
        const char *why;
        /* A copy of exactly len bytes: reads past the end are caught. */
        unsigned char *copy = malloc(len > 0 ? (size_t)len : 1);
        memcpy(copy, buf, (size_t)len);
        LLVMFuzzerTestOneInput(copy, (size_t)len);
        free(copy);
        runs++;
        if (fuzz_replay_check != NULL && (why = fuzz_replay_check(base)) != NULL) {
            printf("FAIL %s (run %d): %s\n", path, i + 1, why);
            failures++;
        }
    }
    free(buf);
    return 1;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path, int times)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: no such file %s\n", path);
        return 0;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path, times);
    if ((d = opendir(path)) == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (n + 1) * sizeof(*names));
        names[n] = malloc(strlen(path) + strlen(e->d_name) + 2);
        sprintf(names[n++], "%s/%s", path, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp); /* the same order every time */
    int ok = 1;
    for (size_t i = 0; i < n; i++) {
        ok &= run_file(names[i], times);
        free(names[i]);
    }
    free(names);
    return ok;
}

int main(int argc, char **argv)
{
    int times = 1, ok = 1, files = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--twice") == 0) {
            times = 2;
            continue;
        }
        ok &= run_path(argv[i], times);
        files++;
    }
    if (files == 0 || runs == 0) {
        printf("FAIL: no input to replay\n");
        return 1;
    }
    printf("%s: %d runs, %d failed checks\n", ok && failures == 0 ? "ok" : "FAIL", runs, failures);
    return ok && failures == 0 ? 0 : 1;
}
