/*
 * shimssl - what the relinked test programs share: say which libssl file the
 * process has mapped (from /proc/self/maps), so the output itself shows that
 * the run path, and nothing in the environment, chose the library.
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */
#ifndef RELINK_COMMON_H
#define RELINK_COMMON_H

#include <stdio.h>
#include <string.h>

static void print_mapped_libssl(void)
{
    char line[4096];
    FILE *maps = fopen("/proc/self/maps", "r");

    if (maps == NULL)
        return;
    while (fgets(line, sizeof(line), maps) != NULL) {
        const char *path = strchr(line, '/');

        if (path != NULL && strstr(path, "/libssl.so") != NULL) {
            printf("libssl: %s", path);
            break;
        }
    }
    fclose(maps);
}

#endif /* RELINK_COMMON_H */
